"""Deriving activations with sympy and checking the result against PyTorch's autograd.

``derivative`` differentiates a catalog expression; ``to_numpy`` turns it into a NumPy function;
``check_against_autograd`` compares torch's forward and gradient with them on a grid that
contains every kink; ``true_derivative`` and ``ulp_error`` measure PyTorch's gradient against a
30-digit ground truth (mpmath), in units in the last place.
"""

from __future__ import annotations

import functools
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp
import torch
from sympy.codegen.cfunctions import log1p

from torchcourse.activations import (
    CATALOG,
    X,
    Activation,
    default_params,
    get_activation,
    parameter_sets,
)

# --------------------------------------------------------------------------------------------
# Tolerances. An error passes where |torch - reference| <= atol + rtol * |reference|.


@dataclass(frozen=True)
class Tolerance:
    """An absolute and a relative tolerance, combined as ``atol + rtol * |reference|``."""

    atol: float
    rtol: float


# float64: the reference is the sympy expression evaluated by NumPy/SciPy in float64; torch's
#   kernels are other float64 formulas (expm1, log1p, gradients computed from the output). Where
#   values are O(1) both agree to a few units of 2.2e-16 relative, so rtol = 1e-12 leaves a margin
#   of ~1000 while any wrong constant, slope or branch (errors >= 1e-9) still fails. The tails
#   lose *relative* accuracy by design (reference §6): Sigmoid/Tanh gradients are exactly 0 in
#   saturation, GELU's left tail cancels in 1 + erf, Tanhshrink cancels near 0 (x - tanh x).
#   Those errors are absolute and at most a few 1e-16, hence atol = 1e-14 (~50 x 2.2e-16).
#   Measured on 420k points in [-50, 50] at the defaults: worst error / tolerance = 0.03.
# float32: torch computes in float32 (eps 1.19e-7); the reference is float64 at the same float32
#   inputs and float32-rounded parameters. Measured: <= 8 ulp (~1e-6 relative, Mish/SiLU
#   gradients near 1) and <= 1e-7 absolute where a result cancels towards 0; rtol = 1e-5 and
#   atol = 1e-6 give a margin of ~10 (worst error / tolerance = 0.09) yet fail for a slope or
#   constant off by 1e-4 relative.
DEFAULT_TOLERANCES: dict[torch.dtype, Tolerance] = {
    torch.float64: Tolerance(atol=1e-14, rtol=1e-12),
    torch.float32: Tolerance(atol=1e-6, rtol=1e-5),
}

# Per-entry overrides, (key, dtype, "forward" | "grad") -> Tolerance. Keep this table short;
# each line states the measured error it admits.
TOLERANCE_OVERRIDES: dict[tuple[str, torch.dtype, str], Tolerance] = {
    # PyTorch's Hardsigmoid backward multiplies by the constant 1.0f / 6.0f even in float64:
    # 0.1666666716337204 = (1/6)(1 + 2.98e-8). The catalog keeps the exact 1/6, so the float64
    # gradient differs by 2.98e-8 relative on (-3, 3); rtol = 5e-8 admits exactly that (a slope
    # error twice as large fails). The forward divides by an exact 6 and keeps the default.
    ("Hardsigmoid", torch.float64, "grad"): Tolerance(atol=1e-14, rtol=5e-8),
    # CELU's backward uses input_scale = 1.0 / alpha.toFloat() (derivatives.yaml): 1/alpha
    # computed from float32(alpha), while the forward uses the float64 alpha. For an alpha that
    # float32 cannot hold (0.1, 0.7) the float64 gradient alpha*s*exp(x*s), s = 1/fl32(alpha),
    # is off by at most e^t (1 + |t|) d, t = x/alpha, d = |alpha/fl32(alpha) - 1| <= 2^-24 = 6e-8
    # (0.999999985 instead of 1 at x = 0 for alpha = 0.1). rtol = 1e-7 covers e^t d and
    # atol = 5e-8 covers e^t |t| d <= d/e = 2.2e-8. Alphas float32 holds (1, 2, 0.5) are exact.
    ("CELU", torch.float64, "grad"): Tolerance(atol=5e-8, rtol=1e-7),
    # GELU's float32 forward for x in [-5, -2]: 1 + erf(x/sqrt 2) cancels, and the vectorised
    # float32 erf is off by a few ulp of 1, times |x|/2: measured 1.0e-6 absolute at x = -3.39
    # (value -1.2e-3). atol = 4e-6.
    ("GELU", torch.float32, "forward"): Tolerance(atol=4e-6, rtol=1e-5),
    # GELU-tanh's gradient computes 1 - t^2 (t = tanh(u)) just before t rounds to -1, multiplied
    # by 0.5 x sqrt(2/pi)(1 + 0.134 x^2), which reaches ~10 (float32, x = -5.1) and ~20
    # (float64, x = -7.2): measured 1.0e-6 and 5.0e-15 absolute. atol = 5e-6 and 5e-14.
    ("GELU_tanh", torch.float32, "grad"): Tolerance(atol=5e-6, rtol=1e-5),
    ("GELU_tanh", torch.float64, "grad"): Tolerance(atol=5e-14, rtol=1e-12),
}

