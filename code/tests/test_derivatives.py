"""Deriving with sympy, comparing with autograd, PReLU's weight, RReLU's training mode, ULPs."""

import math
import re
import time

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch

import torchcourse as tc
from torchcourse.activations import CATALOG, X, default_params, parameter_sets
from torchcourse.derivatives import (
    DEFAULT_TOLERANCES,
    FAR_POINTS,
    TOLERANCE_OVERRIDES,
    CheckResult,
    autograd_derivative,
    check_against_autograd,
    check_all,
    check_grid,
    check_prelu_weight_grad,
    check_rrelu_training,
    derivative,
    prelu_weight_derivative,
    to_numpy,
    tolerance,
    true_derivative,
    ulp_distance,
    ulp_error,
)

# ---------------------------------------------------------------------------- derive and lambdify


def test_derivative_keeps_pytorchs_conditions():
    assert derivative("ReLU") == sp.Piecewise((0, X <= 0), (1, True))
    assert derivative("Hardtanh") == sp.Piecewise((0, X <= -1), (0, X >= 1), (1, True))
    a = sp.Symbol(r"\alpha", real=True)
    assert derivative("LeakyReLU", symbolic=True) == sp.Piecewise((1, X > 0), (a, True))


def test_simplified_derivative_has_the_same_kink_values():
    for key in CATALOG:
        params = default_params(key)
        plain, simple = derivative(key, **params), derivative(key, simplify=True, **params)
        for k in CATALOG[key].switch_points(**params):
            assert float(plain.subs(X, k)) == pytest.approx(float(simple.subs(X, k)), rel=1e-14)


def test_to_numpy_broadcasts_constant_branches_and_returns_float64():
    relu_grad = to_numpy(derivative("ReLU"))
    x = np.array([[-1.0, 0.0], [2.0, 3.0]])
    out = relu_grad(x)
    assert out.dtype == np.float64 and out.shape == (2, 2)
    assert out.tolist() == [[0.0, 0.0], [1.0, 1.0]]
    ones = to_numpy(sp.Integer(1))(np.zeros(5))
    assert ones.shape == (5,) and ones.tolist() == [1.0] * 5
    assert to_numpy(derivative("Hardtanh"))(0.5).shape == ()


def test_to_numpy_is_accurate_where_log1p_matters():
    mish = to_numpy(CATALOG["Mish"].expr())
    x = -36.74
    with mpmath.workdps(30):
        exact = float(x * mpmath.tanh(mpmath.log1p(mpmath.exp(x))))
    assert mish(np.array([x]))[0] == pytest.approx(exact, rel=1e-14)


def test_to_numpy_is_quiet_about_discarded_branches():
    softplus = to_numpy(CATALOG["Softplus"].expr(beta=1.0, threshold=20.0))
    with np.errstate(all="raise"):
        assert softplus(np.array([1000.0]))[0] == 1000.0


def test_autograd_derivative_keeps_dtype_and_device():
    for dtype in (torch.float64, torch.float32):
        x = torch.linspace(-2, 2, 5, dtype=dtype)
        g = autograd_derivative("ReLU", x)
        assert g.dtype == dtype and g.device == x.device
        assert g.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert not x.requires_grad  # the caller's tensor is untouched
    with pytest.raises(TypeError, match="floating-point torch.Tensor"):
        autograd_derivative("ReLU", torch.arange(3))


def test_autograd_derivative_uses_the_example_parameters_when_none_are_given():
    x = torch.tensor([0.1, 0.2], dtype=torch.float64)
    assert autograd_derivative("Threshold", x).tolist() == [0.0, 1.0]


# ---------------------------------------------------------------------------- the grid


def test_check_grid_contains_the_kinks_their_neighbours_and_far_points():
    grid = check_grid("Softplus", beta=2.0, threshold=5.0)
    assert np.all(np.diff(grid) > 0) and grid.dtype == np.float64
    assert 2.5 in grid and 2.5 - 2.5e-7 in grid and 2.5 + 2.5e-7 in grid
    for x in FAR_POINTS + (0.0, -6.0, 6.0):
        assert x in grid
    assert np.isin(np.linspace(-6, 6, 1201), grid).all()


