"""Tests of torchcourse.comparison: computed properties against known facts and against torch."""

import math

import numpy as np
import pytest
import sympy as sp
import torch
from scipy import integrate, stats
from torch import nn

import torchcourse as tc
from torchcourse.activations import X
from torchcourse.comparison import JUMP_TOLERANCE, pieces, switch_points


@pytest.fixture(scope="module")
def table():
    return {p.key: p for p in tc.property_table()}


# --------------------------------------------------------------------------------------------
# Known facts


def test_relu_range_is_zero_to_infinity_with_zero_attained(table):
    p = table["ReLU"]
    assert (p.inf, p.sup, p.inf_attained, p.sup_attained) == (0.0, math.inf, True, False)
    assert p.range_latex == r"[0, \infty)"


def test_tanh_range_is_the_open_interval(table):
    p = table["Tanh"]
    assert (p.inf, p.sup, p.inf_attained, p.sup_attained) == (-1.0, 1.0, False, False)
    assert p.bounded and p.range_latex == "(-1, 1)"


@pytest.mark.parametrize(
    "key, latex",
    [
        ("Sigmoid", "(0, 1)"),
        ("Hardsigmoid", "[0, 1]"),
        ("Hardtanh", "[-1, 1]"),
        ("ReLU6", "[0, 6]"),
        ("Softplus", r"(0, \infty)"),
        ("ELU", r"(-1, \infty)"),
        ("LogSigmoid", r"(-\infty, 0)"),
        ("LeakyReLU", r"(-\infty, \infty)"),
        ("Hardswish", r"[-0.375, \infty)"),
        ("Threshold", r"(0.1, \infty)"),
    ],
)
def test_ranges(table, key, latex):
    assert table[key].range_latex == latex


def test_sigmoid_is_increasing_and_saturates_on_both_sides(table):
    p = table["Sigmoid"]
    assert p.monotone == "increasing" and p.saturation == "both"
    assert p.max_slope == pytest.approx(0.25, rel=1e-12) and p.min_slope == 0.0


def test_relu_is_continuous_but_not_c1(table):
    p = table["ReLU"]
    assert p.smoothness == "C0" and p.order == 0 and p.monotone == "non-decreasing"
    assert p.saturation == "left"


def test_gelu_is_smooth_and_not_monotone_with_its_minimum_from_sympy(table):
    p = table["GELU"]
    assert p.smoothness == "C∞" and math.isinf(p.order) and p.monotone == "no"
    f = tc.get_activation("GELU").expr()
    x_min = sp.nsolve(sp.diff(f, X), X, -0.7, prec=30)
    assert p.inf == pytest.approx(float(f.subs(X, x_min)), rel=1e-12) and p.inf_attained
    assert p.min_slope < 0 and p.max_slope > 1
    assert p.saturation == "left"


def test_hardswish_minimum_is_minus_three_eighths(table):
    assert table["Hardswish"].inf == pytest.approx(-3 / 8, rel=1e-12)
    assert table["Hardswish"].max_slope == pytest.approx(1.5, rel=1e-12)


def test_softplus_mean_agrees_with_a_numerical_integral(table):
    value, _ = integrate.quad(
        lambda t: np.logaddexp(0.0, t) * stats.norm.pdf(t), -np.inf, np.inf, epsabs=1e-13
    )
    assert table["Softplus"].mean == pytest.approx(value, rel=1e-9)


def test_softplus_threshold_jump_is_ignored_and_reported(table):
    p = table["Softplus"]
    assert p.smoothness == "C∞" and p.monotone == "increasing"
    assert p.max_ignored_jump == pytest.approx(math.log1p(math.exp(-20.0)), rel=1e-9)
    assert 0 < p.max_ignored_jump < JUMP_TOLERANCE


@pytest.mark.parametrize(
    "key, mean",
    [
        ("Sigmoid", 0.5),
        ("ReLU", 1 / math.sqrt(2 * math.pi)),
        ("Tanh", 0.0),
        ("SELU", 0.0),
    ],
)
def test_known_means(table, key, mean):
    assert table[key].mean == pytest.approx(mean, abs=1e-12)


