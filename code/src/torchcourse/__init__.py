"""Helpers shared by the chapters of the PyTorch course book.

Import it as ``import torchcourse as tc``. Every public name is re-exported here, so a chapter
reads ``tc.set_seed(0)``; the modules stay small and each does one thing.
"""

from torchcourse.device import get_device
from torchcourse.diagrams import draw_broadcast, draw_memory_layout, draw_storage, draw_tensor
from torchcourse.glue import glue
from torchcourse.reproducibility import set_seed
from torchcourse.style import BOOK_COLORS, use_book_style
from torchcourse.timing import Timing, time_it

__version__ = "0.1.0"

__all__ = [
    "BOOK_COLORS",
    "Timing",
    "__version__",
    "draw_broadcast",
    "draw_memory_layout",
    "draw_storage",
    "draw_tensor",
    "get_device",
    "glue",
    "set_seed",
    "time_it",
    "use_book_style",
]
