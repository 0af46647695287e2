"""Comparing the element-wise activations: computed properties, cost, depth and dead units.

``activation_properties`` derives a catalog entry's range, monotonicity, smoothness, mean under
standard-normal input and saturation from its sympy expression (limits, extrema and one-sided
derivatives; nothing typed by hand). ``cost_timings`` measures forward + backward time.
``deep_mlp``, ``layer_gradient_norms`` and ``dead_units`` are the pieces of the depth and
training experiments. Chapter 5's comparison lab (11_comparison_properties and
12_comparison_training) is built on them.
"""

from __future__ import annotations

import functools
import itertools
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
import torch
from scipy.optimize import brentq
from sympy.core.relational import Relational
from torch import nn
from torch.nn import functional as F

from torchcourse.activations import CATALOG, FAMILIES, X, Activation, get_activation
from torchcourse.derivatives import to_numpy
from torchcourse.expectations import gaussian_expectation
from torchcourse.models import mlp
from torchcourse.timing import Timing, time_it

# Two values closer than this (relative to max(1, |a|, |b|)) count as equal when deciding
# continuity: float32's machine epsilon. A smaller jump cannot be seen in the dtype networks
# train in (it is the size of Softplus's threshold switch, 2e-9 at x = 20).
JUMP_TOLERANCE = float(np.finfo(np.float32).eps)
# Derivatives of the pieces compared at every switch point up to this order; agreeing up to it
# (with analytic pieces on either side) is reported as C-infinity.
MAX_ORDER = 4
# A slope this far below 0 (float64 rounding of the derivative's formula) still counts as >= 0.
SLOPE_TOLERANCE = 1e-12
# |E f(Z)| below this counts as zero-centred: quadrature error, not a property of f.
MEAN_TOLERANCE = 1e-9
# Points per piece of the grid that looks for sign changes of f' and f''.
_GRID_POINTS = 4001
# Smoothness labels by order: -1 discontinuous, 0 continuous, 1 C^1, ..., MAX_ORDER C^inf.
_SMOOTHNESS = {-1: "discontinuous", 0: "C0", 1: "C1", 2: "C2", 3: "C3"}


# --------------------------------------------------------------------------------------------
# Pieces: the real line cut at every switch point, and the expression each piece uses


@dataclass(frozen=True)
class Piece:
    """One open interval ``(lo, hi)`` of the real line and the smooth expression used on it.

    ``lo`` may be ``-oo`` and ``hi`` ``oo``. Introduced in chapter 5 (11_comparison_properties).
    """

    lo: sp.Expr
    hi: sp.Expr
    expr: sp.Expr


_NOT_HANDLED = (sp.Max, sp.Min, sp.Heaviside, sp.sign, sp.floor, sp.ceiling, sp.DiracDelta)


def _check_expression(expr: sp.Expr) -> None:
    if not isinstance(expr, sp.Expr):
        raise TypeError(f"expr must be a sympy expression in X, got {type(expr).__name__}")
    if expr.free_symbols - {X}:
        names = sorted(map(str, expr.free_symbols - {X}))
        raise ValueError(f"expr must depend on the catalog's X only; it also has {names}")
    bad = [f for f in _NOT_HANDLED if expr.has(f)]
    if bad:
        raise ValueError(
            "expr must be written with Piecewise and Abs only for its branches; found "
            f"{', '.join(f.__name__ for f in bad)}"
        )


def switch_points(expr: sp.Expr) -> list[sp.Expr]:
    """Every point where a Piecewise condition or an Abs of ``expr`` changes, sorted.

    The conditions must be linear in X (true of the catalog). Introduced in chapter 5
    (11_comparison_properties).
    """
    _check_expression(expr)
    points: set[sp.Expr] = set()
    boundaries = [
        rel.lhs - rel.rhs
        for pw in expr.atoms(sp.Piecewise)
        for _, cond in pw.args
        for rel in cond.atoms(Relational)
    ]
    boundaries += [a.args[0] for a in expr.atoms(sp.Abs)]
    for boundary in boundaries:
        if not boundary.has(X):
            continue
        if sp.degree(boundary, X) != 1:
            raise ValueError(f"switch condition {boundary} = 0 is not linear in X")
        points.update(sp.solve(boundary, X))
    return sorted(points, key=float)