def test_zero_centred_are_the_odd_functions_and_selu(table):
    centred = {k for k, p in table.items() if p.zero_centred}
    assert centred == {
        "Hardtanh",
        "Softsign",
        "Tanh",
        "SELU",
        "Hardshrink",
        "Softshrink",
        "Tanhshrink",
    }


def test_discontinuous_and_non_monotone(table):
    assert table["Threshold"].smoothness == "discontinuous" and table["Threshold"].monotone == "no"
    assert table["Hardshrink"].smoothness == "discontinuous"
    assert table["Hardshrink"].monotone == "non-decreasing"


@pytest.mark.parametrize(
    "key, params, smoothness",
    [
        ("ELU", {}, "C1"),
        ("ELU", {"alpha": 2.0}, "C0"),
        ("CELU", {"alpha": 2.0}, "C1"),
        ("SELU", {}, "C0"),
        ("Softsign", {}, "C1"),
        ("Mish", {}, "C∞"),
        ("LeakyReLU", {"negative_slope": 1.0}, "C∞"),
        ("Softshrink", {}, "C0"),
    ],
)
def test_smoothness_with_parameters(key, params, smoothness):
    assert tc.activation_properties(key, **params).smoothness == smoothness


@pytest.mark.parametrize(
    "params, monotone",
    [
        ({"negative_slope": -0.5}, "no"),
        ({"negative_slope": 2.0}, "increasing"),
        ({"negative_slope": 0.0}, "non-decreasing"),
    ],
)
def test_leaky_relu_monotone_depends_on_the_slope(params, monotone):
    assert tc.activation_properties("LeakyReLU", **params).monotone == monotone


def test_saturation_sides(table):
    sides = {k: p.saturation for k, p in table.items()}
    assert sides["LogSigmoid"] == "right" and sides["Softsign"] == "both"
    assert sides["Tanhshrink"] == "no" and sides["PReLU"] == "no" and sides["SiLU"] == "left"


# --------------------------------------------------------------------------------------------
# Every entry against torch on a grid (independent of the sympy machinery)


GRID = torch.linspace(-8.0, 8.0, 3201, dtype=torch.float64)


