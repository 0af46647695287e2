import matplotlib.pyplot as plt
import numpy as np
import pytest

import torchcourse as tc
from torchcourse.plotting import plot_activation


def labels(ax):
    return [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]


def test_function_both_derivatives_and_the_kink_marker():
    ax = plot_activation(tc.get_activation("ReLU"))
    assert labels(ax) == ["f(x)", "f′(x), sympy", "f′(x), autograd", "autograd at a kink"]
    kink = next(l for l in ax.get_lines() if l.get_label() == "autograd at a kink")
    assert list(kink.get_xdata()) == [0.0] and list(kink.get_ydata()) == [0.0]
    assert ax.get_xlabel() == "x" and ax.get_title() == "nn.ReLU()"
    plt.close(ax.figure)


def test_lines_break_at_kinks_instead_of_drawing_the_jump():
    ax = plot_activation(tc.get_activation("Hardtanh"))
    derivative_line = next(l for l in ax.get_lines() if l.get_label() == "f′(x), sympy")
    assert np.isnan(derivative_line.get_xdata()).sum() == 2
    plt.close(ax.figure)


def test_autograd_markers_lie_on_the_sympy_derivative():
    ax = plot_activation(tc.get_activation("GELU"))
    marks = next(l for l in ax.get_lines() if l.get_label() == "f′(x), autograd")
    x, y = marks.get_xdata(), marks.get_ydata()
    exact = tc.to_numpy(tc.derivative(tc.get_activation("GELU")))(x)
    assert np.allclose(y, exact, atol=1e-12) and len(labels(ax)) == 3
    plt.close(ax.figure)


def test_parameters_reach_the_title_and_the_curve():
    ax = plot_activation(tc.get_activation("LeakyReLU"), negative_slope=0.2)
    assert ax.get_title() == "nn.LeakyReLU(negative_slope=0.2)"
    f = next(l for l in ax.get_lines() if l.get_label() == "f(x)")
    assert np.nanmin(f.get_ydata()) == pytest.approx(0.2 * np.nanmin(f.get_xdata()))
    plt.close(ax.figure)


def test_bad_arguments_say_what_was_expected():
    with pytest.raises(TypeError, match="catalog Activation"):
        plot_activation("ReLU")
    with pytest.raises(TypeError, match="matplotlib Axes"):
        plot_activation(tc.get_activation("ReLU"), ax="left")
    with pytest.raises(ValueError, match="1-D array of at least 2 finite numbers"):
        plot_activation(tc.get_activation("ReLU"), x=np.array([0.0, np.inf]))
