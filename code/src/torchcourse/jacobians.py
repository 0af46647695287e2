"""Full Jacobians of the multi-dimensional activations, derived with sympy, checked with autograd.

Softmax, LogSoftmax, Softmin and GLU map a vector to a vector, so their derivative is a matrix.
For a small symbolic size ``n`` (inputs ``x_1 .. x_n``; GLU takes ``2n`` inputs split into halves
``a = x_1..x_n`` and ``b = x_{n+1}..x_{2n}``) this module writes each one as a sympy Matrix of
outputs, differentiates it with ``Matrix.jacobian`` and compares the result with
``torch.autograd.functional.jacobian`` of the torch module, in float64 and float32.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp
import torch
from torch import nn

# name -> (torch module factory, paper key, where it is used)
_MODULES: dict[str, Callable[[], nn.Module]] = {
    "Softmax": lambda: nn.Softmax(dim=-1),
    "LogSoftmax": lambda: nn.LogSoftmax(dim=-1),
    "Softmin": lambda: nn.Softmin(dim=-1),
    "GLU": lambda: nn.GLU(dim=-1),
}

JACOBIAN_NAMES: tuple[str, ...] = tuple(_MODULES)

# Tolerances, |torch - reference| <= atol + rtol * |reference| elementwise. The reference is the
# sympy expression evaluated with mpmath at 30 digits at the very inputs torch sees (float32
# inputs are exact in float64), so it is exact to the last bit of either precision.
# float64: softmax-type outputs and Jacobian entries are O(1) or smaller; torch's kernels
#   (max subtraction, exp, one division or a log-sum-exp) are off by a few units of 2.2e-16,
#   so atol = 1e-14 and rtol = 1e-12 keep a margin of ~100 while a wrong entry (a missing
#   off-diagonal term, a sign) is off by at least the size of y_i y_j and fails.
# float32: eps = 1.19e-7; measured errors are a few ulp, so atol = 1e-6 and rtol = 1e-5.
# The absolute part is scaled by max(1, max|x|): GLU's entries a_i·σ'(b_i) carry the absolute
#   error of σ'(b) (computed as σ(1 − σ), which is exactly 0 in float32 once σ rounds to 1 at
#   b ≈ 16.6) times |a_i|, and LogSoftmax's outputs are as large as the inputs.
JACOBIAN_TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float64: (1e-14, 1e-12),
    torch.float32: (1e-6, 1e-5),
}

_DTYPE_NAMES = {torch.float64: "float64", torch.float32: "float32"}
_REFERENCE_DIGITS = 30


def _check_name(name: str) -> str:
    if name not in _MODULES:
        valid = ", ".join(JACOBIAN_NAMES)
        raise KeyError(f"unknown activation {name!r}; valid names: {valid}")
    return name


def _check_n(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return n


def jacobian_symbols(n: int) -> tuple[sp.Symbol, ...]:
    """The real symbols ``x_1 .. x_n``.

    Introduced in chapter 5 (05_activations, 5.8).
    """
    n = _check_n(n)
    return tuple(sp.Symbol(f"x_{i}", real=True) for i in range(1, n + 1))


def multidim_outputs(name: str, n: int) -> tuple[tuple[sp.Symbol, ...], sp.Matrix]:
    """``(inputs, outputs)``: the symbols and the column Matrix of an activation's outputs.

    Softmax, LogSoftmax and Softmin take ``n`` inputs; GLU takes ``2n`` inputs and has ``n``
    outputs ``a_i·σ(b_i)`` with ``a = x_1..x_n`` and ``b = x_{n+1}..x_{2n}``.
    Introduced in chapter 5 (05_activations, 5.8).
    """
    _check_name(name)
    n = _check_n(n)
    if name == "GLU":
        xs = jacobian_symbols(2 * n)
        a, b = xs[:n], xs[n:]
        return xs, sp.Matrix([a[i] / (1 + sp.exp(-b[i])) for i in range(n)])
    xs = jacobian_symbols(n)
    if name == "Softmax":
        total = sum(sp.exp(x) for x in xs)
        return xs, sp.Matrix([sp.exp(x) / total for x in xs])
    if name == "Softmin":
        total = sum(sp.exp(-x) for x in xs)
        return xs, sp.Matrix([sp.exp(-x) / total for x in xs])
    total = sum(sp.exp(x) for x in xs)  # LogSoftmax
    return xs, sp.Matrix([x - sp.log(total) for x in xs])


def multidim_jacobian(name: str, n: int) -> sp.Matrix:
    """``outputs.jacobian(inputs)`` for ``multidim_outputs(name, n)``: entry (i, j) is dy_i/dx_j.

    Introduced in chapter 5 (05_activations, 5.8).
    """
    xs, ys = multidim_outputs(name, n)
    return ys.jacobian(xs)


def softmax_jacobian(n: int) -> sp.Matrix:
    """The n×n Jacobian of softmax(x_1..x_n), as sympy differentiates it.

    Introduced in chapter 5 (05_activations, 5.8).
    """
    return multidim_jacobian("Softmax", n)


def log_softmax_jacobian(n: int) -> sp.Matrix:
    """The n×n Jacobian of log_softmax(x_1..x_n).

    Introduced in chapter 5 (05_activations, 5.8).
    """
    return multidim_jacobian("LogSoftmax", n)


def softmin_jacobian(n: int) -> sp.Matrix:
    """The n×n Jacobian of softmin(x_1..x_n) = softmax(−x).

    Introduced in chapter 5 (05_activations, 5.8).
    """
    return multidim_jacobian("Softmin", n)


def glu_jacobian(n: int) -> sp.Matrix:
    """The n×2n Jacobian of GLU on 2n inputs (halves a = x_1..x_n, b = x_{n+1}..x_{2n}).

    Introduced in chapter 5 (05_activations, 5.8).
    """
    return multidim_jacobian("GLU", n)


@dataclass(frozen=True)
class JacobianCheck:
    """Outcome of ``check_jacobian``: torch's outputs and Jacobian against sympy's.

    ``*_ratio`` is the largest ``error / (atol + rtol·|reference|)``; ``ok`` means both ≤ 1.
    Introduced in chapter 5 (05_activations, 5.8).
    """

    name: str
    dtype: str
    size: int
    max_abs_err_forward: float
    max_abs_err_jacobian: float
    forward_ratio: float
    jacobian_ratio: float
    atol: float
    rtol: float
    ok: bool

    def __str__(self) -> str:
        mark = "✓" if self.ok else "✗"
        return (f"{self.name} {self.dtype} (size {self.size}): forward "
                f"{self.max_abs_err_forward:.1e}, Jacobian {self.max_abs_err_jacobian:.1e} {mark}")


@functools.lru_cache(maxsize=64)
def _reference(name: str, n: int) -> tuple[tuple[sp.Symbol, ...], Callable, Callable]:
    xs, ys = multidim_outputs(name, n)
    return xs, sp.lambdify(xs, ys, modules="mpmath"), sp.lambdify(xs, ys.jacobian(xs),
                                                                   modules="mpmath")


def _evaluate(fn: Callable, values: list[float]) -> np.ndarray:
    with mpmath.workdps(_REFERENCE_DIGITS):
        out = fn(*[mpmath.mpf(v) for v in values])
        rows = out.tolist() if hasattr(out, "tolist") else out
        return np.array([[float(v) for v in row] for row in rows], dtype=np.float64)


def _ratio(got: np.ndarray, ref: np.ndarray, atol: float, rtol: float) -> tuple[float, float]:
    with np.errstate(all="ignore"):  # atol here is already scaled by max(1, max|x|)
        err = np.abs(got - ref)
        err = np.where(np.isnan(err), np.inf, err)
        ratio = err / (atol + rtol * np.abs(ref))
    return float(err.max()), float(ratio.max())


def check_jacobian(name: str, x: torch.Tensor, *,
                   jacobian: sp.Matrix | None = None) -> JacobianCheck:
    """Compare torch's module (``dim=-1``) and its autograd Jacobian with sympy at the point x.

    ``x`` is a finite 1-D float64 or float32 tensor (any device); its size is the symbolic size
    (for GLU it must be even, as torch's "Halving dimension must be even" requires). The
    reference is the lambdified sympy expression evaluated with mpmath at 30 digits at the
    inputs torch sees. ``jacobian`` replaces sympy's Jacobian by another Matrix in the same
    symbols, e.g. to show that a wrong formula is caught. Tolerances: JACOBIAN_TOLERANCES, the
    absolute part multiplied by max(1, max|x|) (reported as ``atol``).
    Introduced in chapter 5 (05_activations, 5.8).
    """
    _check_name(name)
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"x must be a floating-point torch.Tensor, got {type(x).__name__}")
    if x.dtype not in JACOBIAN_TOLERANCES:
        raise ValueError(f"x must be float64 or float32, got {x.dtype}")
    if x.dim() != 1 or x.numel() == 0:
        raise ValueError(f"x must be a non-empty 1-D tensor, got shape {tuple(x.shape)}")
    if not bool(torch.isfinite(x).all()):
        raise ValueError("x must be finite (the check compares derivatives at finite points)")
    size = x.numel()
    if name == "GLU" and size % 2:
        raise ValueError(f"GLU splits its input into two halves, so the size must be even "
                         f"(torch: 'Halving dimension must be even'); got {size}")
    n = size // 2 if name == "GLU" else size

    module = _MODULES[name]().to(x.device)
    point = x.detach()
    y = module(point).cpu().double().numpy()[:, None]
    jac = torch.autograd.functional.jacobian(module, point).cpu().double().numpy()

    xs, f, df = _reference(name, n)
    if jacobian is not None:
        if not isinstance(jacobian, sp.MatrixBase) or jacobian.shape != (len(y), size):
            raise ValueError(f"jacobian must be a sympy Matrix of shape {(len(y), size)}")
        df = sp.lambdify(xs, jacobian, modules="mpmath")
    values = point.cpu().double().tolist()
    atol, rtol = JACOBIAN_TOLERANCES[x.dtype]
    atol *= max(1.0, max(abs(v) for v in values))
    err_f, ratio_f = _ratio(y, _evaluate(f, values), atol, rtol)
    err_j, ratio_j = _ratio(jac, _evaluate(df, values), atol, rtol)
    return JacobianCheck(name=name, dtype=_DTYPE_NAMES[x.dtype], size=size,
                         max_abs_err_forward=err_f, max_abs_err_jacobian=err_j,
                         forward_ratio=ratio_f, jacobian_ratio=ratio_j, atol=atol, rtol=rtol,
                         ok=bool(ratio_f <= 1 and ratio_j <= 1))