def _torch_values_and_grads(key):
    act = tc.get_activation(key)
    params = tc.activations.default_params(act)
    x = GRID.clone().requires_grad_(True)
    y = act.module(dtype=torch.float64, **params)(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    return y.detach().numpy(), g.numpy()


@pytest.mark.parametrize("key", list(tc.CATALOG))
def test_monotone_agrees_with_torch_forward_on_a_grid(table, key):
    y, _ = _torch_values_and_grads(key)
    steps = np.diff(y)
    observed = (
        "increasing" if np.all(steps > 0) else "non-decreasing" if np.all(steps >= 0) else "no"
    )
    assert table[key].monotone == observed


@pytest.mark.parametrize("key", list(tc.CATALOG))
def test_range_and_slopes_bound_torch_on_a_grid(table, key):
    p = table[key]
    y, g = _torch_values_and_grads(key)
    slack = 1e-12
    assert p.inf - slack <= y.min() and y.max() <= p.sup + slack
    assert p.min_slope - slack <= g.min() and g.max() <= p.max_slope + 1e-7  # Hardsigmoid f32 1/6
    if p.inf_attained and abs(p.inf) < 10:
        assert y.min() == pytest.approx(p.inf, abs=1e-4)
    if p.sup_attained and abs(p.sup) < 10:
        assert y.max() == pytest.approx(p.sup, abs=1e-4)


@pytest.mark.parametrize("key", list(tc.CATALOG))
def test_saturation_agrees_with_autograd_far_out(table, key):
    p = table[key]
    act = tc.get_activation(key)
    far = torch.tensor([-1e4, 1e4], dtype=torch.float64)  # Softsign: slope 1e-8
    g = tc.autograd_derivative(act, far, **tc.activations.default_params(act)).abs().tolist()
    assert (g[0] < 1e-6) == p.saturates_left and (g[1] < 1e-6) == p.saturates_right


@pytest.mark.parametrize("key", list(tc.CATALOG))
def test_switch_points_include_the_catalog_ones(key):
    act = tc.get_activation(key)
    params = tc.activations.default_params(act)
    found = {float(k) for k in switch_points(act.expr(**params))}
    expected = set(act.switch_points(**params)) | ({0.0} if key == "Softsign" else set())
    assert found == expected


def test_pieces_resolve_abs_and_nested_piecewise():
    parts = pieces(tc.get_activation("Softsign").expr())
    assert [(p.lo, p.hi) for p in parts] == [(-sp.oo, 0), (0, sp.oo)]
    assert sp.simplify(parts[0].expr - X / (1 - X)) == 0
    selu = pieces(tc.get_activation("SELU").expr())
    assert not any(p.expr.has(sp.Piecewise) for p in selu)


def test_bad_expressions_and_keys_raise():
    with pytest.raises(ValueError, match="Piecewise and Abs only"):
        switch_points(sp.Max(X, 0))
    with pytest.raises(ValueError, match="not linear"):
        switch_points(sp.Piecewise((X, X**2 > 1), (0, True)))
    with pytest.raises(ValueError, match="X only"):
        switch_points(X * sp.Symbol("y"))
    with pytest.raises(KeyError, match="did you mean 'ReLU'"):
        tc.activation_properties("relu")
    with pytest.raises(ValueError, match="valid parameter names"):
        tc.activation_properties("ELU", beta=1.0)


# --------------------------------------------------------------------------------------------
# Cost


def test_cost_timings_return_one_timing_per_key():
    timings = tc.cost_timings(["ReLU", "GELU", "PReLU"], n=10_000, repeat=2)
    assert list(timings) == ["ReLU", "GELU", "PReLU"]
    assert all(isinstance(t, tc.Timing) and 0 < t.best <= t.median for t in timings.values())
    with pytest.raises(ValueError, match="n must be a positive int"):
        tc.cost_timings(["ReLU"], n=0)
    with pytest.raises(ValueError, match="repeat must be a positive int"):
        tc.cost_timings(["ReLU"], repeat=0)
    with pytest.raises(ValueError, match="threads must be a positive int"):
        tc.cost_timings(["ReLU"], threads=0)


def test_cost_timings_restore_the_thread_count():
    before = torch.get_num_threads()
    tc.cost_timings(["ReLU"], n=1000, repeat=1, threads=1)
    assert torch.get_num_threads() == before


# --------------------------------------------------------------------------------------------
# Deep networks


def test_deep_mlp_structure_and_catalog_activation():
    model = tc.deep_mlp("GELU_tanh", depth=5, width=16, in_features=3, out_features=2)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    acts = [m for m in model if not isinstance(m, nn.Linear)]
    assert len(linears) == 6 and len(acts) == 5
    assert all(isinstance(a, nn.GELU) and a.approximate == "tanh" for a in acts)
    assert len({id(a) for a in acts}) == 5  # a fresh module per layer
    leaky = tc.deep_mlp(
        "LeakyReLU", depth=1, width=4, in_features=2, out_features=1, negative_slope=0.2
    )
    assert leaky[1].negative_slope == 0.2


def test_deep_mlp_seed_is_reproducible_and_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a = tc.deep_mlp("ReLU", depth=2, width=8, in_features=4, out_features=2, seed=7)
    assert torch.equal(torch.get_rng_state(), before)
    b = tc.deep_mlp("ReLU", depth=2, width=8, in_features=4, out_features=2, seed=7)
    c = tc.deep_mlp("ReLU", depth=2, width=8, in_features=4, out_features=2, seed=8)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a[0].weight, c[0].weight)