# The points beside each kink, relative to max(1, |kink|).
KINK_OFFSET = 1e-7
# Large inputs every grid contains.
FAR_POINTS = (-100.0, -50.0, -20.0, 20.0, 50.0, 100.0)

_DTYPE_NAMES = {torch.float64: "float64", torch.float32: "float32"}
_NUMPY_DTYPES = {torch.float64: np.float64, torch.float32: np.float32}


def tolerance(key: str, dtype: torch.dtype, quantity: str) -> Tolerance:
    """The tolerance used for ``key`` in ``dtype`` for ``quantity`` ("forward" or "grad").

    Introduced in chapter 5 (05_activations).
    """
    if quantity not in ("forward", "grad"):
        raise ValueError(f"quantity must be 'forward' or 'grad', got {quantity!r}")
    _check_dtype(dtype)
    return TOLERANCE_OVERRIDES.get((key, dtype, quantity), DEFAULT_TOLERANCES[dtype])


def _check_dtype(dtype: torch.dtype) -> None:
    if dtype not in DEFAULT_TOLERANCES:
        raise ValueError(f"dtype must be torch.float64 or torch.float32, got {dtype!r}")


# --------------------------------------------------------------------------------------------
# sympy -> NumPy / torch


def derivative(act: Activation | str, symbolic: bool = False, *, simplify: bool = False,
               exact_binary: bool = False, **params: float) -> sp.Expr:
    """``sp.diff(act.expr(...), X)``: the derivative with PyTorch's kink conventions.

    The Piecewise conditions are kept as written, so evaluating at a kink gives the gradient
    PyTorch returns there. ``simplify=True`` simplifies each branch (never the conditions), for
    display. Introduced in chapter 5 (05_activations).
    """
    act = get_activation(act)
    result = sp.diff(act.expr(symbolic, exact_binary=exact_binary, **params), X)
    return _simplify_branches(result) if simplify else result


def _simplify_branches(expr: sp.Expr) -> sp.Expr:
    pieces = expr.atoms(sp.Piecewise)
    if not pieces:
        return sp.simplify(expr)
    return expr.xreplace({
        pw: sp.Piecewise(*[(sp.simplify(e), c) for e, c in pw.args]) for pw in pieces
    })


def to_numpy(expr: sp.Expr) -> Callable[[np.ndarray], np.ndarray]:
    """``lambdify(X, expr, modules=["scipy", "numpy"])`` returning float64 arrays shaped like x.

    Constant branches (``0`` or ``1``) broadcast to the input's shape, and floating-point
    warnings from branches Piecewise evaluates but discards are silenced. ``log(1 + u)`` is
    evaluated as ``log1p(u)``: the same function without the cancellation that would make the
    float64 reference itself inaccurate (Mish, Softplus, LogSigmoid for very negative x).
    Introduced in chapter 5 (05_activations).
    """
    fn = sp.lambdify(X, _with_log1p(expr), modules=["scipy", "numpy"])

    def evaluate(x: np.ndarray | float) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            out = np.asarray(fn(x), dtype=np.float64)
        return np.array(np.broadcast_to(out, x.shape), dtype=np.float64)

    evaluate.__doc__ = f"NumPy version of {expr}"
    return evaluate


