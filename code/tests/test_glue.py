import sys

import pytest

import torchcourse as tc

# the package re-exports the function `glue`, which shadows the module of the same name
glue_module = sys.modules["torchcourse.glue"]


def test_glue_forwards_to_myst_nb(monkeypatch):
    calls = []
    monkeypatch.setattr(glue_module, "_myst_glue", lambda *a, **k: calls.append((a, k)))
    tc.glue("speed_up", 12.5, display=False)
    assert calls == [(("speed_up", 12.5), {"display": False})]


def test_without_myst_nb_it_displays_the_value(monkeypatch):
    shown = []
    monkeypatch.setattr(glue_module, "_myst_glue", None)
    monkeypatch.setattr("IPython.display.display", lambda v: shown.append(v))
    tc.glue("answer", 42)
    tc.glue("hidden", 1, display=False)
    assert shown == [42]


@pytest.mark.parametrize("name", ["", "1abc", "has space", "dots.not.allowed", None, 3])
def test_bad_names_are_rejected_with_the_rule(name):
    with pytest.raises(ValueError, match="glue name must be a non-empty string"):
        tc.glue(name, 1, display=False)


def test_display_must_be_bool():
    with pytest.raises(TypeError, match="display must be True or False"):
        tc.glue("ok", 1, display="no")


@pytest.mark.parametrize("value, expected", [
    (__import__("numpy").float64(0.25), 0.25),
    (__import__("numpy").int64(3), 3),
    (__import__("torch").tensor(1.5), 1.5),
    (__import__("torch").tensor([2.0]), 2.0),
])
def test_numpy_scalars_and_one_element_tensors_are_glued_as_python_numbers(monkeypatch, value, expected):
    calls = []
    monkeypatch.setattr(glue_module, "_myst_glue", lambda *a, **k: calls.append(a[1]))
    tc.glue("x", value, display=False)
    assert calls == [expected] and type(calls[0]) is type(expected)