def test_deep_mlp_init_gain_sets_the_weight_scale_and_zero_biases():
    model = tc.deep_mlp(
        "ReLU", depth=3, width=400, in_features=400, out_features=5, init_gain=math.sqrt(2), seed=0
    )
    hidden = model[2]
    assert hidden.weight.std().item() == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    assert all(torch.count_nonzero(m.bias) == 0 for m in model if isinstance(m, nn.Linear))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"depth": 0}, "depth must be a positive int"),
        ({"width": 2.5}, "width must be a positive int"),
        ({"init_gain": -1.0}, "init_gain must be a positive number"),
        ({"seed": -1}, "seed must be a non-negative int"),
    ],
)
def test_deep_mlp_rejects_bad_arguments(kwargs, message):
    args = {"depth": 2, "width": 4, "in_features": 2, "out_features": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        tc.deep_mlp("ReLU", **args)


def test_layer_gradient_norms_match_a_manual_backward():
    model = tc.deep_mlp("Tanh", depth=4, width=8, in_features=3, out_features=2, seed=0)
    x = torch.randn(16, 3, generator=torch.Generator().manual_seed(1))
    y = torch.randn(16, 2, generator=torch.Generator().manual_seed(2))
    norms = tc.layer_gradient_norms(model, x, y)
    model.zero_grad()
    torch.nn.functional.mse_loss(model(x), y).backward()
    manual = [m.weight.grad.norm().item() for m in model if isinstance(m, nn.Linear)]
    assert norms.shape == (5,) and np.allclose(norms, manual, rtol=1e-6)
    with pytest.raises(TypeError, match="nn.Sequential"):
        tc.layer_gradient_norms(nn.Linear(3, 2), x, y)


def test_dead_units_counts_units_dead_on_every_input():
    model = tc.deep_mlp("ReLU", depth=2, width=10, in_features=3, out_features=2, seed=0)
    with torch.no_grad():
        model[0].bias[:4] = -100.0  # four first-layer units negative on every input
        model[0].bias[4:] = 100.0
    x = torch.randn(64, 3, generator=torch.Generator().manual_seed(0))
    dead = tc.dead_units(model, x)
    assert dead.zero_output[0] == pytest.approx(0.4) and dead.zero_grad[0] == pytest.approx(0.4)
    assert dead.widths.tolist() == [10.0, 10.0]
    assert dead.overall_zero_output == pytest.approx(dead.zero_output.mean())


def test_dead_units_sees_saturation_as_zero_gradient_not_zero_output():
    model = tc.deep_mlp("Hardtanh", depth=1, width=6, in_features=2, out_features=1, seed=0)
    with torch.no_grad():
        model[0].bias[:3] = 50.0  # saturated at +1: output 1, derivative 0
    x = torch.randn(32, 2, generator=torch.Generator().manual_seed(0))
    dead = tc.dead_units(model, x)
    assert dead.zero_output[0] == 0.0 and dead.zero_grad[0] == pytest.approx(0.5)
    smooth = tc.deep_mlp("GELU", depth=3, width=6, in_features=2, out_features=1, seed=0)
    assert tc.dead_units(smooth, x).overall_zero_grad == 0.0


def test_dead_units_restores_the_mode_and_uses_eval_for_rrelu():
    model = tc.deep_mlp("RReLU", depth=2, width=5, in_features=2, out_features=1, seed=0)
    model.train()
    x = torch.randn(8, 2, generator=torch.Generator().manual_seed(0))
    first = tc.dead_units(model, x)
    assert model.training and all(m.training for m in model)
    assert np.array_equal(first.zero_grad, tc.dead_units(model, x).zero_grad)
    with pytest.raises(ValueError, match="2-D tensor"):
        tc.dead_units(model, torch.randn(3))


# --------------------------------------------------------------------------------------------
# Gallery


def test_plot_family_draws_one_panel_per_member():
    import matplotlib.pyplot as plt

    fig = tc.plot_family("exponential")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["CELU", "ELU", "SELU"]
    assert all(len(ax.get_lines()) == 3 for ax in visible)  # f, f' and the zero line
    plt.close(fig)
    with pytest.raises(ValueError, match="family must be one of"):
        tc.plot_family("gated")