def _with_log1p(expr: sp.Expr) -> sp.Expr:
    def is_log_one_plus(e: sp.Basic) -> bool:
        return (isinstance(e, sp.log) and isinstance(e.args[0], sp.Add)
                and sp.S.One in e.args[0].args)

    return expr.replace(is_log_one_plus, lambda e: log1p(e.args[0] - 1))


def autograd_derivative(act: Activation | str, x: torch.Tensor, **params: float) -> torch.Tensor:
    """``d sum(module(x)) / dx`` from ``torch.autograd.grad``, in x's dtype and on x's device.

    With no parameters, Threshold uses EXAMPLE_PARAMS. A PReLU with ``num_parameters > 1``
    needs x to have a channel dimension (dim 1) of that size, as torch requires.
    Introduced in chapter 5 (05_activations).
    """
    act = get_activation(act)
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"x must be a floating-point torch.Tensor, got {type(x).__name__}")
    _, grad = _torch_forward_and_grad(act, x, _params_or_example(act, params))
    return grad


def _torch_forward_and_grad(act: Activation, x: torch.Tensor,
                            params: dict) -> tuple[torch.Tensor, torch.Tensor]:
    module = act.module(dtype=x.dtype, device=x.device, **params)
    leaf = x.detach().clone().requires_grad_(True)
    y = module(leaf)
    (grad,) = torch.autograd.grad(y.sum(), leaf)
    return y.detach(), grad


def _params_or_example(act: Activation, params: dict) -> dict:
    return act.resolve(**params) if params else default_params(act)


def _round_params(params: dict, dtype: torch.dtype) -> dict:
    """Parameters as torch holds them in ``dtype``: kernels cast scalar arguments to the dtype."""
    if dtype == torch.float64:
        return dict(params)
    np_dtype = _NUMPY_DTYPES[dtype]
    return {k: v if isinstance(v, int) else float(np_dtype(v)) for k, v in params.items()}


@functools.lru_cache(maxsize=512)
def _compiled(act: Activation, items: tuple) -> tuple[Callable, Callable]:
    params = dict(items)
    expr = act.expr(**params)
    return to_numpy(expr), to_numpy(sp.diff(expr, X))


# --------------------------------------------------------------------------------------------
# The grid and the check


def check_grid(act: Activation | str, **params: float) -> np.ndarray:
    """The float64 points a check uses, sorted and unique.

    A dense ``linspace(-6, 6, 1201)`` (plus a second one over ``act.plot_range`` where that is
    wider), 0, every switch point exactly (kinks included), the points
    ``k ± 1e-7·max(1, |k|)`` beside each, and ±20, ±50, ±100.
    Introduced in chapter 5 (05_activations).
    """
    act = get_activation(act)
    params = _params_or_example(act, params)
    parts = [np.linspace(-6.0, 6.0, 1201), np.array([0.0]), np.array(FAR_POINTS)]
    low, high = act.plot_range(**params)
    if high > 6.0:
        parts.append(np.linspace(low, high, 601))
    for k in act.switch_points(**params):
        step = KINK_OFFSET * max(1.0, abs(k))
        parts.append(np.array([k - step, k, k + step]))
    return np.unique(np.concatenate(parts).astype(np.float64))


