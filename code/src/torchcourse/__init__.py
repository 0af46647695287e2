"""Helpers shared by the chapters of the PyTorch course book.

Import it as ``import torchcourse as tc``. Every public name is re-exported here, so a chapter
reads ``tc.set_seed(0)``; the modules stay small and each does one thing.
"""

from torchcourse.activations import (
    CATALOG,
    EXAMPLE_PARAMS,
    FAMILIES,
    NON_DEFAULT_PARAMS,
    Activation,
    Param,
    get_activation,
)
from torchcourse.derivatives import (
    CheckResult,
    UlpReport,
    autograd_derivative,
    check_against_autograd,
    check_all,
    check_grid,
    check_prelu_weight_grad,
    check_rrelu_training,
    derivative,
    prelu_weight_derivative,
    to_numpy,
    true_derivative,
    ulp_distance,
    ulp_error,
)
from torchcourse.blocks import activation_block, show_activation, to_latex
from torchcourse.device import get_device
from torchcourse.diagrams import draw_broadcast, draw_memory_layout, draw_storage, draw_tensor
from torchcourse.glue import glue
from torchcourse.kinks import KinkReport, kink_report
from torchcourse.plotting import plot_activation
from torchcourse.reproducibility import set_seed
from torchcourse.style import BOOK_COLORS, use_book_style
from torchcourse.timing import Timing, time_it

__version__ = "0.1.0"

__all__ = [
    "Activation",
    "BOOK_COLORS",
    "CATALOG",
    "CheckResult",
    "EXAMPLE_PARAMS",
    "FAMILIES",
    "KinkReport",
    "NON_DEFAULT_PARAMS",
    "Param",
    "Timing",
    "UlpReport",
    "__version__",
    "activation_block",
    "autograd_derivative",
    "check_against_autograd",
    "check_all",
    "check_grid",
    "check_prelu_weight_grad",
    "check_rrelu_training",
    "derivative",
    "draw_broadcast",
    "draw_memory_layout",
    "draw_storage",
    "draw_tensor",
    "get_activation",
    "get_device",
    "glue",
    "kink_report",
    "plot_activation",
    "prelu_weight_derivative",
    "set_seed",
    "show_activation",
    "time_it",
    "to_latex",
    "to_numpy",
    "true_derivative",
    "ulp_distance",
    "ulp_error",
    "use_book_style",
]
