"""Convolution arithmetic (output sizes, as sympy expressions and as numbers) and a manual conv2d.

The formulas are the ones PyTorch documents for ``nn.ConvNd``, ``nn.ConvTransposeNd`` and the
pooling layers; chapter 4 (04_models/02_convolution) derives them and checks them against PyTorch.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
import torch
from torch.nn import functional as F

#: The symbols of the size formulas, keyed by the PyTorch argument each stands for.
CONV_SYMBOLS: dict[str, sp.Symbol] = {
    "length": sp.Symbol("L_in", integer=True, positive=True),
    "kernel_size": sp.Symbol("k", integer=True, positive=True),
    "stride": sp.Symbol("s", integer=True, positive=True),
    "padding": sp.Symbol("p", integer=True, nonnegative=True),
    "dilation": sp.Symbol("d", integer=True, positive=True),
    "output_padding": sp.Symbol("p_out", integer=True, nonnegative=True),
}

_PADDING_MODES = ("same", "valid")
IntOrSeq = int | Sequence[int]


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an int >= {low}; got {value!r}")
    return value


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return value


def conv_output_size_expr(*, ceil_mode: bool = False) -> sp.Expr:
    """Return the output length of a convolution (or pooling) as a sympy expression.

    In the symbols of :data:`CONV_SYMBOLS`: ``floor((L_in + 2p - d(k - 1) - 1)/s) + 1``. With
    ``ceil_mode=True`` (pooling only) the division rounds up, except that a last window starting
    beyond the input and its left padding is dropped, as PyTorch does.
    Introduced in chapter 4 (04_models/02_convolution).
    """
    _check_bool("ceil_mode", ceil_mode)
    length, k, s, p, d = (CONV_SYMBOLS[n] for n in ("length", "kernel_size", "stride",
                                                     "padding", "dilation"))
    span = length + 2 * p - d * (k - 1) - 1
    if not ceil_mode:
        return sp.floor(span / s) + 1
    rounded_up = sp.ceiling(span / s) + 1
    return sp.Piecewise((rounded_up - 1, (rounded_up - 1) * s >= length + p), (rounded_up, True))


def conv_transpose_output_size_expr() -> sp.Expr:
    """Return the output length of a transposed convolution as a sympy expression.

    ``(L_in - 1)s - 2p + d(k - 1) + p_out + 1`` in the symbols of :data:`CONV_SYMBOLS`.
    Introduced in chapter 4 (04_models/02_convolution).
    """
    length, k, s, p, d, p_out = CONV_SYMBOLS.values()
    return (length - 1) * s - 2 * p + d * (k - 1) + p_out + 1


def same_padding(kernel_size: int, dilation: int = 1) -> tuple[int, int]:
    """Return the (left, right) zero padding that ``padding="same"`` adds along one dimension.

    The total is ``dilation * (kernel_size - 1)``; when it is odd, PyTorch puts the extra zero on
    the right. Introduced in chapter 4 (04_models/02_convolution).
    """
    _check_int("kernel_size", kernel_size, 1)
    _check_int("dilation", dilation, 1)
    total = dilation * (kernel_size - 1)
    return total // 2, total - total // 2


def conv_output_size(
    length: int,
    kernel_size: int,
    stride: int = 1,
    padding: int | str = 0,
    dilation: int = 1,
    *,
    ceil_mode: bool = False,
) -> int:
    """Return the output length of ``nn.Conv1d`` (one dimension of any ``ConvNd``) or of pooling.

    ``padding`` is a number of zeros on each side, or ``"same"`` / ``"valid"`` as ``nn.ConvNd``
    accepts; ``ceil_mode`` is the pooling layers' option. Raises ValueError if no window fits.
    Introduced in chapter 4 (04_models/02_convolution).
    """
    _check_int("length", length, 1)
    _check_int("kernel_size", kernel_size, 1)
    _check_int("stride", stride, 1)
    _check_int("dilation", dilation, 1)
    _check_bool("ceil_mode", ceil_mode)
    if isinstance(padding, str):
        if padding not in _PADDING_MODES:
            raise ValueError(
                f"padding must be an int >= 0 or one of {', '.join(map(repr, _PADDING_MODES))}; "
                f"got {padding!r}"
            )
        if padding == "same":
            if stride != 1:
                raise ValueError(f"padding='same' needs stride 1 (as in PyTorch); got {stride}")
            return length
        padding = 0
    _check_int("padding", padding, 0)
    span = length + 2 * padding - dilation * (kernel_size - 1) - 1
    # PyTorch's rule (pooling_output_shape): floor, or ceil when asked; a last window that would
    # start in the right padding (or beyond) is dropped.
    size = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (size - 1) * stride >= length + padding:
        size -= 1
    if size < 1:
        raise ValueError(
            f"the kernel (extent {dilation * (kernel_size - 1) + 1}) does not fit in the padded "
            f"input (length {length + 2 * padding})"
        )
    return size


def conv_transpose_output_size(
    length: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """Return the output length of ``nn.ConvTranspose1d`` (one dimension of ``ConvTransposeNd``).

    Arguments in PyTorch's order; ``output_padding`` must be below ``stride`` or ``dilation``.
    Introduced in chapter 4 (04_models/02_convolution).
    """
    _check_int("length", length, 1)
    _check_int("kernel_size", kernel_size, 1)
    _check_int("stride", stride, 1)
    _check_int("padding", padding, 0)
    _check_int("output_padding", output_padding, 0)
    _check_int("dilation", dilation, 1)
    if not (output_padding < stride or output_padding < dilation):
        raise ValueError(
            "output_padding must be smaller than stride or dilation; "
            f"got output_padding={output_padding}, stride={stride}, dilation={dilation}"
        )
    size = (length - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if size < 1:
        raise ValueError(f"the output length would be {size}; reduce padding or enlarge the input")
    return size


def _pair(name: str, value: IntOrSeq, low: int) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    if not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints; got {value!r}")
    return (_check_int(name, value[0], low), _check_int(name, value[1], low))


def conv2d_unfold(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: IntOrSeq = 1,
    padding: IntOrSeq | str = 0,
    dilation: IntOrSeq = 1,
    groups: int = 1,
) -> torch.Tensor:
    """Compute ``F.conv2d`` as ``F.unfold`` (im2col) followed by one matrix product per group.

    Same arguments and result as ``F.conv2d`` for an input (N, C_in, H, W) and a weight
    (C_out, C_in / groups, kH, kW); ``padding`` may also be ``"same"`` or ``"valid"``.
    Introduced in chapter 4 (04_models/02_convolution).
    """
    for name, t in (("x", x), ("weight", weight)):
        if not isinstance(t, torch.Tensor) or t.ndim != 4:
            raise ValueError(f"{name} must be a 4-D tensor; got {getattr(t, 'shape', type(t))}")
    _check_int("groups", groups, 1)
    n, c_in = x.shape[:2]
    c_out, c_per_group, kh, kw = weight.shape
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"groups must divide the input and output channels; got groups={groups}, "
            f"C_in={c_in}, C_out={c_out}"
        )
    if c_per_group != c_in // groups:
        raise ValueError(
            f"weight must have C_in / groups = {c_in // groups} input channels; got {c_per_group}"
        )
    if bias is not None and (not isinstance(bias, torch.Tensor) or bias.shape != (c_out,)):
        raise ValueError(f"bias must be None or a tensor of shape ({c_out},)")
    stride, dilation = _pair("stride", stride, 1), _pair("dilation", dilation, 1)
    if isinstance(padding, str):
        if padding not in _PADDING_MODES:
            raise ValueError(f"padding must be an int, a pair, 'same' or 'valid'; got {padding!r}")
        if padding == "same" and stride != (1, 1):
            raise ValueError(f"padding='same' needs stride 1 (as in PyTorch); got {stride}")
        if padding == "same":
            top, bottom = same_padding(kh, dilation[0])
            left, right = same_padding(kw, dilation[1])
            x = F.pad(x, (left, right, top, bottom))
        padding = 0
    padding = _pair("padding", padding, 0)
    out_h = conv_output_size(x.shape[2], kh, stride[0], padding[0], dilation[0])
    out_w = conv_output_size(x.shape[3], kw, stride[1], padding[1], dilation[1])
    # columns: (N, C_in * kH * kW, L) with one column per output position
    columns = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)
    columns = columns.view(n, groups, c_per_group * kh * kw, out_h * out_w)
    kernels = weight.view(groups, c_out // groups, c_per_group * kh * kw)
    out = torch.einsum("gok,ngkl->ngol", kernels, columns).reshape(n, c_out, out_h, out_w)
    if bias is not None:
        out = out + bias.view(1, c_out, 1, 1)
    return out