def _format_params(params: dict) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in params.items())


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one comparison of an activation with torch (forward and autograd gradient).

    ``worst_x`` is where the gradient came closest to (or furthest past) its tolerance; the
    ``*_ratio`` fields are the largest ``error / (atol + rtol·|reference|)`` (≤ 1 passes).
    Introduced in chapter 5 (05_activations).
    """

    key: str
    params: dict = field(compare=False)
    dtype: str
    n_points: int
    max_abs_err_forward: float
    max_abs_err_grad: float
    worst_x: float
    atol: float
    rtol: float
    ok: bool
    forward_ratio: float = 0.0
    grad_ratio: float = 0.0
    forward_atol: float = 0.0
    forward_rtol: float = 0.0

    @property
    def label(self) -> str:
        """The entry with its parameters, e.g. ``ELU(alpha=0.5)``."""
        return f"{self.key}({_format_params(self.params)})" if self.params else self.key

    def __str__(self) -> str:
        fwd = "✓" if self.forward_ratio <= 1 else "✗"
        grad = "✓" if self.grad_ratio <= 1 else "✗"
        return (
            f"{self.label} {self.dtype}: forward {fwd} {self.max_abs_err_forward:.2g}, "
            f"derivative {grad} {self.max_abs_err_grad:.2g} at x={self.worst_x:.6g} "
            f"({self.n_points} points)"
        )


def _errors(got: np.ndarray, ref: np.ndarray, tol: Tolerance) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise |got - ref| and its ratio to atol + rtol·|ref| (NaN/inf handled)."""
    with np.errstate(all="ignore"):
        err = np.abs(got - ref)
        same = (got == ref) | (np.isnan(got) & np.isnan(ref))
        err = np.where(same, 0.0, err)
        err = np.where(np.isnan(err), np.inf, err)
        ratio = err / (tol.atol + tol.rtol * np.abs(np.where(np.isfinite(ref), ref, 0.0)))
    return err, ratio


def check_against_autograd(act: Activation | str, dtype: torch.dtype = torch.float64,
                           device: torch.device | str | None = None, *,
                           xs: Sequence[float] | np.ndarray | None = None,
                           **params: float) -> CheckResult:
    """Compare torch's forward and autograd gradient with the sympy expression and its derivative.

    Points: ``check_grid`` (or ``xs``), rounded to ``dtype``, **kinks included** (none removed).
    In float32 the parameters are rounded to float32 as torch's kernels do, and the reference
    is evaluated in float64 at the float32 inputs. Error: ``|torch − ref| ≤ atol + rtol·|ref|``
    elementwise with ``tolerance(key, dtype, ...)``. Softplus with a beta that is not a power of
    two: torch tests the rounded product ``beta*x`` and may switch branch one float away from
    ``threshold/beta``, which a grid point placed exactly there would flag.
    Introduced in chapter 5 (05_activations).
    """
    act = get_activation(act)
    _check_dtype(dtype)
    resolved = _params_or_example(act, params)
    held = _round_params(resolved, dtype)
    grid = check_grid(act, **held) if xs is None else np.asarray(xs, dtype=np.float64).ravel()
    x_d = np.unique(grid.astype(_NUMPY_DTYPES[dtype])).astype(np.float64)

    channels = int(held.get("num_parameters", 1))
    x_t = torch.tensor(x_d, dtype=dtype, device=device)
    if channels > 1:  # PReLU with one weight per channel: every channel sees the same points
        x_t = x_t[:, None].repeat(1, channels)
    y_t, g_t = _torch_forward_and_grad(act, x_t, held)
    y = y_t.cpu().double().numpy().reshape(len(x_d), -1)
    g = g_t.cpu().double().numpy().reshape(len(x_d), -1)

    f, df = _compiled(act, tuple(held.items()))
    ref_y, ref_g = f(x_d)[:, None], df(x_d)[:, None]
    tol_f, tol_g = tolerance(act.key, dtype, "forward"), tolerance(act.key, dtype, "grad")
    err_f, ratio_f = _errors(y, ref_y, tol_f)
    err_g, ratio_g = _errors(g, ref_g, tol_g)
    worst = int(np.argmax(ratio_g.max(axis=1)))
    forward_ratio, grad_ratio = float(ratio_f.max()), float(ratio_g.max())
    return CheckResult(
        key=act.key, params=resolved, dtype=_DTYPE_NAMES[dtype], n_points=len(x_d),
        max_abs_err_forward=float(err_f.max()), max_abs_err_grad=float(err_g.max()),
        worst_x=float(x_d[worst]), atol=tol_g.atol, rtol=tol_g.rtol,
        ok=bool(forward_ratio <= 1 and grad_ratio <= 1), forward_ratio=forward_ratio,
        grad_ratio=grad_ratio, forward_atol=tol_f.atol, forward_rtol=tol_f.rtol,
    )


