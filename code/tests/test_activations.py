"""The activation catalog: structure, parameters, validation, expressions and kink conventions."""

import dataclasses
import inspect
import math
import os
import re

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import torchcourse as tc
from torchcourse.activations import (
    CATALOG,
    EXAMPLE_PARAMS,
    FAMILIES,
    GELU_TANH_COEFF,
    NON_DEFAULT_PARAMS,
    SELU_ALPHA,
    SELU_SCALE,
    X,
    default_params,
    get_activation,
    parameter_sets,
    to_sympy_number,
)
from torchcourse.derivatives import autograd_derivative, check_against_autograd, derivative

EXPECTED_KEYS = {
    "ELU", "Hardshrink", "Hardsigmoid", "Hardtanh", "Hardswish", "LeakyReLU", "LogSigmoid",
    "PReLU", "ReLU", "ReLU6", "RReLU", "SELU", "CELU", "GELU", "GELU_tanh", "Sigmoid", "SiLU",
    "Mish", "Softplus", "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold",
}

CASES = [(key, params) for key in CATALOG for params in parameter_sets(key)]
CASE_IDS = [f"{key}-{i}" for i, (key, _) in enumerate(CASES)]


# ---------------------------------------------------------------------------- structure


def test_the_catalog_has_24_entries_for_23_modules():
    assert set(CATALOG) == EXPECTED_KEYS
    assert len(CATALOG) == 24
    assert len({a.module_name for a in CATALOG.values()}) == 23
    assert CATALOG["GELU"].module_name == CATALOG["GELU_tanh"].module_name == "GELU"


def test_catalog_is_ordered_by_family_then_key():
    order = [(FAMILIES.index(a.family), a.key) for a in CATALOG.values()]
    assert order == sorted(order)
    assert FAMILIES == ("sigmoid", "relu", "exponential", "self-gated", "shrinkage")
    for key, act in CATALOG.items():
        assert act.key == key and act.family in FAMILIES


