import math

import pytest
import sympy as sp

import torchcourse as tc

x = sp.Symbol("x", real=True)


@pytest.mark.parametrize("expr, std, power, expected", [
    (x, 1.0, 1, 0.0),
    (x, 2.0, 2, 4.0),
    (1 / (1 + sp.exp(-x)), 1.0, 1, 0.5),
    (sp.Piecewise((0, x <= 0), (x, True)), 1.0, 1, 1 / math.sqrt(2 * math.pi)),
    (sp.Integer(3), 1.0, 2, 9.0),
])
def test_known_gaussian_expectations(expr, std, power, expected):
    assert tc.gaussian_expectation(expr, std=std, power=power) == pytest.approx(expected, abs=1e-14)


def test_selu_is_self_normalising():
    selu = tc.get_activation("SELU").expr()
    assert tc.gaussian_expectation(selu) == pytest.approx(0.0, abs=1e-12)
    assert tc.gaussian_expectation(selu, power=2) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"expr": "x"}, "sympy expression"),
    ({"expr": x * sp.Symbol("y")}, "exactly one free symbol"),
    ({"expr": x, "power": 0}, "power must be an int >= 1"),
    ({"expr": x, "std": -1.0}, "std must be a positive number"),
    ({"expr": x, "digits": 5}, "digits must be an int >= 15"),
])
def test_bad_arguments_name_what_is_expected(kwargs, message):
    expr = kwargs.pop("expr")
    with pytest.raises((TypeError, ValueError), match=message):
        tc.gaussian_expectation(expr, **kwargs)


def test_a_jump_away_from_zero_is_integrated_exactly_when_named_as_a_breakpoint():
    # Threshold(0.1, 20): E f(Z) = 20 Φ(0.1) + φ(0.1); a single split at 0 misses the jump.
    import math

    import torchcourse as tc

    expr = tc.get_activation("Threshold").expr(threshold=0.1, value=20.0)
    phi = math.exp(-0.005) / math.sqrt(2 * math.pi)
    exact = 20 * 0.5 * (1 + math.erf(0.1 / math.sqrt(2))) + phi
    assert tc.gaussian_expectation(expr, breakpoints=[0.1]) == pytest.approx(exact, rel=1e-12)
    assert abs(tc.gaussian_expectation(expr) - exact) > 1e-4  # why the breakpoint is needed


def test_breakpoints_must_be_finite_numbers():
    import sympy as sp

    import torchcourse as tc

    with pytest.raises(ValueError, match="breakpoints must be finite"):
        tc.gaussian_expectation(sp.Symbol("x"), breakpoints=[float("inf")])