def check_all(dtypes: Sequence[torch.dtype] = (torch.float64, torch.float32),
              include_non_default: bool = True,
              device: torch.device | str | None = None) -> list[CheckResult]:
    """``check_against_autograd`` for every catalog entry, dtype and (optionally) NON_DEFAULT set.

    Introduced in chapter 5 (05_activations).
    """
    results = []
    for act in CATALOG.values():
        sets = parameter_sets(act) if include_non_default else [default_params(act)]
        for params in sets:
            for dtype in dtypes:
                results.append(check_against_autograd(act, dtype, device, **params))
    return results


# --------------------------------------------------------------------------------------------
# PReLU's weight and RReLU's training mode


@dataclass(frozen=True)
class WeightGradResult:
    """PReLU: autograd's gradient with respect to the weight vs sympy's, summed and per element.

    Introduced in chapter 5 (05_activations).
    """

    params: dict
    dtype: str
    n_points: int
    torch_sum: float
    sympy_sum: float
    max_abs_err_elementwise: float
    atol: float
    rtol: float
    ok: bool

    def __str__(self) -> str:
        mark = "✓" if self.ok else "✗"
        return (
            f"PReLU({_format_params(self.params)}) {self.dtype}: d sum/d weight {mark} torch "
            f"{self.torch_sum:.17g} vs sympy {self.sympy_sum:.17g}; per element max error "
            f"{self.max_abs_err_elementwise:.2g} ({self.n_points} points)"
        )


def prelu_weight_derivative(symbolic: bool = False, **params: float) -> sp.Expr:
    """d PReLU(x) / d weight from sympy: ``Piecewise((0, x > 0), (x, True))``.

    Introduced in chapter 5 (05_activations).
    """
    act = CATALOG["PReLU"]
    weight = next(p for p in act.params if p.name == "init").symbol
    result = sp.diff(act.expr(symbolic=True), weight)
    if symbolic:
        if params:
            raise ValueError("pass either symbolic=True or numeric parameters, not both")
        return result
    values = act.resolve(**params)
    return result.subs(weight, _sympy_value(values["init"]))


def _sympy_value(v: float) -> sp.Expr:
    from torchcourse.activations import to_sympy_number

    return to_sympy_number(v)


def check_prelu_weight_grad(dtype: torch.dtype = torch.float64,
                            **params: float) -> WeightGradResult:
    """d sum(PReLU(x)) / d weight from autograd vs the sum of sympy's d PReLU / d weight.

    Also per element: a PReLU with one weight per grid point (input shaped (1, n)) gives each
    point's own derivative, compared with the sympy expression elementwise.
    Introduced in chapter 5 (05_activations).
    """
    _check_dtype(dtype)
    act = CATALOG["PReLU"]
    resolved = act.resolve(**params)
    held = _round_params(resolved, dtype)
    xs = np.unique(check_grid(act, **held).astype(_NUMPY_DTYPES[dtype])).astype(np.float64)
    ref = to_numpy(prelu_weight_derivative(init=held["init"]))(xs)
    tol = tolerance("PReLU", dtype, "grad")

    x = torch.tensor(xs, dtype=dtype)
    single = act.module(dtype=dtype, init=held["init"])
    single(x).sum().backward()
    torch_sum = float(single.weight.grad.sum())
    sympy_sum = float(math.fsum(ref))
    # The sum of |x| over the grid bounds the rounding of either sum.
    sum_tol = tol.atol + tol.rtol * float(np.sum(np.abs(ref)))

    per_point = act.module(dtype=dtype, num_parameters=len(xs), init=held["init"])
    per_point(x[None, :]).sum().backward()
    elementwise = per_point.weight.grad.double().numpy()
    err, ratio = _errors(elementwise, ref, tol)
    ok = abs(torch_sum - sympy_sum) <= sum_tol and float(ratio.max()) <= 1
    return WeightGradResult(params=resolved, dtype=_DTYPE_NAMES[dtype], n_points=len(xs),
                            torch_sum=torch_sum, sympy_sum=sympy_sum,
                            max_abs_err_elementwise=float(err.max()), atol=tol.atol,
                            rtol=tol.rtol, ok=bool(ok))