def _active_branch(expr: sp.Expr, probe: sp.Expr) -> sp.Expr:
    """``expr`` with every Piecewise replaced by its branch at ``probe``, every Abs resolved."""

    def branch(pw: sp.Piecewise) -> sp.Expr:
        for e, cond in pw.args:
            if bool(cond.subs(X, probe)):
                return e
        raise ValueError(f"no branch of {pw} holds at x = {probe}")

    def unsigned(a: sp.Abs) -> sp.Expr:
        inner = a.args[0]
        return inner if bool(inner.subs(X, probe) >= 0) else -inner

    # innermost first, so that a branch chosen never contains an unresolved Piecewise
    while expr.has(sp.Piecewise) or expr.has(sp.Abs):
        expr = expr.replace(
            lambda e: isinstance(e, sp.Piecewise) and not any(a.has(sp.Piecewise) for a in e.args),
            branch,
        )
        expr = expr.replace(lambda e: isinstance(e, sp.Abs) and not e.args[0].has(sp.Abs), unsigned)
    return expr


def pieces(expr: sp.Expr) -> list[Piece]:
    """Cut the real line at ``switch_points(expr)``; give each open interval its branch.

    Introduced in chapter 5 (11_comparison_properties).
    """
    points = switch_points(expr)
    edges = [-sp.oo, *points, sp.oo]
    result = []
    for lo, hi in itertools.pairwise(edges):
        if lo == -sp.oo and hi == sp.oo:
            probe = sp.Integer(0)
        elif lo == -sp.oo:
            probe = hi - 1
        elif hi == sp.oo:
            probe = lo + 1
        else:
            probe = (lo + hi) / 2
        result.append(Piece(lo, hi, _active_branch(expr, probe)))
    return result


# --------------------------------------------------------------------------------------------
# Extremes of f or f' over the real line


def _number(value: sp.Expr) -> float:
    """A sympy number as a float, with -oo/oo as -inf/inf (anything else raises)."""
    if value in (sp.oo, -sp.oo):
        return math.inf if value == sp.oo else -math.inf
    out = complex(sp.N(value, 30))
    if abs(out.imag) > 1e-12 * max(1.0, abs(out.real)) or math.isnan(out.real):
        raise ValueError(f"{value} is not a real number or a signed infinity")
    return out.real


@functools.lru_cache(maxsize=256)
def _limit(expr: sp.Expr, side: int) -> float:
    return _number(sp.limit(expr, X, side * sp.oo))


def _window(piece: Piece, reach: float) -> tuple[float, float]:
    lo = -reach if piece.lo == -sp.oo else float(piece.lo)
    hi = reach if piece.hi == sp.oo else float(piece.hi)
    return lo, hi


def _interior_roots(fn: Callable, lo: float, hi: float) -> list[float]:
    """Roots of ``fn`` in (lo, hi) where its sign changes, bracketed on a grid, then brentq."""
    grid = np.linspace(lo, hi, _GRID_POINTS)[1:-1]
    with np.errstate(all="ignore"):
        signs = np.sign(fn(grid))
    nonzero = np.flatnonzero(signs)
    roots = []
    for i, j in itertools.pairwise(nonzero):
        if signs[i] != signs[j]:
            roots.append(brentq(lambda t: float(fn(np.array(t))), grid[i], grid[j], xtol=1e-14))
    return roots


@dataclass(frozen=True)
class _Extremes:
    inf: float
    sup: float
    inf_attained: bool
    sup_attained: bool


def _extremes(parts: list[Piece], order: int, reach: float, at_points: list[float]) -> _Extremes:
    """Inf and sup over the reals of f (order 0) or f' (order 1), given the pieces.

    Candidates: limits at ±inf of the outer pieces and each piece's value at its finite ends
    (not attained), the values ``at_points`` (attained), constant pieces, and interior
    extrema, located where the next derivative changes sign (attained).
    """
    limits: list[float] = []
    attained: list[float] = list(at_points)
    for piece in parts:
        e = sp.diff(piece.expr, X, order)
        if not e.has(X):
            attained.append(_number(e))
            continue
        for end, side in ((piece.lo, -1), (piece.hi, 1)):
            if end in (sp.oo, -sp.oo):
                limits.append(_limit(e, side))
            else:
                limits.append(_number(e.subs(X, end)))
        value, slope = to_numpy(e), to_numpy(sp.diff(e, X))
        lo, hi = _window(piece, reach)
        attained += [float(value(np.array(r))) for r in _interior_roots(slope, lo, hi)]
    everything = limits + attained
    inf, sup = min(everything), max(everything)

    def reached(target: float, values: list[float]) -> bool:
        return math.isfinite(target) and any(
            abs(v - target) <= 1e-12 * max(1.0, abs(target)) for v in values
        )

    return _Extremes(
        inf=inf, sup=sup, inf_attained=reached(inf, attained), sup_attained=reached(sup, attained)
    )


