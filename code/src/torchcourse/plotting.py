"""One picture per activation: the function, sympy's derivative and autograd's, on one Axes."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes

from torchcourse.activations import EXAMPLE_PARAMS, Activation
from torchcourse.derivatives import autograd_derivative, derivative, to_numpy
from torchcourse.style import BOOK_COLORS

_MARKERS_EVERY = 25  # autograd's values as markers on every 25th grid point, so both curves show


def _with_breaks(x: np.ndarray, kinks: tuple[float, ...]) -> np.ndarray:
    """Return ``x`` without the kinks and with a NaN between the points on either side of each."""
    x = x[~np.isin(x, kinks)]
    for k in sorted(kinks):
        i = int(np.searchsorted(x, k))
        if 0 < i < len(x):
            x = np.insert(x, i, np.nan)
    return x


def plot_activation(
    act: Activation,
    ax: Axes | None = None,
    *,
    x: np.ndarray | None = None,
    legend: bool = True,
    **params: Any,
) -> Axes:
    """Plot ``act`` and its derivative from sympy, with autograd's derivative overlaid as markers.

    At each kink, a hollow marker shows the gradient PyTorch actually returns there. The lines
    break at kinks instead of drawing a vertical jump. Introduced in chapter 5 (05_activations).
    """
    if not isinstance(act, Activation):
        raise TypeError(f"act must be a catalog Activation (tc.get_activation(...)), got {type(act).__name__}")
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    params = act.resolve(**{**EXAMPLE_PARAMS.get(act.key, {}), **params})
    kinks = act.kinks(**params)
    if x is None:
        lo = min([-6.0, *(k - 2.0 for k in kinks)])
        hi = max([6.0, *(k + 2.0 for k in kinks)])
        x = np.linspace(lo, hi, 601)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size < 2 or not np.all(np.isfinite(x)):
        raise ValueError("x must be a 1-D array of at least 2 finite numbers")
    x = np.sort(x)
    if ax is None:
        _, ax = plt.subplots()

    f = to_numpy(act.expr(**params))
    df = to_numpy(derivative(act, **params))
    xs = _with_breaks(x, kinks)
    ax.plot(xs, f(xs), color=BOOK_COLORS["blue"], label="f(x)")
    ax.plot(xs, df(xs), color=BOOK_COLORS["orange"], label="f′(x), sympy")

    marks = x[::_MARKERS_EVERY]
    grad = autograd_derivative(act, torch.as_tensor(marks, dtype=torch.float64), **params)
    ax.plot(marks, grad.numpy(), "o", ms=4, color=BOOK_COLORS["vermillion"],
            label="f′(x), autograd")
    if kinks:
        k = np.asarray(kinks, dtype=np.float64)
        at_kinks = autograd_derivative(act, torch.as_tensor(k), **params).numpy()
        ax.plot(k, at_kinks, "o", ms=8, mfc="white", mew=2, color=BOOK_COLORS["vermillion"],
                label="autograd at a kink")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("x")
    ax.set_title(_title(act, params))
    if legend:
        ax.legend(loc="best")
    return ax


def _title(act: Activation, params: dict[str, float]) -> str:
    shown = ", ".join(f"{k}={v:g}" for k, v in params.items())
    name = f"nn.{act.module_name}"
    if act.key == "GELU_tanh":
        shown = "approximate='tanh'" + (f", {shown}" if shown else "")
    return f"{name}({shown})"