def test_check_grid_widens_for_threshold_and_softplus():
    grid = check_grid("Threshold", threshold=0.1, value=20.0)
    assert 0.1 in grid and grid[(grid > 6) & (grid < 20)].size > 100  # the value's range
    softplus = check_grid("Softplus")
    assert 20.0 in softplus and softplus[(softplus > 6) & (softplus < 20)].size > 100
    assert check_grid("ReLU")[(check_grid("ReLU") > 6) & (check_grid("ReLU") < 20)].size == 0


def test_check_grid_contains_smooth_switch_points_too():
    assert 0.0 in check_grid("CELU", alpha=2.0)  # not a kink, but a branch switch


# ---------------------------------------------------------------------------- the check


def test_check_result_reads_as_one_line():
    result = check_against_autograd("ELU", alpha=0.5)
    text = str(result)
    assert re.fullmatch(
        r"ELU\(alpha=0\.5\) float64: forward ✓ \S+, derivative ✓ \S+ at x=\S+ "
        r"\(\d+ points\)", text)
    assert result.ok and result.dtype == "float64" and result.params == {"alpha": 0.5}
    assert result.atol == 1e-14 and result.rtol == 1e-12
    failed = CheckResult("ReLU", {}, "float64", 3, 0.0, 1.0, 0.0, 1e-14, 1e-12, False,
                         forward_ratio=0.0, grad_ratio=1e14)
    assert "forward ✓" in str(failed) and "derivative ✗" in str(failed)


def test_check_counts_every_grid_point_including_kinks():
    result = check_against_autograd("Hardswish")
    assert result.n_points == len(check_grid("Hardswish"))


def test_float32_check_rounds_parameters_like_torch():
    # float32(0.1) > 0.1, so the float32 kink only matches if the threshold is rounded too.
    result = check_against_autograd("Threshold", torch.float32, xs=[0.1], threshold=0.1, value=20.0)
    assert result.ok and result.max_abs_err_forward == 0.0


def test_check_rejects_other_dtypes():
    with pytest.raises(ValueError, match="torch.float64 or torch.float32"):
        check_against_autograd("ReLU", torch.float16)


def test_tolerances_have_the_documented_values_and_overrides():
    assert DEFAULT_TOLERANCES[torch.float64] == tc.derivatives.Tolerance(1e-14, 1e-12)
    assert DEFAULT_TOLERANCES[torch.float32] == tc.derivatives.Tolerance(1e-6, 1e-5)
    assert tolerance("Hardsigmoid", torch.float64, "grad").rtol == 5e-8
    assert tolerance("Hardsigmoid", torch.float64, "forward").rtol == 1e-12
    assert tolerance("ReLU", torch.float32, "grad") == DEFAULT_TOLERANCES[torch.float32]
    assert all(key in CATALOG for key, _, _ in TOLERANCE_OVERRIDES)
    with pytest.raises(ValueError, match="'forward' or 'grad'"):
        tolerance("ReLU", torch.float64, "value")


def test_hardsigmoid_needs_its_override_in_float64():
    # torch's slope is float32(1/6): 3e-8 relative off the exact 1/6, beyond the default rtol.
    x = torch.tensor([0.5], dtype=torch.float64)
    assert autograd_derivative("Hardsigmoid", x).item() == float(np.float32(1 / 6))
    strict = tc.derivatives.Tolerance(1e-14, 1e-12)
    _, ratio = tc.derivatives._errors(np.array([float(np.float32(1 / 6))]), np.array([1 / 6]),
                                        strict)
    assert ratio[0] > 1e3


