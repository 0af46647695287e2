"""Expectations of an activation's output under Gaussian input, to many digits."""

from __future__ import annotations

import math
from collections.abc import Sequence

import mpmath
import sympy as sp


def gaussian_expectation(expr: sp.Expr, *, std: float = 1.0, power: int = 1,
                         digits: int = 30, breakpoints: Sequence[float] = ()) -> float:
    """E[f(Z)^power] for Z ~ N(0, std²), where ``f`` is a sympy expression in one variable.

    Quadrature with mpmath at ``digits`` digits, split at 0, where most activations switch
    branch, and at every x in ``breakpoints`` (pass an activation's other switch points: a jump
    inside an interval spoils the quadrature). Introduced in chapter 5 (05_activations).
    """
    if not isinstance(expr, sp.Expr):
        raise TypeError(f"expr must be a sympy expression in one variable, got {type(expr).__name__}")
    free = expr.free_symbols
    if len(free) > 1:
        raise ValueError(f"expr must have exactly one free symbol (the input), got {sorted(map(str, free))}")
    if isinstance(power, bool) or not isinstance(power, int) or power < 1:
        raise ValueError(f"power must be an int >= 1, got {power!r}")
    if isinstance(std, bool) or not isinstance(std, (int, float)) or not std > 0:
        raise ValueError(f"std must be a positive number, got {std!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 15:
        raise ValueError(f"digits must be an int >= 15, got {digits!r}")
    try:
        cuts = sorted({0.0, *(float(b) for b in breakpoints)})
    except (TypeError, ValueError):
        raise ValueError(f"breakpoints must be finite numbers, got {breakpoints!r}") from None
    if not all(math.isfinite(c) for c in cuts):
        raise ValueError(f"breakpoints must be finite numbers, got {breakpoints!r}")
    var = free.pop() if free else sp.Symbol("x")
    f = sp.lambdify(var, expr, modules="mpmath")
    with mpmath.workdps(digits):
        s = mpmath.mpf(std)
        value = mpmath.quad(lambda t: mpmath.mpf(f(s * t)) ** power * mpmath.npdf(t),
                            [-mpmath.inf, *(mpmath.mpf(c) / s for c in cuts), mpmath.inf])
    return float(value)
