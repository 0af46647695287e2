"""Recording computed values for the prose, in the book build and outside it."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import torch

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")

try:  # the book build (and any Jupyter with myst-nb installed)
    from myst_nb import glue as _myst_glue
except ImportError:  # Colab and plain Jupyter without myst-nb
    _myst_glue = None


def _plain(value: Any) -> Any:
    """NumPy scalars and one-element tensors become Python numbers, so format specs apply.

    (``{glue:text}`key:.2f``` formats the value's text form; ``np.float64(0.5)`` is not a number.)
    """
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return value.item()
    return value


def glue(name: str, value: Any, display: bool = True) -> None:
    """Record ``value`` under ``name`` for ``{glue:text}`` roles in the page's prose.

    Wraps ``myst_nb.glue``. Where myst-nb is not installed (Colab) it falls back to showing the
    value when ``display`` is true, so a notebook runs unchanged everywhere.
    Introduced in chapter 1 (01_tensors).
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            "glue name must be a non-empty string of letters, digits, '_' or '-' "
            f"that starts with a letter or '_'; got {name!r}"
        )
    if not isinstance(display, bool):
        raise TypeError(f"display must be True or False, got {display!r}")
    value = _plain(value)
    if _myst_glue is not None:
        _myst_glue(name, value, display=display)
    elif display:
        from IPython.display import display as _show

        _show(value)