def test_check_all_passes_for_the_whole_catalog_quickly():
    start = time.perf_counter()
    results = check_all()
    seconds = time.perf_counter() - start
    expected = sum(len(parameter_sets(key)) for key in CATALOG) * 2
    assert len(results) == expected
    assert {r.dtype for r in results} == {"float64", "float32"}
    failures = [str(r) for r in results if not r.ok]
    assert not failures, "\n".join(failures)
    assert seconds < 10  # the budget; ~0.7 s measured cold on the 2-core build machine


def test_check_all_without_non_default_sets():
    results = check_all(dtypes=(torch.float64,), include_non_default=False)
    assert [r.key for r in results] == list(CATALOG)


# ---------------------------------------------------------------------------- PReLU and RReLU


def test_prelu_weight_derivative():
    assert prelu_weight_derivative() == sp.Piecewise((0, X > 0), (X, True))
    a = sp.Symbol("a", real=True)
    assert prelu_weight_derivative(symbolic=True) == sp.Piecewise((0, X > 0), (X, True))
    assert not prelu_weight_derivative(symbolic=True).has(a)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("init", [0.25, 0.1, -0.5])
def test_prelu_weight_gradient_matches_sympy(init, dtype):
    result = check_prelu_weight_grad(dtype=dtype, init=init)
    assert result.ok, str(result)
    assert result.torch_sum == pytest.approx(result.sympy_sum, rel=1e-6)
    assert result.sympy_sum < 0  # only x <= 0 contributes, each with x


def test_prelu_weight_gradient_check_can_fail(monkeypatch):
    import dataclasses

    broken = dataclasses.replace(
        CATALOG["PReLU"], _build=lambda p, s: sp.Piecewise((X, X > 0), (2 * p["init"] * X, True)))
    monkeypatch.setitem(CATALOG, "PReLU", broken)
    assert not check_prelu_weight_grad().ok


@pytest.mark.parametrize("lower, upper", [(1 / 8, 1 / 3), (0.1, 0.3), (0.0, 1.0), (0.2, 0.2)])
def test_rrelu_training_mode(lower, upper):
    result = check_rrelu_training(lower=lower, upper=upper)
    assert result.ok, str(result)
    assert result.slopes_in_range and result.grad_matches_slopes and result.grad_one_for_positive
    assert result.zero_gets_sampled_slope
    assert abs(result.mean_slope - (lower + upper) / 2) <= result.mean_tolerance
    assert result.slope_std == pytest.approx(result.expected_std, rel=0.1, abs=1e-12)
    assert 4000 < result.n_negative < 6000


def test_rrelu_training_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check_rrelu_training(seed=7)
    assert torch.equal(torch.rand(3), expected)


def test_rrelu_training_check_can_fail(monkeypatch):
    class WideRReLU(torch.nn.RReLU):  # samples twice the range it was given
        def forward(self, x):
            return torch.nn.functional.rrelu(x, self.lower, 2 * self.upper, self.training)

    monkeypatch.setattr(torch.nn, "RReLU", WideRReLU)
    result = check_rrelu_training()
    assert not result.ok and not result.slopes_in_range


def test_rrelu_training_rejects_bad_arguments():
    with pytest.raises(ValueError, match="lower <= upper"):
        check_rrelu_training(lower=0.5, upper=0.1)
    with pytest.raises(ValueError, match="n must be an int"):
        check_rrelu_training(n=3)


# ---------------------------------------------------------------------------- ground truth, ULPs


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_true_derivative_agrees_with_float64_lambdify_in_the_core(key):
    act = CATALOG[key]
    params = default_params(act)
    xs = np.unique(np.concatenate([np.linspace(-2.5, 2.5, 41), act.switch_points(**params)]))
    truth = np.array([float(t) for t in true_derivative(act, xs, **params)])
    numeric = to_numpy(derivative(act, **params))(xs)
    assert np.all(np.abs(truth - numeric) <= 1e-15 * np.maximum(1.0, np.abs(truth)))


