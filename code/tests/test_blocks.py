import matplotlib.pyplot as plt
import pytest
import sympy as sp

import torchcourse as tc
from torchcourse.activations import X
from torchcourse.blocks import activation_block, show_activation, to_latex


def test_block_has_definition_derivative_checks_kinks_and_paper():
    before, after = activation_block("LeakyReLU", negative_slope=0.2)
    assert before.startswith("**`nn.LeakyReLU(negative_slope=0.2)`**")
    assert r"f(x) = \begin{cases} x & \text{for}\: x > 0" in before
    assert r"f'(x) = \begin{cases} 1 & \text{for}\: x > 0 \\\alpha" in before
    assert "$\\alpha = 0.2$" in before
    assert "| float64 |" in after and "| float32 |" in after and "✗" not in after
    assert "At $x = 0$ autograd returns $0.2$, the slope from the left" in after
    assert "{cite}`maas2013rectifier`" in after


def test_departures_name_what_the_rule_would_give():
    _, after = activation_block("SELU")
    assert "**departs from**" in after and "here $1.0507$" in after


def test_jumps_are_reported_with_their_size():
    _, after = activation_block("Threshold")
    assert r"jumps by $-19.9$" in after


def test_smooth_activation_says_it_has_no_kink():
    _, after = activation_block("GELU")
    assert "It has no kink" in after


def test_comparisons_are_written_with_x_on_the_left():
    a = sp.Symbol("a")
    assert to_latex(sp.Piecewise((a, a >= X), (X, True))) == to_latex(sp.Piecewise((a, X <= a), (X, True)))
    assert r"x \leq a" in to_latex(sp.Piecewise((a, a >= X), (X, True)))


def test_show_displays_markdown_figure_markdown_and_returns_the_checks(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(type(obj).__name__))
    monkeypatch.setattr(plt, "show", lambda: shown.append("figure"))
    results = show_activation(tc.get_activation("ReLU"))
    assert shown == ["Markdown", "figure", "Markdown"]
    assert [r.dtype for r in results] == ["float64", "float32"] and all(r.ok for r in results)
    plt.close("all")


def test_unknown_keys_and_wrong_types_are_rejected():
    with pytest.raises(KeyError, match="ReLU"):
        activation_block("Relu")
    with pytest.raises(TypeError, match="catalog Activation or its key"):
        activation_block(3)
    with pytest.raises(TypeError, match="sympy expression"):
        to_latex("x")
