"""One look for every figure in the book, chosen for legibility and small pages."""

from __future__ import annotations

import matplotlib as mpl

# Colour-blind-safe (Okabe-Ito); the order is the order lines are drawn in.
BOOK_COLORS: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

_FORMATS = ("svg", "png")

_RC = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.prop_cycle": mpl.cycler(color=list(BOOK_COLORS.values())),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "image.cmap": "viridis",
    "font.family": "DejaVu Sans",
    # Text stays text in the SVG (smaller pages, selectable), and element ids do not change
    # between builds, so re-executing a notebook gives the same figure file.
    "svg.fonttype": "none",
    "svg.hashsalt": "torchcourse",
}


def use_book_style(fmt: str = "svg") -> None:
    """Apply the book's figure defaults; inline figures are drawn as ``fmt`` (``"svg"`` or ``"png"``).

    SVG keeps line plots sharp at any zoom and small; choose PNG for pages dominated by large
    images. Introduced in chapter 1 (01_tensors).
    """
    if fmt not in _FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(map(repr, _FORMATS))}; got {fmt!r}")
    mpl.rcParams.update(_RC)
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # outside IPython there is no inline backend to configure
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):  # a script or a terminal IPython
        return
    if "inline" not in mpl.get_backend():
        # e.g. MPLBACKEND=Agg in the environment: figures would silently never be shown
        shell.enable_matplotlib("inline")
    # No creation date in the SVG: re-executing a notebook then reproduces its figures byte for byte.
    set_matplotlib_formats(fmt, **({"metadata": {"Date": None}} if fmt == "svg" else {}))