# --------------------------------------------------------------------------------------------
# Properties


@dataclass(frozen=True)
class ActivationProperties:
    """Properties of one activation, computed from its sympy expression (see the module docstring).

    ``inf``/``sup`` bound the output over the reals (``*_attained``: taken at a finite x);
    ``min_slope``/``max_slope`` bound the derivative; ``monotone`` is "increasing",
    "non-decreasing" (constant on some interval) or "no";
    ``smoothness`` is "discontinuous", "C0", "C1", ... or "C∞"; ``mean`` is E f(Z) for
    Z ~ N(0, 1); ``slope_left``/``slope_right`` are the limits of f' at -inf and +inf, and
    the activation saturates on a side where that limit is 0. ``max_ignored_jump`` is the
    largest difference at a switch point that fell below ``JUMP_TOLERANCE``.
    Introduced in chapter 5 (11_comparison_properties).
    """

    key: str
    params: dict = field(compare=False)
    family: str
    inf: float
    sup: float
    inf_attained: bool
    sup_attained: bool
    min_slope: float
    max_slope: float
    monotone: str
    smoothness: str
    order: float  # -1 discontinuous, 0 continuous, 1 C^1, ..., math.inf
    switch_points: tuple[float, ...]
    mean: float
    slope_left: float
    slope_right: float
    max_ignored_jump: float

    @property
    def bounded(self) -> bool:
        """True if the output is bounded above and below."""
        return math.isfinite(self.inf) and math.isfinite(self.sup)

    @property
    def zero_centred(self) -> bool:
        """True if the mean output under standard-normal input is 0 (to quadrature accuracy)."""
        return abs(self.mean) <= MEAN_TOLERANCE

    @property
    def saturates_left(self) -> bool:
        """True if the derivative tends to 0 as x -> -inf."""
        return self.slope_left == 0

    @property
    def saturates_right(self) -> bool:
        """True if the derivative tends to 0 as x -> +inf."""
        return self.slope_right == 0

    @property
    def saturation(self) -> str:
        """Where the derivative tends to 0: "both", "left", "right" or "no"."""
        sides = {(True, True): "both", (True, False): "left", (False, True): "right"}
        return sides.get((self.saturates_left, self.saturates_right), "no")

    @property
    def range_latex(self) -> str:
        """The interval from inf to sup in LaTeX, brackets showing which ends are attained."""
        left = "[" if self.inf_attained else "("
        right = "]" if self.sup_attained else ")"
        return f"{left}{_tex(self.inf)}, {_tex(self.sup)}{right}"


def _tex(value: float) -> str:
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    if value == round(value):
        return str(round(value))
    return f"{value:.4g}"


def _resolve(act: Activation, params: dict) -> dict:
    from torchcourse.activations import default_params

    return act.resolve(**params) if params else default_params(act)


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _smoothness(expr: sp.Expr, parts: list[Piece]) -> tuple[float, float]:
    """The continuity order (see ActivationProperties.order) and the largest ignored jump."""
    order: float = math.inf
    ignored = 0.0
    for left, right in itertools.pairwise(parts):
        k = left.hi
        reached = MAX_ORDER
        for n in range(MAX_ORDER + 1):
            a = _number(sp.diff(left.expr, X, n).subs(X, k))
            b = _number(sp.diff(right.expr, X, n).subs(X, k))
            values = [a, b] + ([_number(expr.subs(X, k))] if n == 0 else [])
            gap = max(values) - min(values)
            if all(_close(v, values[0], JUMP_TOLERANCE) for v in values):
                ignored = max(ignored, gap)
                continue
            reached = n - 1
            break
        if reached < MAX_ORDER:
            order = min(order, reached)
    return order, ignored