def test_true_derivative_uses_the_exact_binary_inputs_and_parameters():
    # x = 0.1 (the float) is exactly the threshold 0.1 (the float): the x <= threshold branch.
    above = float(np.nextafter(0.1, 1.0))
    values = true_derivative("Threshold", [0.1, above], threshold=0.1, value=20.0)
    assert values == [0, 1]
    (sigmoid_20,) = true_derivative("Softplus", [20.0], digits=40)
    with mpmath.workdps(40):
        assert abs(sigmoid_20 - 1 / (1 + mpmath.exp(-20))) < mpmath.mpf(10) ** -38
    with pytest.raises(ValueError, match="digits must be an int >= 16"):
        true_derivative("ReLU", [0.0], digits=10)


def test_ulp_distance_units():
    assert ulp_distance(1.0, 1.0, torch.float64) == 0.0
    assert ulp_distance(1.0 + 2**-52, 1.0, torch.float64) == 1.0
    assert ulp_distance(1.0 + 2**-23, 1.0, torch.float32) == 1.0
    # a true 0 is measured in units of the smallest normal number
    assert ulp_distance(np.finfo(np.float64).tiny, 0, torch.float64) == 1.0
    assert ulp_distance(math.nan, 1.0, torch.float64) == math.inf
    # a 30-digit truth keeps its digits: a quarter ulp, not rounded to 0 or 1
    with mpmath.workdps(30):
        truth = mpmath.mpf(1) + mpmath.mpf(2) ** -54
    assert ulp_distance(1.0, truth, torch.float64) == 0.25


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
def test_ulp_error_is_finite_for_every_entry(dtype):
    for key in CATALOG:
        report = ulp_error(key, dtype)
        assert math.isfinite(report.max_ulp) and math.isfinite(report.median_ulp), str(report)
        assert report.max_ulp >= report.max_ulp_core >= 0 and report.median_ulp <= report.max_ulp
        assert report.n_points > 1000
        assert str(report).startswith(key)


def test_ulp_error_of_exact_functions_is_zero():
    for key in ("ReLU", "Hardtanh", "LeakyReLU", "Threshold", "Softshrink"):
        assert ulp_error(key, torch.float64).max_ulp == 0.0


def test_ulp_error_measures_hardsigmoids_float32_slope_in_float64():
    report = ulp_error("Hardsigmoid", torch.float64)
    # (float32(1/6) - 1/6) / spacing(1/6) = 2.98e-8 * (1/6) / 2**-55 ≈ 1.79e8
    assert 1.7e8 < report.max_ulp < 1.9e8 and -3 <= report.worst_x <= 3
    assert ulp_error("Hardsigmoid", torch.float32).max_ulp <= 0.5


def test_ulp_error_excludes_softplus_above_its_threshold():
    report = ulp_error("Softplus", torch.float64)
    assert report.n_excluded > 0 and "exactly 1" in report.note
    assert report.max_ulp < 4
    assert ulp_error("Sigmoid", torch.float64).n_excluded == 0


def test_ulp_error_accepts_custom_points():
    report = ulp_error("Tanh", torch.float32, xs=[-1.0, 0.0, 1.0])
    assert report.n_points == 3 and report.max_ulp < 4


def test_ground_truth_survives_cancellation_in_the_tails():
    """1 + erf(x) and 1 - tanh(x)^2 cancel far out; the truth must not collapse to 0 there."""
    import mpmath

    (gelu_left,) = tc.true_derivative("GELU", [-20.0])
    with mpmath.workdps(60):
        x = mpmath.mpf(-20)
        exact = mpmath.erfc(-x / mpmath.sqrt(2)) / 2 + x * mpmath.npdf(x)  # no cancellation
    assert abs(gelu_left - exact) <= abs(exact) * mpmath.mpf(10) ** -28
    (tanh_far,) = tc.true_derivative("Tanh", [100.0])
    with mpmath.workdps(60):
        exact_tanh = 1 / mpmath.cosh(100) ** 2
    assert tanh_far != 0 and abs(tanh_far - exact_tanh) <= exact_tanh * mpmath.mpf(10) ** -28
    (flat,) = tc.true_derivative("Hardtanh", [5.0])
    assert flat == 0