@dataclass(frozen=True)
class RReLUTrainingResult:
    """RReLU in training mode: recovered slopes, their range, mean, and the gradient's agreement.

    Introduced in chapter 5 (05_activations).
    """

    lower: float
    upper: float
    n: int
    n_negative: int
    slopes_in_range: bool
    grad_matches_slopes: bool
    grad_one_for_positive: bool
    zero_gets_sampled_slope: bool
    mean_slope: float
    expected_mean: float
    mean_tolerance: float
    slope_std: float
    expected_std: float
    ok: bool

    def __str__(self) -> str:
        mark = "✓" if self.ok else "✗"
        return (
            f"RReLU(lower={self.lower:g}, upper={self.upper:g}) train {mark}: {self.n_negative} "
            f"negative inputs, slopes in range {self.slopes_in_range}, gradient = slope "
            f"{self.grad_matches_slopes}, mean slope {self.mean_slope:.5f} vs "
            f"{self.expected_mean:.5f} ± {self.mean_tolerance:.1g}"
        )


# The mean of m uniform slopes has standard deviation (u - l) / sqrt(12 m); 5 of them is the
# tolerance (a false alarm has probability below 1e-6 for any seed).
RRELU_MEAN_SIGMAS = 5.0


def check_rrelu_training(lower: float = 1 / 8, upper: float = 1 / 3, seed: int = 0,
                         n: int = 10_000, dtype: torch.dtype = torch.float64
                         ) -> RReLUTrainingResult:
    """Check RReLU's training mode: y = a·x for x <= 0 with a ~ U(lower, upper) per element.

    Recovers each slope as y/x (x < 0), checks it lies in [lower, upper] (up to one rounding),
    that autograd's gradient equals it elementwise (1 for x > 0, a sampled slope at x = 0), and
    that the mean slope is (lower + upper)/2 within ``RRELU_MEAN_SIGMAS`` standard errors.
    The global RNG is forked, so the caller's random state is untouched.
    Introduced in chapter 5 (05_activations).
    """
    _check_dtype(dtype)
    act = CATALOG["RReLU"]
    values = act.resolve(lower=lower, upper=upper)
    lo, hi = values["lower"], values["upper"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 10:
        raise ValueError(f"n must be an int >= 10, got {n!r}")
    eps = float(torch.finfo(dtype).eps)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        x = torch.randn(n, dtype=dtype)
        x[:5] = 0.0  # the kink: the kernel samples a slope for x <= 0
        leaf = x.clone().requires_grad_(True)
        module = torch.nn.RReLU(lower=lo, upper=hi).train()
        y = module(leaf)
        (grad,) = torch.autograd.grad(y.sum(), leaf)
    y = y.detach()
    neg, pos, zero = x < 0, x > 0, x == 0
    slopes = (y[neg] / x[neg]).double()
    slack = 4 * eps * max(abs(lo), abs(hi), 1.0)
    in_range = bool(((slopes >= lo - slack) & (slopes <= hi + slack)).all())
    grad_neg = grad[neg].double()
    matches = bool(torch.all(torch.abs(grad_neg - slopes) <= slack))
    ones = bool(torch.all(grad[pos] == 1))
    g0 = grad[zero].double()
    zero_ok = bool(torch.all((g0 >= lo - slack) & (g0 <= hi + slack)))
    m = int(neg.sum())
    mean = float(slopes.mean())
    expected = (lo + hi) / 2
    sem = (hi - lo) / math.sqrt(12 * m)
    mean_tol = RRELU_MEAN_SIGMAS * sem + slack
    std = float(slopes.std()) if m > 1 else 0.0
    expected_std = (hi - lo) / math.sqrt(12)
    ok = in_range and matches and ones and zero_ok and abs(mean - expected) <= mean_tol
    return RReLUTrainingResult(
        lower=lo, upper=hi, n=n, n_negative=m, slopes_in_range=in_range,
        grad_matches_slopes=matches, grad_one_for_positive=ones, zero_gets_sampled_slope=zero_ok,
        mean_slope=mean, expected_mean=expected, mean_tolerance=mean_tol, slope_std=std,
        expected_std=expected_std, ok=bool(ok),
    )


# --------------------------------------------------------------------------------------------
# Ground truth at high precision and errors in ULPs


@functools.lru_cache(maxsize=256)
def _mpmath_derivative(act: Activation, items: tuple) -> Callable:
    expr = derivative(act, exact_binary=True, **dict(items))
    return sp.lambdify(X, expr, modules="mpmath")


def true_derivative(act: Activation | str, xs: Sequence[float], digits: int = 30,
                    **params: float) -> list[mpmath.mpf]:
    """The catalog's sympy derivative evaluated with mpmath, correct to ``digits`` significant digits.

    Each input enters as the exact binary value of its float, and each parameter as the exact
    value of its float64 (what torch holds). Same Piecewise, so kinks follow PyTorch's
    conventions. Formulas that cancel (1 + erf(x) far left, 1 - tanh(x)^2 far out) lose digits
    even in mpmath, so each value is recomputed with twice the working precision until two
    successive precisions agree to ``digits`` digits. Introduced in chapter 5 (05_activations).
    """
    act = get_activation(act)
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 16:
        raise ValueError(f"digits must be an int >= 16, got {digits!r}")
    resolved = _params_or_example(act, params)
    fn = _mpmath_derivative(act, tuple(resolved.items()))
    return [_converged(fn, float(x), digits) for x in xs]


_MAX_WORKING_DIGITS = 5120  # GELU's 1 + erf(x) at x = -100 cancels about 2,200 digits
_NEGLIGIBLE = mpmath.mpf("1e-400")  # far below float64's smallest subnormal (4.9e-324)
_RESOLVING_DIGITS = 512  # working digits that resolve a cancelling value down to _NEGLIGIBLE


def _converged(fn: Callable, x: float, digits: int) -> mpmath.mpf:
    """``fn(x)`` at doubling working precision until two successive values agree to ``digits``.

    A cancellation returns 0 (or noise) at every precision too low to resolve it, so values
    below any float's range are trusted only once the working precision could resolve them.
    """
    working = digits + 10
    with mpmath.workdps(working):
        previous = +mpmath.mpf(fn(mpmath.mpf(x)))
    while True:
        working *= 2
        with mpmath.workdps(working):
            value = +mpmath.mpf(fn(mpmath.mpf(x)))
            if value != 0 and abs(value - previous) <= abs(value) * mpmath.mpf(10) ** -digits:
                break
            if (working >= _RESOLVING_DIGITS and abs(value) < _NEGLIGIBLE
                    and abs(previous) < _NEGLIGIBLE):
                return mpmath.mpf(0)  # zero in every floating-point format
            if working >= _MAX_WORKING_DIGITS:
                raise ArithmeticError(f"no {digits}-digit value of the derivative at x = {x!r} "
                                      f"with {_MAX_WORKING_DIGITS} working digits")
        previous = value
    with mpmath.workdps(digits):
        return +value


@dataclass(frozen=True)
class UlpReport:
    """PyTorch's gradient vs the high-precision truth, in ULPs of the dtype at the true value.

    ``max_ulp_core`` restricts to |x| <= 6. ``n_excluded`` points were left out (see ``note``).
    Introduced in chapter 5 (05_activations).
    """

    key: str
    params: dict
    dtype: str
    n_points: int
    max_ulp: float
    median_ulp: float
    worst_x: float
    max_ulp_core: float
    n_excluded: int = 0
    note: str = ""

    def __str__(self) -> str:
        label = f"{self.key}({_format_params(self.params)})" if self.params else self.key
        extra = f"; {self.n_excluded} points excluded: {self.note}" if self.n_excluded else ""
        return (
            f"{label} {self.dtype}: max {self.max_ulp:.3g} ulp at x={self.worst_x:.6g}, median "
            f"{self.median_ulp:.3g}, max for |x|<=6 {self.max_ulp_core:.3g} "
            f"({self.n_points} points){extra}"
        )


def ulp_distance(value: float, truth: mpmath.mpf | float, dtype: torch.dtype) -> float:
    """|value − truth| in units in the last place of ``dtype`` at the truth rounded to ``dtype``.

    The unit is ``numpy.spacing(|truth_d|)``; where ``truth_d`` is 0 or subnormal it is the
    smallest normal number of the dtype instead (an error of 1e-300 against a true 0 is then
    4.5e7 float64 ulps, not 1e23 subnormal steps). A non-finite ``value`` gives inf.
    Introduced in chapter 5 (05_activations).
    """
    _check_dtype(dtype)
    np_dtype = _NUMPY_DTYPES[dtype]
    value = float(value)
    if not math.isfinite(value):
        return math.inf
    with mpmath.workdps(max(40, mpmath.mp.dps)):  # mpf() rounds to the working precision
        truth = mpmath.mpf(truth)
        error = abs(mpmath.mpf(value) - truth)
    t_d = np_dtype(float(truth))
    tiny = float(np.finfo(np_dtype).tiny)
    unit = float(np.spacing(np.abs(t_d))) if abs(float(t_d)) >= tiny else tiny
    return float(error) / unit


_SOFTPLUS_NOTE = (
    "Softplus above its threshold (beta*x > threshold): PyTorch returns x and gradient exactly 1 "
    "by design, which the catalog's Piecewise reproduces; against the untruncated "
    "log(1 + exp(beta*x))/beta the gradient differs there by sigmoid(-beta*x) <= exp(-threshold)"
)


def _excluded(act: Activation, params: dict, xs: np.ndarray) -> tuple[np.ndarray, str]:
    if act.key == "Softplus":
        return params["beta"] * xs > params["threshold"], _SOFTPLUS_NOTE
    return np.zeros(xs.shape, dtype=bool), ""


def ulp_error(act: Activation | str, dtype: torch.dtype = torch.float64,
              xs: Sequence[float] | np.ndarray | None = None, **params: float) -> UlpReport:
    """PyTorch's gradient in ``dtype`` vs ``true_derivative``, in ULPs at the true value.

    Inputs (``check_grid`` by default) and parameters are rounded to ``dtype`` first; the unit
    is ``numpy.spacing`` of the true value rounded to ``dtype``, or the smallest normal number
    where that value is 0 or subnormal. Softplus's points above its threshold are excluded and
    counted (the gradient there is exactly 1 by PyTorch's design).
    Introduced in chapter 5 (05_activations).
    """
    act = get_activation(act)
    _check_dtype(dtype)
    np_dtype = _NUMPY_DTYPES[dtype]
    resolved = _params_or_example(act, params)
    held = _round_params(resolved, dtype)
    grid = check_grid(act, **held) if xs is None else np.asarray(xs, dtype=np.float64).ravel()
    x_d = np.unique(grid.astype(np_dtype)).astype(np.float64)
    if held.get("num_parameters", 1) != 1:
        held = {**held, "num_parameters": 1}  # same function; one weight suffices on a 1-D grid
    g = autograd_derivative(act, torch.tensor(x_d, dtype=dtype), **held).double().numpy()
    truth = true_derivative(act, x_d, **held)

    ulps = np.array([ulp_distance(got, t, dtype) for got, t in zip(g, truth, strict=True)])
    excluded, note = _excluded(act, held, x_d)
    kept = ~excluded
    values, kept_x = ulps[kept], x_d[kept]
    worst = int(np.argmax(values))
    core = values[np.abs(kept_x) <= 6.0]
    return UlpReport(
        key=act.key, params=resolved, dtype=_DTYPE_NAMES[dtype], n_points=int(kept.sum()),
        max_ulp=float(values.max()), median_ulp=float(statistics.median(values)),
        worst_x=float(kept_x[worst]), max_ulp_core=float(core.max()) if core.size else 0.0,
        n_excluded=int(excluded.sum()), note=note if excluded.any() else "",
    )
