import itertools
import warnings

import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

import torchcourse as tc

S = tc.CONV_SYMBOLS


def _substitute(expr, **values):
    return int(expr.subs({S[name]: value for name, value in values.items()}))


def _conv1d_length(length, kernel_size, stride, padding, dilation):
    conv = nn.Conv1d(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation)
    with warnings.catch_warnings():  # "same" with an even extent warns about a padded copy
        warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
        return conv(torch.zeros(1, 1, length)).shape[-1]


CONFIGS = [
    c
    for c in itertools.product(range(1, 10), (1, 2, 3, 4), (1, 2, 3), (0, 1, 2), (1, 2, 3))
    if c[0] + 2 * c[3] >= c[4] * (c[1] - 1) + 1
]


@pytest.mark.parametrize("length, kernel_size, stride, padding, dilation", CONFIGS)
def test_conv_output_size_matches_conv1d_and_the_sympy_formula(
    length, kernel_size, stride, padding, dilation
):
    expected = _conv1d_length(length, kernel_size, stride, padding, dilation)
    assert tc.conv_output_size(length, kernel_size, stride, padding, dilation) == expected
    expr = tc.conv_output_size_expr()
    got = _substitute(
        expr, length=length, kernel_size=kernel_size, stride=stride, padding=padding,
        dilation=dilation,
    )
    assert got == expected


@pytest.mark.parametrize("length, kernel_size, dilation", list(itertools.product(
    range(1, 8), (1, 2, 3, 4), (1, 2, 3))))
def test_same_and_valid_padding(length, kernel_size, dilation):
    assert tc.conv_output_size(length, kernel_size, padding="same", dilation=dilation) == length
    assert _conv1d_length(length, kernel_size, 1, "same", dilation) == length
    if length >= dilation * (kernel_size - 1) + 1:
        assert tc.conv_output_size(length, kernel_size, padding="valid", dilation=dilation) == (
            _conv1d_length(length, kernel_size, 1, "valid", dilation)
        )


@pytest.mark.parametrize(
    "kernel_size, dilation", list(itertools.product((1, 2, 3, 4, 5), (1, 2, 3)))
)
def test_same_padding_puts_the_odd_zero_on_the_right(kernel_size, dilation):
    left, right = tc.same_padding(kernel_size, dilation)
    assert left + right == dilation * (kernel_size - 1) and right - left in (0, 1)
    x = torch.randn(1, 1, 9, generator=torch.Generator().manual_seed(0))
    w = torch.randn(1, 1, kernel_size, generator=torch.Generator().manual_seed(1))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
        same = F.conv1d(x, w, padding="same", dilation=dilation)
    manual = F.conv1d(F.pad(x, (left, right)), w, dilation=dilation)
    torch.testing.assert_close(same, manual)


@pytest.mark.parametrize(
    "length, kernel_size, stride, padding, dilation",
    [c for c in CONFIGS if c[3] <= c[1] // 2],  # pooling allows padding <= kernel_size / 2
)
def test_ceil_mode_matches_max_pool1d(length, kernel_size, stride, padding, dilation):
    pool = nn.MaxPool1d(kernel_size, stride, padding, dilation, ceil_mode=True)
    expected = pool(torch.zeros(1, 1, length)).shape[-1]
    got = tc.conv_output_size(length, kernel_size, stride, padding, dilation, ceil_mode=True)
    assert got == expected
    expr = tc.conv_output_size_expr(ceil_mode=True)
    assert _substitute(
        expr, length=length, kernel_size=kernel_size, stride=stride, padding=padding,
        dilation=dilation,
    ) == expected


@pytest.mark.parametrize(
    "length, kernel_size, stride, padding, output_padding, dilation",
    [
        c
        for c in itertools.product(range(1, 7), (1, 2, 3), (1, 2, 3), (0, 1), (0, 1, 2), (1, 2))
        if c[4] < max(c[2], c[5])
        and (c[0] - 1) * c[2] - 2 * c[3] + c[5] * (c[1] - 1) + c[4] + 1 >= 1
    ],
)
def test_conv_transpose_output_size_matches_conv_transpose1d(
    length, kernel_size, stride, padding, output_padding, dilation
):
    layer = nn.ConvTranspose1d(
        1, 1, kernel_size, stride=stride, padding=padding, output_padding=output_padding,
        dilation=dilation,
    )
    expected = layer(torch.zeros(1, 1, length)).shape[-1]
    assert tc.conv_transpose_output_size(
        length, kernel_size, stride, padding, output_padding, dilation
    ) == expected
    assert _substitute(
        tc.conv_transpose_output_size_expr(), length=length, kernel_size=kernel_size,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
    ) == expected


def test_transposed_size_inverts_the_conv_size():
    # every conv input length maps back to itself for exactly one output_padding in [0, stride)
    for length, k, s, p in itertools.product(range(3, 12), (1, 2, 3), (1, 2, 3), (0, 1)):
        out = tc.conv_output_size(length, k, s, p)
        back = {tc.conv_transpose_output_size(out, k, s, p, op) for op in range(s)}
        assert length in back


def test_expressions_use_the_documented_symbols():
    assert tc.conv_output_size_expr().free_symbols == {
        S["length"], S["kernel_size"], S["stride"], S["padding"], S["dilation"]
    }
    assert S["output_padding"] in tc.conv_transpose_output_size_expr().free_symbols
    assert isinstance(tc.conv_output_size_expr(), sp.Expr)


@given(
    n=st.integers(1, 2),
    groups=st.sampled_from([1, 2, 3]),
    c_in_per_group=st.integers(1, 2),
    c_out_per_group=st.integers(1, 2),
    size=st.integers(5, 9),
    kh=st.integers(1, 3),
    kw=st.integers(1, 3),
    stride=st.sampled_from([1, 2, (1, 2)]),
    padding=st.sampled_from([0, 1, (2, 0), "valid"]),
    dilation=st.sampled_from([1, 2, (2, 1)]),
    with_bias=st.booleans(),
)
def test_conv2d_unfold_equals_f_conv2d(
    n, groups, c_in_per_group, c_out_per_group, size, kh, kw, stride, padding, dilation, with_bias
):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, groups * c_in_per_group, size, size + 1, generator=g, dtype=torch.float64)
    w = torch.randn(groups * c_out_per_group, c_in_per_group, kh, kw, generator=g,
                    dtype=torch.float64)
    b = None
    if with_bias:
        b = torch.randn(groups * c_out_per_group, generator=g, dtype=torch.float64)
    expected = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    got = tc.conv2d_unfold(x, w, b, stride=stride, padding=padding, dilation=dilation,
                           groups=groups)
    torch.testing.assert_close(got, expected)


