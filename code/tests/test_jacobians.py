"""sympy Jacobians of Softmax, LogSoftmax, Softmin and GLU against torch.autograd.functional."""

import os

import pytest
import sympy as sp
import torch
import torchcourse as tc
from hypothesis import given, settings
from hypothesis import strategies as st
from torchcourse.jacobians import (
    JACOBIAN_NAMES,
    check_jacobian,
    glu_jacobian,
    jacobian_symbols,
    log_softmax_jacobian,
    multidim_jacobian,
    multidim_outputs,
    softmax_jacobian,
    softmin_jacobian,
)

_EXAMPLES = int(os.environ.get("TORCHCOURSE_HYPOTHESIS_EXAMPLES", "30"))
_finite = {"allow_nan": False, "allow_infinity": False}
_xs = st.lists(st.floats(-30.0, 30.0, **_finite), min_size=1, max_size=4)

# ---------------------------------------------------------------------------- against autograd


@pytest.mark.parametrize("name", JACOBIAN_NAMES)
@settings(max_examples=_EXAMPLES, deadline=None)
@given(values=_xs)
def test_random_inputs_agree_with_autograd(name, values):
    if name == "GLU":
        values = values + [v / 2 - 1 for v in values]  # an even size
    for dtype in (torch.float64, torch.float32):
        result = check_jacobian(name, torch.tensor(values, dtype=dtype))
        assert result.ok, str(result)


@pytest.mark.parametrize("name", JACOBIAN_NAMES)
def test_huge_spread_is_still_checked_exactly(name):
    x = torch.tensor([1000.0, 0.0, -1000.0, 3.0], dtype=torch.float64)
    for dtype in (torch.float64, torch.float32):
        assert check_jacobian(name, x.to(dtype)).ok


def test_result_fields():
    r = check_jacobian("Softmax", torch.tensor([0.5, -1.0, 2.0]))
    assert r.name == "Softmax" and r.dtype == "float32" and r.size == 3
    assert r.ok and r.jacobian_ratio <= 1 and r.forward_ratio <= 1
    assert "Softmax float32" in str(r) and "✓" in str(r)


# ---------------------------------------------------------------------------- closed forms


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_softmax_family_closed_forms(n):
    _, y = multidim_outputs("Softmax", n)
    soft = sp.Matrix(n, n, lambda i, j: y[i] * (int(i == j) - y[j]))
    logsoft = sp.Matrix(n, n, lambda i, j: int(i == j) - y[j])
    assert sp.simplify(softmax_jacobian(n) - soft) == sp.zeros(n, n)
    assert sp.simplify(log_softmax_jacobian(n) - logsoft) == sp.zeros(n, n)
    _, ymin = multidim_outputs("Softmin", n)
    softmin = sp.Matrix(n, n, lambda i, j: -ymin[i] * (int(i == j) - ymin[j]))
    assert sp.simplify(softmin_jacobian(n) - softmin) == sp.zeros(n, n)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_glu_jacobian_is_two_diagonal_blocks(n):
    xs = jacobian_symbols(2 * n)
    a, b = xs[:n], xs[n:]
    sig = [1 / (1 + sp.exp(-bi)) for bi in b]
    expected = sp.zeros(n, 2 * n)
    for i in range(n):
        expected[i, i] = sig[i]
        expected[i, n + i] = a[i] * sig[i] * (1 - sig[i])
    assert glu_jacobian(n).shape == (n, 2 * n)
    assert sp.simplify(glu_jacobian(n) - expected) == sp.zeros(n, 2 * n)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_softmax_rows_sum_to_zero_and_matrix_is_symmetric(n):
    jac = softmax_jacobian(n)
    for i in range(n):
        assert sp.simplify(sum(jac[i, :])) == 0
    assert sp.simplify(jac - jac.T) == sp.zeros(n, n)


def test_jacobian_of_named_functions_match_the_generic_one():
    assert softmax_jacobian(3) == multidim_jacobian("Softmax", 3)
    assert glu_jacobian(2) == multidim_jacobian("GLU", 2)
    assert jacobian_symbols(3) == multidim_outputs("Softmax", 3)[0]


# ---------------------------------------------------------------------------- it can fail


def test_a_wrong_jacobian_is_caught():
    _, y = multidim_outputs("Softmax", 3)
    diagonal_only = sp.diag(*[y[i] * (1 - y[i]) for i in range(3)])  # forgets i != j
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    assert check_jacobian("Softmax", x, jacobian=softmax_jacobian(3)).ok
    for dtype in (torch.float64, torch.float32):
        bad = check_jacobian("Softmax", x.to(dtype), jacobian=diagonal_only)
        assert not bad.ok and bad.jacobian_ratio > 1 and bad.forward_ratio <= 1
    scaled_glu = check_jacobian("GLU", torch.tensor([1.0, 2.0, 3.0, 4.0],
                                                        dtype=torch.float64),
                                    jacobian=glu_jacobian(2) * 1.0001)
    assert not scaled_glu.ok


# ---------------------------------------------------------------------------- bad arguments


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(KeyError, match="Softmax, LogSoftmax, Softmin, GLU"):
        multidim_outputs("Softmax2d", 3)
    with pytest.raises(KeyError, match="valid names"):
        check_jacobian("softmax", torch.zeros(3))


@pytest.mark.parametrize("bad", [0, -1])
def test_n_must_be_positive(bad):
    with pytest.raises(ValueError, match="n must be >= 1"):
        softmax_jacobian(bad)


@pytest.mark.parametrize("bad", [2.0, "3", True, None])
def test_n_must_be_an_int(bad):
    with pytest.raises(TypeError, match="n must be an int"):
        glu_jacobian(bad)


def test_glu_needs_an_even_size_like_torch():
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        torch.nn.GLU(dim=-1)(torch.zeros(5))
    with pytest.raises(ValueError, match="size must be even.*Halving dimension must be even"):
        check_jacobian("GLU", torch.zeros(5))


@pytest.mark.parametrize(
    "x, error, message",
    [
        ([1.0, 2.0], TypeError, "floating-point torch.Tensor"),
        (torch.tensor([1, 2]), TypeError, "floating-point torch.Tensor"),
        (torch.zeros(2, dtype=torch.float16), ValueError, "float64 or float32"),
        (torch.zeros(2, 2), ValueError, "1-D"),
        (torch.zeros(0), ValueError, "non-empty"),
        (torch.tensor([0.0, float("inf")]), ValueError, "finite"),
        (torch.tensor([0.0, float("nan")]), ValueError, "finite"),
    ],
)
def test_check_jacobian_validates_x(x, error, message):
    with pytest.raises(error, match=message):
        check_jacobian("Softmax", x)


def test_replacement_jacobian_must_have_the_right_shape():
    with pytest.raises(ValueError, match="shape"):
        check_jacobian("Softmax", torch.zeros(3), jacobian=softmax_jacobian(2))


def test_exported_from_the_package():
    for name in ("check_jacobian", "softmax_jacobian", "log_softmax_jacobian",
                 "softmin_jacobian", "glu_jacobian", "multidim_outputs", "JacobianCheck"):
        assert getattr(tc, name) is not None and name in tc.__all__
