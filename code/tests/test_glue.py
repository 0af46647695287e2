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