@pytest.mark.parametrize("kernel_size, dilation", [(2, 1), (3, 1), (4, 2), (2, 3)])
def test_conv2d_unfold_same_padding(kernel_size, dilation):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 7, 6, generator=g, dtype=torch.float64)
    w = torch.randn(4, 3, kernel_size, kernel_size + 1, generator=g, dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
        expected = F.conv2d(x, w, padding="same", dilation=dilation)
    got = tc.conv2d_unfold(x, w, padding="same", dilation=dilation)
    assert got.shape == x.shape[:1] + (4,) + x.shape[2:]
    torch.testing.assert_close(got, expected)


def test_conv2d_unfold_gradients_match():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 2, 6, 6, generator=g, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, generator=g, dtype=torch.float64, requires_grad=True)
    (gx, gw) = torch.autograd.grad(tc.conv2d_unfold(x, w, stride=2).square().sum(), (x, w))
    (ex, ew) = torch.autograd.grad(F.conv2d(x, w, stride=2).square().sum(), (x, w))
    torch.testing.assert_close(gx, ex)
    torch.testing.assert_close(gw, ew)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: tc.conv_output_size(0, 3), ValueError, "length must be an int >= 1"),
        (lambda: tc.conv_output_size(5, 3, stride=0), ValueError, "stride must be an int >= 1"),
        (lambda: tc.conv_output_size(5, 3, padding=-1), ValueError, "padding must be an int"),
        (lambda: tc.conv_output_size(5, 3, padding="full"), ValueError, "'same', 'valid'"),
        (lambda: tc.conv_output_size(5, 3, 2, "same"), ValueError, "needs stride 1"),
        (lambda: tc.conv_output_size(2, 3), ValueError, "does not fit"),
        (lambda: tc.conv_output_size(5, 3, 1.0), ValueError, "stride must be an int"),
        (lambda: tc.conv_output_size(5, 3, ceil_mode=1), TypeError, "ceil_mode must be True"),
        (lambda: tc.conv_output_size_expr(ceil_mode="yes"), TypeError, "ceil_mode"),
        (lambda: tc.conv_transpose_output_size(5, 3, 2, output_padding=2), ValueError,
         "smaller than stride or dilation"),
        (lambda: tc.conv_transpose_output_size(1, 1, padding=1), ValueError, "output length"),
        (lambda: tc.same_padding(0), ValueError, "kernel_size must be an int >= 1"),
        (lambda: tc.conv2d_unfold(torch.zeros(1, 2, 4, 4), torch.zeros(1, 2, 3)), ValueError,
         "weight must be a 4-D tensor"),
        (lambda: tc.conv2d_unfold(torch.zeros(1, 3, 4, 4), torch.zeros(2, 1, 3, 3), groups=2),
         ValueError, "groups must divide"),
        (lambda: tc.conv2d_unfold(torch.zeros(1, 4, 4, 4), torch.zeros(2, 4, 3, 3), groups=2),
         ValueError, "C_in / groups = 2"),
        (lambda: tc.conv2d_unfold(torch.zeros(1, 1, 4, 4), torch.zeros(2, 1, 3, 3),
                                  torch.zeros(3)), ValueError, r"bias must be None or .*\(2,\)"),
        (lambda: tc.conv2d_unfold(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 3, 3),
                                  stride=(1, 2, 3)), ValueError, "stride must be an int or a pair"),
        (lambda: tc.conv2d_unfold(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 3, 3),
                                  stride=2, padding="same"), ValueError, "needs stride 1"),
    ],
)
def test_bad_arguments_name_what_is_expected(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("length, kernel, stride", [(1, 2, 2), (3, 4, 3), (5, 6, 4)])
def test_ceil_mode_allows_a_kernel_longer_than_the_input_as_pooling_does(length, kernel, stride):
    # Regression: ceil mode keeps one window even when the kernel overhangs the input's end.
    pooled = torch.nn.functional.max_pool1d(torch.zeros(1, 1, length), kernel, stride, ceil_mode=True)
    assert tc.conv_output_size(length, kernel, stride, ceil_mode=True) == pooled.shape[-1] == 1