def test_every_entry_names_a_reference_and_a_use():
    for act in CATALOG.values():
        assert re.fullmatch(r"[a-z]+(19|20)\d\d[a-z0-9]+", act.reference), act.key
        assert act.used_in.endswith(".") and len(act.used_in.split()) >= 6, act.key


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_param_defaults_are_pytorchs(key):
    act = CATALOG[key]
    signature = {
        name: p for name, p in
        inspect.signature(getattr(torch.nn, act.module_name).__init__).parameters.items()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    for param in act.params:
        torch_default = signature[param.name].default
        if param.default is None:
            assert torch_default is inspect.Parameter.empty, param.name
        else:
            assert param.default == torch_default, param.name
    tunable = {n for n in signature if n not in ("self", "inplace", "device", "dtype",
                                                  "approximate", "min_value", "max_value")}
    assert tunable == set(act.param_names)


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_module_is_the_right_class_in_eval_mode(key):
    act = CATALOG[key]
    module = act.module(**default_params(act))
    assert type(module).__name__ == act.module_name
    assert not module.training


def test_gelu_entries_differ_only_in_approximate():
    assert CATALOG["GELU"].module().approximate == "none"
    assert CATALOG["GELU_tanh"].module().approximate == "tanh"


def test_prelu_weight_is_created_in_the_requested_dtype():
    module = CATALOG["PReLU"].module(dtype=torch.float64, init=0.1)
    assert module.weight.dtype == torch.float64
    assert module.weight.item() == 0.1  # not float32(0.1) = 0.10000000149...
    assert CATALOG["PReLU"].module(num_parameters=3).weight.shape == (3,)


def test_rrelu_module_is_in_eval_mode_with_the_mean_slope():
    module = CATALOG["RReLU"].module()
    x = torch.tensor([-48.0], dtype=torch.float64)
    assert module(x).item() == -11.0  # slope (1/8 + 1/3) / 2 = 11/48


def test_example_and_non_default_params():
    assert EXAMPLE_PARAMS == {"Threshold": {"threshold": 0.1, "value": 20.0}}
    required = {
        "ELU": [{"alpha": 0.5}, {"alpha": 2.0}],
        "Softplus": [{"beta": 2.0, "threshold": 5.0}],
        "Hardtanh": [{"min_val": -2.0, "max_val": 3.0}],
        "LeakyReLU": [{"negative_slope": 0.2}, {"negative_slope": 2.0}],
        "CELU": [{"alpha": 2.0}],
        "Threshold": [{"threshold": 0.1, "value": 20.0}],
        "RReLU": [{"lower": 0.1, "upper": 0.3}],
        "Hardshrink": [{"lambd": 1.0}],
        "Softshrink": [{"lambd": 1.0}],
        "PReLU": [{"init": 0.1}],
    }
    for key, sets in required.items():
        for params in sets:
            assert params in NON_DEFAULT_PARAMS[key], (key, params)
    for key, act in CATALOG.items():
        if act.params:
            assert len(NON_DEFAULT_PARAMS[key]) >= 2, key
            for params in NON_DEFAULT_PARAMS[key]:
                act.resolve(**params)  # valid
        else:
            assert key not in NON_DEFAULT_PARAMS


def test_parameter_sets_start_with_the_defaults_and_have_no_duplicates():
    sets = parameter_sets("Threshold")
    assert sets[0] == {"threshold": 0.1, "value": 20.0}
    assert len(sets) == len({tuple(s.items()) for s in sets})
    assert parameter_sets("ELU")[0] == {"alpha": 1.0}


# ---------------------------------------------------------------------------- validation


def test_unknown_key_lists_the_valid_keys_and_suggests_the_closest():
    with pytest.raises(KeyError) as info:
        get_activation("relu")
    message = str(info.value)
    assert "did you mean 'ReLU'" in message
    for key in CATALOG:
        assert key in message
    with pytest.raises(KeyError, match="did you mean 'GELU_tanh'"):
        get_activation("gelu_tanh")
    with pytest.raises(KeyError, match="Valid keys"):
        get_activation("Swish")


def test_get_activation_is_exact():
    assert get_activation("ReLU") is CATALOG["ReLU"]
    with pytest.raises(KeyError):
        get_activation("ReLU ")


@pytest.mark.parametrize("key, params, message", [
    ("ELU", {"alpah": 1.0}, r"no parameter 'alpah'; valid parameter names: alpha"),
    ("ReLU", {"inplace": True}, r"valid parameter names: none"),
    ("Hardtanh", {"min": -1.0}, r"valid parameter names: min_val, max_val"),
    ("Threshold", {}, r"requires both threshold and value"),
    ("Threshold", {"threshold": 0.1}, r"missing: value"),
    ("CELU", {"alpha": 0.0}, r"alpha must be non-zero"),
    ("Hardtanh", {"min_val": 2.0, "max_val": 1.0}, r"min_val < max_val"),
    ("Hardtanh", {"min_val": 1.0, "max_val": 1.0}, r"min_val < max_val"),
    ("Softshrink", {"lambd": -0.1}, r"lambd must be in \[0, inf\)"),
    ("RReLU", {"lower": 0.5, "upper": 0.1}, r"lower <= upper"),
    ("Softplus", {"beta": 0.0}, r"beta must be non-zero \(the catalog's own rule"),
    ("ELU", {"alpha": math.inf}, r"alpha must be a finite number"),
    ("ELU", {"alpha": math.nan}, r"alpha must be a finite number"),
    ("ELU", {"alpha": "1"}, r"alpha must be a real number"),
    ("LeakyReLU", {"negative_slope": True}, r"negative_slope must be a real number"),
    ("PReLU", {"num_parameters": 0}, r"num_parameters must be an int >= 1"),
    ("PReLU", {"num_parameters": 2.0}, r"num_parameters must be an int >= 1"),
])
def test_invalid_parameters_raise_with_a_clear_message(key, params, message):
    with pytest.raises(ValueError, match=message):
        CATALOG[key].resolve(**params)
    with pytest.raises(ValueError, match=message):
        CATALOG[key].expr(**params)


@pytest.mark.parametrize("key, params", [
    ("CELU", {"alpha": 0.0}),
    ("Hardtanh", {"min_val": 2.0, "max_val": 1.0}),
    ("Hardtanh", {"min_val": 1.0, "max_val": 1.0}),
    ("Softshrink", {"lambd": -0.1}),
    ("RReLU", {"lower": 0.5, "upper": 0.1}),
])
def test_the_rules_mirror_what_torch_rejects(key, params):
    act = CATALOG[key]
    with pytest.raises((RuntimeError, AssertionError, ValueError)):
        module = getattr(torch.nn, act.module_name)(**params)
        module(torch.linspace(-1, 1, 5))


@pytest.mark.parametrize("key, params", [
    ("Hardshrink", {"lambd": -0.5}),  # torch: empty zero band, the identity
    ("RReLU", {"lower": -1.0, "upper": 2.0}),  # torch accepts bounds outside [0, 1]
    ("ELU", {"alpha": -1.0}),
    ("CELU", {"alpha": -1.0}),
    ("LeakyReLU", {"negative_slope": -0.5}),
    ("Softplus", {"beta": -1.0}),
])
def test_what_torch_accepts_is_accepted_and_checked(key, params):
    assert check_against_autograd(key, **params).ok


def test_symbolic_expr_refuses_numeric_values():
    with pytest.raises(ValueError, match="keeps the parameters as symbols"):
        CATALOG["ELU"].expr(symbolic=True, alpha=2.0)


def test_resolve_fills_defaults_in_signature_order():
    assert CATALOG["Softplus"].resolve(threshold=5) == {"beta": 1.0, "threshold": 5.0}
    assert CATALOG["PReLU"].resolve() == {"num_parameters": 1, "init": 0.25}
    assert CATALOG["ReLU"].resolve() == {}


# ---------------------------------------------------------------------------- expressions


def test_parameters_enter_as_exact_rationals():
    assert to_sympy_number(0.01) == sp.Rational(1, 100)
    assert to_sympy_number(1 / 3) == sp.Rational(1, 3)
    assert to_sympy_number(0.1, exact_binary=True) == sp.Rational(*(0.1).as_integer_ratio())
    odd = 0.1 + 0.2  # 0.30000000000000004: no simple fraction rounds to it
    assert to_sympy_number(odd) == sp.Rational(*odd.as_integer_ratio())
    assert CATALOG["LeakyReLU"].expr().has(sp.Rational(1, 100))
    assert CATALOG["RReLU"].expr() == sp.Piecewise((X, X > 0), (sp.Rational(11, 48) * X, True))


def test_selu_constants_are_the_40_digit_decimals():
    assert str(SELU_ALPHA).startswith("1.6732632423543772848170429916717")
    assert str(SELU_SCALE).startswith("1.0507009873554804934193349852946")
    assert SELU_ALPHA._prec >= 130  # 40 decimal digits, not a float64
    # scale * alpha = 1.75809934084737685994...; torch multiplies the two float64 constants and
    # gets 1.7580993408473766, one ulp below the correctly rounded 1.7580993408473768.
    value = derivative("SELU").subs(X, 0)
    assert str(value).startswith("1.7580993408473768599")
    assert float(value) == pytest.approx(1.7580993408473766, rel=2.3e-16)


def test_gelu_forms():
    assert GELU_TANH_COEFF == sp.Rational(44715, 10**6)
    assert CATALOG["GELU"].expr().has(sp.erf)
    tanh_form = CATALOG["GELU_tanh"].expr()
    assert tanh_form.has(sp.tanh) and tanh_form.has(GELU_TANH_COEFF)


def test_hardsigmoid_keeps_the_exact_sixth():
    d = derivative("Hardsigmoid").subs(X, 1)
    assert d == sp.Rational(1, 6)


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_symbolic_expressions_use_the_parameter_symbols(key):
    act = CATALOG[key]
    expr = act.expr(symbolic=True)
    names = {str(s) for s in expr.free_symbols}
    expected = {"x"} | {p.latex for p in act.params if p.name != "num_parameters"}
    if key == "SELU":
        expected |= {r"\alpha", r"\lambda"}
    assert names == expected
    numeric = act.expr(**default_params(act))
    assert numeric.free_symbols == {X}
    assert sp.latex(expr)  # renders


@pytest.mark.parametrize("key, params, kinks, switches", [
    ("ReLU", {}, (0.0,), (0.0,)),
    ("ReLU6", {}, (0.0, 6.0), (0.0, 6.0)),
    ("Hardtanh", {"min_val": -2.0, "max_val": 3.0}, (-2.0, 3.0), (-2.0, 3.0)),
    ("Hardsigmoid", {}, (-3.0, 3.0), (-3.0, 3.0)),
    ("Hardswish", {}, (-3.0, 3.0), (-3.0, 3.0)),
    ("ELU", {}, (), (0.0,)),  # alpha = 1: differentiable at 0
    ("ELU", {"alpha": 2.0}, (0.0,), (0.0,)),
    ("CELU", {"alpha": 2.0}, (), (0.0,)),  # C1 for every alpha
    ("SELU", {}, (0.0,), (0.0,)),
    ("LeakyReLU", {"negative_slope": 1.0}, (), (0.0,)),
    ("Softplus", {}, (20.0,), (20.0,)),
    ("Softplus", {"beta": 2.0, "threshold": 5.0}, (2.5,), (2.5,)),
    ("Threshold", {"threshold": 0.1, "value": 20.0}, (0.1,), (0.1,)),
    ("Hardshrink", {"lambd": 1.0}, (-1.0, 1.0), (-1.0, 1.0)),
    ("Hardshrink", {"lambd": 0.0}, (), (0.0,)),
    ("Hardshrink", {"lambd": -0.5}, (), ()),
    ("Softshrink", {}, (-0.5, 0.5), (-0.5, 0.5)),
    ("Sigmoid", {}, (), ()),
    ("GELU_tanh", {}, (), ()),
])
def test_kinks_and_switch_points(key, params, kinks, switches):
    assert CATALOG[key].kinks(**params) == kinks
    assert CATALOG[key].switch_points(**params) == switches


def test_plot_range_widens_for_far_features():
    assert CATALOG["ReLU"].plot_range() == (-6.0, 6.0)
    assert CATALOG["Softplus"].plot_range() == (-25.0, 25.0)
    assert CATALOG["Threshold"].plot_range(threshold=0.1, value=20) == (-25.0, 25.0)


# ---------------------------------------------------------------------------- kink conventions

SIGMOID_20 = 0.9999999979388464  # reference table: Softplus(β=1, th=20) gradient at x = 20
SIGMOID_5 = 0.9933071490757152  # torch's z/(z+1), z = e^5: one ulp below sigmoid(5) rounded

# (key, params, kink, gradient PyTorch 2.14.1 returns there), from the reference's table §2.
KINK_VALUES = [
    ("ReLU", {}, 0.0, 0.0),
    ("ReLU6", {}, 0.0, 0.0),
    ("ReLU6", {}, 6.0, 0.0),
    ("Hardtanh", {}, -1.0, 0.0),
    ("Hardtanh", {}, 1.0, 0.0),
    ("Hardtanh", {"min_val": -2.0, "max_val": 3.0}, -2.0, 0.0),
    ("Hardtanh", {"min_val": -2.0, "max_val": 3.0}, 3.0, 0.0),
    ("Hardtanh", {"min_val": 0.0, "max_val": 0.5}, 0.0, 0.0),
    ("Hardtanh", {"min_val": 0.0, "max_val": 0.5}, 0.5, 0.0),
    ("LeakyReLU", {}, 0.0, 0.01),
    ("LeakyReLU", {"negative_slope": 0.2}, 0.0, 0.2),
    ("LeakyReLU", {"negative_slope": 2.0}, 0.0, 2.0),
    ("LeakyReLU", {"negative_slope": -0.5}, 0.0, -0.5),
    ("PReLU", {}, 0.0, 0.25),
    ("PReLU", {"init": 0.1}, 0.0, 0.1),
    ("PReLU", {"init": -0.5}, 0.0, -0.5),
    ("PReLU", {"num_parameters": 3, "init": 0.25}, 0.0, 0.25),
    ("RReLU", {}, 0.0, 11 / 48),
    ("RReLU", {"lower": 0.1, "upper": 0.3}, 0.0, 0.2),
    ("RReLU", {"lower": 0.0, "upper": 1.0}, 0.0, 0.5),
    ("Threshold", {"threshold": 0.1, "value": 20.0}, 0.1, 0.0),
    ("Threshold", {"threshold": -1.0, "value": -3.0}, -1.0, 0.0),
    ("ELU", {}, 0.0, 1.0),
    ("ELU", {"alpha": 0.5}, 0.0, 0.5),
    ("ELU", {"alpha": 2.0}, 0.0, 2.0),
    ("CELU", {}, 0.0, 1.0),
    ("CELU", {"alpha": 2.0}, 0.0, 1.0),
    ("CELU", {"alpha": 0.5}, 0.0, 1.0),
    ("SELU", {}, 0.0, 1.7580993408473766),
    ("Hardshrink", {}, -0.5, 0.0),
    ("Hardshrink", {}, 0.5, 0.0),
    ("Hardshrink", {"lambd": 1.0}, -1.0, 0.0),
    ("Hardshrink", {"lambd": 1.0}, 1.0, 0.0),
    ("Hardshrink", {"lambd": 0.0}, 0.0, 0.0),
    ("Softshrink", {}, -0.5, 0.0),
    ("Softshrink", {}, 0.5, 0.0),
    ("Softshrink", {"lambd": 1.0}, -1.0, 0.0),
    ("Softshrink", {"lambd": 1.0}, 1.0, 0.0),
    ("Softshrink", {"lambd": 2.5}, -2.5, 0.0),
    ("Softshrink", {"lambd": 2.5}, 2.5, 0.0),
    ("Hardsigmoid", {}, -3.0, 0.0),
    ("Hardsigmoid", {}, 3.0, 0.0),
    ("Hardswish", {}, -3.0, 0.0),
    ("Hardswish", {}, 3.0, 1.0),
    ("Softplus", {}, 20.0, SIGMOID_20),
    ("Softplus", {"beta": 2.0, "threshold": 5.0}, 2.5, SIGMOID_5),
    ("Softplus", {"beta": 0.5, "threshold": 10.0}, 20.0, 0.9999546021312976),
]


def _sympy_value_at(key, params, point):
    return float(derivative(key, **params).subs(X, to_sympy_number(point)))


@pytest.mark.parametrize("key, params, point, expected", KINK_VALUES)
def test_gradient_at_each_kink_is_pytorchs_convention(key, params, point, expected):
    # The catalog's sympy derivative at the kink ...
    assert _sympy_value_at(key, params, point) == pytest.approx(expected, rel=1e-15, abs=0)
    # ... and PyTorch itself (fails if a future PyTorch changes the convention).
    x = torch.tensor([point], dtype=torch.float64)
    channels = params.get("num_parameters", 1)
    if channels > 1:
        x = x.repeat(1, channels)
    grad = autograd_derivative(key, x, **params).flatten()
    assert torch.all(grad == expected), grad


@pytest.mark.parametrize("key, params, point, expected", KINK_VALUES)
def test_float32_kink_gradient_is_the_float32_constant(key, params, point, expected):
    x = torch.tensor([point], dtype=torch.float32)
    channels = params.get("num_parameters", 1)
    if channels > 1:
        x = x.repeat(1, channels)
    grad = autograd_derivative(key, x, **params).flatten().double()
    assert torch.allclose(grad, torch.tensor(float(np.float32(expected)), dtype=torch.float64),
                          rtol=2.5e-7, atol=0)


def test_the_kink_table_covers_every_switch_point_of_every_parameter_set():
    covered = {(key, tuple(sorted(CATALOG[key].resolve(
        **(params or EXAMPLE_PARAMS.get(key, {}))).items())), point)
        for key, params, point, _ in KINK_VALUES}
    for key, params in CASES:
        for point in CATALOG[key].switch_points(**params):
            assert (key, tuple(sorted(params.items())), point) in covered, (key, params, point)


def test_celu_backward_uses_a_float32_alpha():
    # derivatives.yaml: celu -> elu_backward(..., input_scale = 1.0 / alpha.toFloat()), so the
    # float64 gradient at 0 is alpha / float32(alpha), not 1, when float32 cannot hold alpha.
    # The catalog keeps the math (1); the CELU float64 tolerance override admits this.
    x = torch.zeros(1, dtype=torch.float64)
    assert autograd_derivative("CELU", x, alpha=0.1).item() == 0.1 / float(np.float32(0.1))
    assert autograd_derivative("CELU", x, alpha=0.1).item() != 1.0
    assert derivative("CELU", alpha=0.1).subs(X, 0) == 1
    assert check_against_autograd("CELU", alpha=0.1).ok


def test_softplus_gradient_is_exactly_one_just_above_its_threshold():
    x = torch.tensor([20.0, np.nextafter(20.0, 30.0)], dtype=torch.float64)
    grad = autograd_derivative("Softplus", x)
    assert grad[0].item() == SIGMOID_20 and grad[1].item() == 1.0
    d = derivative("Softplus")
    assert d.subs(X, sp.Rational(41, 2)) == 1


def test_naive_sympy_forms_disagree_with_pytorch_at_the_kinks():
    # sympy ≥ 1.9: Heaviside(0) = 1/2, so Max/Min forms give midpoints.
    assert sp.diff(sp.Max(0, X), X).subs(X, 0) == sp.Rational(1, 2)
    assert derivative("ReLU").subs(X, 0) == 0
    hardsigmoid_maxmin = sp.Min(sp.Max(0, X + 3), 6) / 6
    assert sp.diff(hardsigmoid_maxmin, X).subs(X, -3) == sp.Rational(1, 12)
    assert derivative("Hardsigmoid").subs(X, -3) == 0
    hardswish_composite = X * sp.Min(sp.Max(0, X + 3), 6) / 6
    assert sp.diff(hardswish_composite, X).subs(X, -3) == sp.Rational(-1, 4)
    assert sp.diff(hardswish_composite, X).subs(X, 3) == sp.Rational(5, 4)
    assert derivative("Hardswish").subs(X, 3) == 1
    s = sp.Rational(1, 100)
    leaky_docstring = sp.Piecewise((X, X >= 0), (s * X, True))
    assert sp.diff(leaky_docstring, X).subs(X, 0) == 1
    assert sp.diff(sp.Max(0, X) + s * sp.Min(0, X), X).subs(X, 0) == (1 + s) / 2
    assert derivative("LeakyReLU").subs(X, 0) == s
    selu_docstring = SELU_SCALE * (sp.Max(0, X) + sp.Min(0, SELU_ALPHA * (sp.exp(X) - 1)))
    midpoint = float(sp.diff(selu_docstring, X).subs(X, 0))
    assert midpoint == pytest.approx(1.4044, abs=1e-4)
    assert float(derivative("SELU").subs(X, 0)) == pytest.approx(1.7580993408473766, rel=1e-15)


# ---------------------------------------------------------------------------- against torch


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("key, params", CASES, ids=CASE_IDS)
def test_forward_and_derivative_equal_torch_on_the_grid_with_kinks(key, params, dtype):
    result = check_against_autograd(key, dtype, **params)
    assert result.ok, str(result)
    kinks = CATALOG[key].kinks(**params)
    if kinks:
        assert result.n_points >= 1201 + len(kinks)


# ---------------------------------------------------------------------------- properties

_finite = {"allow_nan": False, "allow_infinity": False}


@st.composite
def _ordered_pair(draw, low, high, min_gap=0.0):
    a = draw(st.floats(low, high, **_finite))
    b = draw(st.floats(low, high, **_finite))
    lo, hi = min(a, b), max(a, b)
    if hi - lo < min_gap:
        hi = lo + min_gap
    return lo, hi


def _named(strategy, *names):
    return strategy.map(lambda values: dict(zip(names, values, strict=True)))


PARAM_STRATEGIES = {
    "ELU": st.fixed_dictionaries({"alpha": st.floats(0.0, 3.0, **_finite)}),
    "CELU": st.fixed_dictionaries({"alpha": st.floats(0.1, 3.0, **_finite)}),
    "LeakyReLU": st.fixed_dictionaries({"negative_slope": st.floats(-2.0, 3.0, **_finite)}),
    "PReLU": st.fixed_dictionaries({"init": st.floats(-2.0, 3.0, **_finite)}),
    "RReLU": _named(_ordered_pair(0.0, 1.0), "lower", "upper"),
    "Hardtanh": _named(_ordered_pair(-5.0, 5.0, min_gap=1e-3), "min_val", "max_val"),
    "Hardshrink": st.fixed_dictionaries({"lambd": st.floats(-1.0, 5.0, **_finite)}),
    "Softshrink": st.fixed_dictionaries({"lambd": st.floats(0.0, 5.0, **_finite)}),
    "Softplus": st.fixed_dictionaries({
        "beta": st.one_of(st.floats(0.1, 5.0, **_finite), st.floats(-5.0, -0.1, **_finite)),
        "threshold": st.floats(0.5, 40.0, **_finite),
    }),
    "Threshold": st.fixed_dictionaries({
        "threshold": st.floats(-10.0, 10.0, **_finite),
        "value": st.floats(-30.0, 30.0, **_finite),
    }),
}

# Modest by default (the suite must stay fast); raise it for a stress run, e.g.
# TORCHCOURSE_HYPOTHESIS_EXAMPLES=2000 pytest code/tests/test_activations.py -k random
_EXAMPLES = int(os.environ.get("TORCHCOURSE_HYPOTHESIS_EXAMPLES", "30"))

_xs = st.lists(st.floats(-50.0, 50.0, **_finite), min_size=1, max_size=16)


def test_every_parameterised_entry_has_a_strategy():
    assert set(PARAM_STRATEGIES) == {k for k, a in CATALOG.items() if a.params}


@pytest.mark.parametrize("key", sorted(PARAM_STRATEGIES))
@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_parameters_and_inputs_agree_with_torch(key, data):
    params = data.draw(PARAM_STRATEGIES[key], label="params")
    xs = data.draw(_xs, label="xs")
    for dtype in (torch.float64, torch.float32):
        result = check_against_autograd(key, dtype, xs=xs, **params)
        assert result.ok, str(result)


@pytest.mark.parametrize("key", sorted(k for k, a in CATALOG.items() if not a.params))
@settings(max_examples=_EXAMPLES, deadline=None)
@given(xs=_xs)
def test_random_inputs_agree_with_torch(key, xs):
    for dtype in (torch.float64, torch.float32):
        result = check_against_autograd(key, dtype, xs=xs)
        assert result.ok, str(result)


# ---------------------------------------------------------------------------- wrong expressions
# The check must be able to fail: each broken expression differs from PyTorch only slightly.


def _broken(key, build):
    return dataclasses.replace(CATALOG[key], _build=build)


BOTH = (torch.float64, torch.float32)
WRONG = [
    # the kink comparison on the wrong side: gradient 1 at 0 instead of 0
    ("ReLU", {}, lambda p, s: sp.Piecewise((0, X < 0), (X, True)), (0.0,), BOTH),
    # LeakyReLU as documented (x >= 0 -> x): gradient 1 at 0 instead of the slope
    ("LeakyReLU", {}, lambda p, s: sp.Piecewise((X, X >= 0), (p["negative_slope"] * X, True)),
     (0.0,), BOTH),
    # Hardtanh with the boundaries in the linear piece (the docstring's reading)
    ("Hardtanh", {}, lambda p, s: sp.Piecewise((-1, X < -1), (1, X > 1), (X, True)),
     (-1.0, 1.0), BOTH),
    # ELU picking the positive side at 0 (alpha = 2: 1 instead of 2)
    ("ELU", {"alpha": 2.0},
     lambda p, s: sp.Piecewise((X, X >= 0), (p["alpha"] * (sp.exp(X) - 1), True)), (0.0,), BOTH),
    # Hardswish as in torch <= 2.6: closed middle interval
    ("Hardswish", {}, lambda p, s: sp.Piecewise((0, X < -3), (X, X > 3), (X * (X + 3) / 6, True)),
     (-3.0, 3.0), BOTH),
    # Softplus without its threshold branch (float64 only: in float32 sigmoid(20) rounds to 1
    # and log1p(exp(x)) to x, so the two forms coincide there)
    ("Softplus", {}, lambda p, s: sp.log(1 + sp.exp(X)), None, (torch.float64,)),
    # a wrong constant: slope 0.02 instead of 0.01
    ("LeakyReLU", {}, lambda p, s: sp.Piecewise((X, X > 0), (X / 50, True)), None, BOTH),
    # SELU with its constants rounded to 4 digits
    ("SELU", {}, lambda p, s: sp.Rational(10507, 10000) * sp.Piecewise(
        (X, X > 0), (sp.Rational(16733, 10000) * (sp.exp(X) - 1), True)), None, BOTH),
    # GELU_tanh with the exact GELU (a smooth, small difference)
    ("GELU_tanh", {}, lambda p, s: X / 2 * (1 + sp.erf(X / sp.sqrt(2))), None, BOTH),
    # Threshold with the comparison reversed at the kink
    ("Threshold", {"threshold": 0.1, "value": 20.0},
     lambda p, s: sp.Piecewise((p["value"], X < p["threshold"]), (X, True)), (0.1,), BOTH),
]
WRONG_CASES = [(key, params, build, kinks, dtype)
               for key, params, build, kinks, dtypes in WRONG for dtype in dtypes]


@pytest.mark.parametrize("key, params, build, kinks, dtype", WRONG_CASES,
                         ids=[f"{w[0]}-{str(w[4])[6:]}" for w in WRONG_CASES])
def test_a_wrong_expression_is_caught(key, params, build, kinks, dtype):
    broken = _broken(key, build)
    result = check_against_autograd(broken, dtype, **params)
    assert not result.ok, str(result)
    if kinks is not None:  # only the kinks are wrong: without them the check passes
        held = [float(np.float32(k)) if dtype == torch.float32 else k for k in kinks]
        assert result.worst_x in held
        grid = tc.check_grid(broken, **params).astype(np.float32 if dtype == torch.float32
                                                       else np.float64).astype(np.float64)
        assert check_against_autograd(broken, dtype, xs=grid[~np.isin(grid, held)], **params).ok


def test_a_monkeypatched_catalog_entry_fails_check_all(monkeypatch):
    monkeypatch.setitem(CATALOG, "ReLU", _broken("ReLU", WRONG[0][2]))
    failures = [r for r in tc.check_all(dtypes=(torch.float64,), include_non_default=False)
                if not r.ok]
    assert [r.key for r in failures] == ["ReLU"]