def _jumps(expr: sp.Expr, parts: list[Piece], order: int) -> tuple[float, ...]:
    """The switch points where the ``order``-th derivative jumps (beyond JUMP_TOLERANCE)."""
    found = []
    for left, right in itertools.pairwise(parts):
        k = left.hi
        a = _number(sp.diff(left.expr, X, order).subs(X, k))
        b = _number(sp.diff(right.expr, X, order).subs(X, k))
        if not _close(a, b, JUMP_TOLERANCE):
            found.append(float(k))
    return tuple(found)


def _monotone(expr: sp.Expr, parts: list[Piece], slopes: _Extremes) -> str:
    """Return "increasing", "non-decreasing" or "no" from the slope bound and switch points.

    Non-decreasing needs f' >= 0 on every piece and, at every switch point k,
    f(k-) <= f(k) <= f(k+); strictly increasing also needs no constant piece (an analytic,
    non-constant piece with f' >= 0 has f' = 0 only at isolated points).
    """
    if slopes.inf < -SLOPE_TOLERANCE:
        return "no"
    for left, right in itertools.pairwise(parts):
        k = left.hi
        a, here, b = (
            _number(left.expr.subs(X, k)),
            _number(expr.subs(X, k)),
            _number(right.expr.subs(X, k)),
        )
        tol = JUMP_TOLERANCE * max(1.0, abs(a), abs(b))
        if not (a <= here + tol and here <= b + tol):
            return "no"
    flat = any(not p.expr.has(X) for p in parts)
    return "non-decreasing" if flat else "increasing"


def activation_properties(key: str | Activation, **params: float) -> ActivationProperties:
    """Compute range, slope bounds, monotonicity, smoothness, N(0, 1) mean and saturation.

    With no parameters, the catalog's defaults (Threshold: ``EXAMPLE_PARAMS``). Limits come
    from ``sympy.limit`` on the outermost pieces (plain expressions, so the limit is reliable),
    values at switch points from exact substitution, interior extrema from the sign changes of
    the next derivative on a dense grid of each piece (refined with ``brentq``). The grid spans
    ``[-R, R]`` with ``R = max(20, 1.5 max |switch point|)``; the catalog has no extremum beyond.
    Introduced in chapter 5 (11_comparison_properties).
    """
    act = get_activation(key)
    values = _resolve(act, params)
    expr = act.expr(**values)
    parts = pieces(expr)
    points = [p.hi for p in parts[:-1]]
    reach = max([20.0] + [1.5 * abs(float(k)) for k in points])
    at_points = [_number(expr.subs(X, k)) for k in points]
    outputs = _extremes(parts, 0, reach, at_points)
    slopes = _extremes(parts, 1, reach, [])
    order, ignored = _smoothness(expr, parts)
    smoothness = "C∞" if math.isinf(order) else _SMOOTHNESS.get(int(order), f"C{int(order)}")
    outer = (sp.diff(parts[0].expr, X), sp.diff(parts[-1].expr, X))
    return ActivationProperties(
        key=act.key,
        params=values,
        family=act.family,
        inf=outputs.inf,
        sup=outputs.sup,
        inf_attained=outputs.inf_attained,
        sup_attained=outputs.sup_attained,
        min_slope=slopes.inf,
        max_slope=slopes.sup,
        monotone=_monotone(expr, parts, slopes),
        smoothness=smoothness,
        order=order,
        switch_points=tuple(float(k) for k in points),
        mean=gaussian_expectation(expr, digits=20, breakpoints=[float(k) for k in points]),
        slope_left=_limit(outer[0], -1),
        slope_right=_limit(outer[1], 1),
        max_ignored_jump=ignored,
    )


def property_table(keys: Sequence[str] | None = None) -> list[ActivationProperties]:
    """``activation_properties`` of every catalog entry (or of ``keys``), at default parameters.

    Rows come in catalog order (grouped by family). Introduced in chapter 5
    (11_comparison_properties).
    """
    keys = list(CATALOG) if keys is None else [get_activation(k).key for k in keys]
    return [activation_properties(k) for k in keys]


# --------------------------------------------------------------------------------------------
# Cost


