"""What PyTorch returns at a non-differentiable point, and whether that follows its own rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp
import torch

from torchcourse.activations import EXAMPLE_PARAMS, X, Activation, to_sympy_number
from torchcourse.derivatives import autograd_derivative, derivative

_SAME = 1e-12  # two values this close (relative) count as equal: float64 round-off, nothing more
_EPS = sp.Symbol("epsilon", positive=True)


@dataclass(frozen=True)
class KinkReport:
    """The gradient PyTorch returns at one kink, next to the one-sided slopes and its documented rule."""

    x: float
    torch_grad: float
    left: float
    right: float
    continuous: bool
    jump: float  # f(x+) - f(x-): 0 where the function is continuous
    side: str  # "left", "right", "both" (differentiable there), or "neither"
    rule: str  # which of PyTorch's documented rules applies
    rule_value: float | None  # what that rule prescribes; None where it leaves the choice open
    follows_rule: bool

    def __str__(self) -> str:
        verdict = "follows" if self.follows_rule else "departs from"
        return (f"x = {self.x:g}: autograd gives {self.torch_grad:.10g} (slopes: left "
                f"{self.left:.10g}, right {self.right:.10g}); {verdict} the rule: {self.rule}")


def _one_sided(expr: sp.Expr, k: float, side: str) -> float:
    """The exact one-sided limit of a Piecewise ``expr`` at ``k`` (each branch is continuous)."""
    at = to_sympy_number(k)
    shifted = expr.subs(X, at - _EPS if side == "-" else at + _EPS)
    return float(sp.limit(shifted, _EPS, 0, "+"))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _SAME * max(1.0, abs(a), abs(b))


def _documented_rule(left: float, right: float, continuous: bool) -> tuple[str, float | None]:
    """PyTorch's autograd notes, 'Gradients for non-differentiable functions', for one kink."""
    if _close(left, right):
        return "the gradient, where it exists", left
    if not continuous:
        return "either one-sided slope at a jump", None
    lo, hi = sorted((left, right))
    min_norm = 0.0 if lo <= 0.0 <= hi else (lo if abs(lo) < abs(hi) else hi)
    if left < right:
        return "the sub-gradient of minimum norm at a convex kink", min_norm
    return "the super-gradient of minimum norm at a concave kink", min_norm


def kink_report(act: Activation, **params: Any) -> list[KinkReport]:
    """Describe the gradient PyTorch returns at each kink of ``act``: value, side and rule.

    Introduced in chapter 5 (05_activations).
    """
    if not isinstance(act, Activation):
        raise TypeError(f"act must be a catalog Activation, got {type(act).__name__}")
    params = act.resolve(**{**EXAMPLE_PARAMS.get(act.key, {}), **params})
    kinks = act.kinks(**params)
    if not kinks:
        return []
    f, df = act.expr(**params), derivative(act, **params)
    at = autograd_derivative(act, torch.tensor(kinks, dtype=torch.float64), **params).tolist()
    reports = []
    for k, g in zip(kinks, at):
        left, right = _one_sided(df, k, "-"), _one_sided(df, k, "+")
        f_left, f_right = _one_sided(f, k, "-"), _one_sided(f, k, "+")
        continuous = _close(f_left, f_right)
        if _close(left, right):
            side = "both"
        elif _close(g, left):
            side = "left"
        elif _close(g, right):
            side = "right"
        else:
            side = "neither"
        rule, value = _documented_rule(left, right, continuous)
        follows = (value is None and side in ("left", "right")) or (value is not None and _close(g, value))
        jump = 0.0 if continuous else f_right - f_left
        reports.append(KinkReport(float(k), float(g), left, right, bool(continuous), jump, side,
                                  rule, value, bool(follows)))
    return reports