def cost_timings(
    keys: Sequence[str] | None = None,
    *,
    n: int = 1_000_000,
    repeat: int = 5,
    device: torch.device | str | None = None,
    dtype: torch.dtype = torch.float32,
    threads: int | None = 1,
) -> dict[str, Timing]:
    """Time forward + backward of each activation module on ``n`` standard-normal elements.

    The rounds are interleaved (round 1 of every key, then round 2, ...), so a change in the
    machine's load affects all keys alike; each key also gets one untimed warm-up call.
    On the CPU the measurement uses ``threads`` threads (restored afterwards; ``None`` keeps
    PyTorch's setting): one thread does not depend on how many cores happen to be free.
    Returns a ``Timing`` per key (``best`` is the fastest round). Default parameters as in
    ``activation_properties``. Introduced in chapter 5 (11_comparison_properties).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"repeat must be a positive int, got {repeat!r}")
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        raise ValueError(f"threads must be a positive int or None, got {threads!r}")
    keys = list(CATALOG) if keys is None else [get_activation(k).key for k in keys]
    x = torch.randn(n, generator=torch.Generator().manual_seed(0), dtype=dtype)
    x = x.to(device).requires_grad_(True)
    ones = torch.ones_like(x)
    steps = {}
    for k in keys:
        act = get_activation(k)
        module = act.module(dtype=dtype, device=x.device, **_resolve(act, {}))

        def step(module: nn.Module = module) -> None:
            torch.autograd.grad(module(x), x, ones)

        steps[k] = step
    rounds: dict[str, list[float]] = {k: [] for k in keys}
    previous = torch.get_num_threads()
    if threads is not None and x.device.type == "cpu":
        torch.set_num_threads(threads)
    try:
        for k in keys:
            steps[k]()
        for _ in range(repeat):
            for k in keys:
                rounds[k].append(time_it(steps[k], repeat=1, warmup=0).best)
    finally:
        torch.set_num_threads(previous)
    return {
        k: Timing(best=min(r), median=statistics.median(r), repeat=repeat, number=1)
        for k, r in rounds.items()
    }


# --------------------------------------------------------------------------------------------
# Deep networks: building, gradient norms, dead units


def activation_factory(key: str | Activation, **params: float) -> Callable[[], nn.Module]:
    """A zero-argument callable returning a fresh module of the catalog entry (for ``tc.mlp``).

    Default parameters as in ``activation_properties``. Introduced in chapter 5
    (12_comparison_training).
    """
    act = get_activation(key)
    values = _resolve(act, params)
    return lambda: act.module(**values)


def deep_mlp(
    key: str | Activation,
    *,
    depth: int,
    width: int,
    in_features: int,
    out_features: int,
    init_gain: float | None = None,
    seed: int | None = None,
    **params: float,
) -> nn.Sequential:
    """``tc.mlp`` with ``depth`` hidden layers of ``width`` units and the catalog activation.

    ``init_gain=None`` keeps PyTorch's default ``nn.Linear`` initialisation; a number draws
    every weight from N(0, gain² / fan_in) and zeroes the biases (gain 1: LeCun normal,
    gain sqrt(2): Kaiming normal for ReLU). With ``seed``, the weights are drawn from that
    seed without touching the global random state. Introduced in chapter 5
    (12_comparison_training).
    """
    for name, value in (
        ("depth", depth),
        ("width", width),
        ("in_features", in_features),
        ("out_features", out_features),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if init_gain is not None and (
        isinstance(init_gain, bool) or not isinstance(init_gain, (int, float)) or init_gain <= 0
    ):
        raise ValueError(f"init_gain must be a positive number or None, got {init_gain!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative int or None, got {seed!r}")
    make = activation_factory(key, **params)
    with torch.random.fork_rng(devices=[], enabled=seed is not None):
        if seed is not None:
            torch.manual_seed(seed)
        model = mlp(in_features, [width] * depth, out_features, activation=make)
        if init_gain is not None:
            for layer in model:
                if isinstance(layer, nn.Linear):
                    std = float(init_gain) / math.sqrt(layer.in_features)
                    nn.init.normal_(layer.weight, 0.0, std)
                    nn.init.zeros_(layer.bias)
    return model


def _check_sequential(model: object) -> None:
    if not isinstance(model, nn.Sequential):
        raise TypeError(
            f"model must be an nn.Sequential (e.g. from tc.mlp), got {type(model).__name__}"
        )


def layer_gradient_norms(
    model: nn.Sequential,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.mse_loss,
) -> np.ndarray:
    """‖∂L/∂W‖ (Frobenius) of every ``nn.Linear`` of ``model`` for one batch, input side first.

    The last entry is the output layer. The norms are computed in float64, so that tiny
    float32 gradients do not underflow when squared. Existing gradients are cleared first and
    left set.
    Introduced in chapter 5 (12_comparison_training).
    """
    _check_sequential(model)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("model has no nn.Linear layer")
    model.zero_grad(set_to_none=True)
    loss_fn(model(inputs), targets).backward()
    # in float64: a float32 norm squares its entries, and squares of entries below 1e-19
    # underflow to 0 (a deep sigmoid network's first layer would show a norm of exactly 0)
    return np.array([m.weight.grad.double().norm().item() for m in linears])


@dataclass(frozen=True)
class DeadUnits:
    """Per hidden layer, the fraction of units that are dead on every input of a batch.

    ``zero_output``: the unit's output is exactly 0 for every input. ``zero_grad``: its
    activation's derivative is exactly 0 for every input, so no gradient reaches the weights
    feeding it. ``widths`` weights the overall fractions. Introduced in chapter 5
    (12_comparison_training).
    """

    zero_output: np.ndarray
    zero_grad: np.ndarray
    widths: np.ndarray

    @property
    def overall_zero_output(self) -> float:
        """Fraction of all hidden units with output 0 on every input."""
        return float(np.sum(self.zero_output * self.widths) / np.sum(self.widths))

    @property
    def overall_zero_grad(self) -> float:
        """Fraction of all hidden units with derivative 0 on every input."""
        return float(np.sum(self.zero_grad * self.widths) / np.sum(self.widths))


def dead_units(model: nn.Sequential, inputs: torch.Tensor) -> DeadUnits:
    """Count, per hidden layer of ``model``, the units dead on every row of ``inputs``.

    ``model`` is a Sequential of Linear layers and element-wise activations (``tc.mlp``); it is
    evaluated in eval mode (RReLU uses its mean slope) and its mode is restored afterwards.
    Introduced in chapter 5 (12_comparison_training).
    """
    _check_sequential(model)
    if not isinstance(inputs, torch.Tensor) or inputs.ndim != 2:
        raise ValueError("inputs must be a 2-D tensor (batch, features)")
    was_training = model.training
    model.eval()
    zero_output, zero_grad, widths = [], [], []
    try:
        h = inputs
        for layer in model:
            if isinstance(layer, nn.Linear):
                with torch.no_grad():
                    h = layer(h)
                continue
            z = h.detach().requires_grad_(True)
            with torch.enable_grad():
                y = layer(z)
                (g,) = torch.autograd.grad(y.sum(), z)
            zero_output.append((y == 0).all(dim=0).float().mean().item())
            zero_grad.append((g == 0).all(dim=0).float().mean().item())
            widths.append(y.shape[1])
            h = y.detach()
    finally:
        model.train(was_training)
    if not widths:
        raise ValueError("model has no activation layer")
    return DeadUnits(np.array(zero_output), np.array(zero_grad), np.array(widths, dtype=float))


# --------------------------------------------------------------------------------------------
# The gallery


def plot_family(
    family: str,
    *,
    x: np.ndarray | None = None,
    ncols: int = 3,
    panel_size: tuple[float, float] = (2.5, 1.9),
):
    """Small multiples of one family: each activation and its sympy derivative, shared x range.

    Lines break at kinks and jumps instead of drawing vertical segments; one legend for the
    figure. Parameters are the defaults of ``activation_properties``. Returns the figure.
    Introduced in chapter 5 (11_comparison_properties).
    """
    import matplotlib.pyplot as plt

    from torchcourse.plotting import _with_breaks
    from torchcourse.style import BOOK_COLORS

    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(map(repr, FAMILIES))}; got {family!r}")
    x = np.linspace(-8.0, 8.0, 1601) if x is None else np.sort(np.asarray(x, dtype=float))
    members = [a for a in CATALOG.values() if a.family == family]
    nrows = math.ceil(len(members) / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.4),
        sharex=True,
        squeeze=False,
    )
    for ax, act in zip(axes.flat, members):
        values = _resolve(act, {})
        expr = act.expr(**values)
        parts = pieces(expr)
        for order, color, label in ((0, "blue", "f(x)"), (1, "orange", "f′(x)")):
            xs = _with_breaks(x, _jumps(expr, parts, order))
            fn = to_numpy(sp.diff(expr, X, order))
            ax.plot(xs, fn(xs), color=BOOK_COLORS[color], label=label)
        ax.axhline(0, color="black", lw=0.6)
        ax.set_title(act.key.replace("_", " "), fontsize=10)
    for ax in axes.flat[len(members) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("x")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncol=2)
    return fig
