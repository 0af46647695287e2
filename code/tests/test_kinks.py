import math

import pytest

import torchcourse as tc
from torchcourse.kinks import kink_report


def only(reports):
    assert len(reports) == 1
    return reports[0]


def test_relu_takes_the_left_slope_which_is_the_min_norm_subgradient():
    r = only(kink_report(tc.get_activation("ReLU")))
    assert (r.x, r.torch_grad, r.left, r.right) == (0.0, 0.0, 0.0, 1.0)
    assert r.side == "left" and "convex" in r.rule and r.rule_value == 0.0 and r.follows_rule


@pytest.mark.parametrize("key, params, grad", [
    ("SELU", {}, 1.7580993408473766),
    ("ELU", {"alpha": 2.0}, 2.0),
    ("LeakyReLU", {"negative_slope": 2.0}, 2.0),
    ("LeakyReLU", {"negative_slope": -0.5}, -0.5),
])
def test_documented_departures_from_the_min_norm_rule(key, params, grad):
    r = only(kink_report(tc.get_activation(key), **params))
    assert r.torch_grad == pytest.approx(grad, rel=1e-12)
    assert r.side == "left" and not r.follows_rule


def test_hardtanh_gives_zero_at_both_ends_and_follows_the_rules():
    reports = kink_report(tc.get_activation("Hardtanh"))
    assert [(r.x, r.torch_grad, r.side, r.follows_rule) for r in reports] == [
        (-1.0, 0.0, "left", True), (1.0, 0.0, "right", True)]
    assert "convex" in reports[0].rule and "concave" in reports[1].rule


def test_a_jump_leaves_the_choice_open():
    r = only(kink_report(tc.get_activation("Threshold")))  # example parameters (0.1, 20)
    assert not r.continuous and r.rule_value is None and r.torch_grad == 0.0 and r.follows_rule
    assert r.jump == pytest.approx(0.1 - 20.0)


def test_softplus_switch_uses_the_log1p_branch():
    r = only(kink_report(tc.get_activation("Softplus")))
    sigma20 = 1 / (1 + math.exp(-20))
    assert r.x == 20.0 and r.torch_grad == pytest.approx(sigma20, rel=1e-15)
    assert r.left == pytest.approx(sigma20, rel=1e-15) and r.right == 1.0 and r.side == "left"
    assert r.jump == pytest.approx(20 - math.log1p(math.exp(20)), rel=1e-6)  # PyTorch's switch jumps


def test_smooth_activations_have_no_kinks():
    assert kink_report(tc.get_activation("GELU")) == []
    assert kink_report(tc.get_activation("ELU")) == []  # alpha = 1: both slopes are 1


def test_report_reads_as_a_sentence():
    text = str(only(kink_report(tc.get_activation("ReLU"))))
    assert text.startswith("x = 0: autograd gives 0") and "follows" in text


def test_rejects_what_is_not_an_activation():
    with pytest.raises(TypeError, match="catalog Activation"):
        kink_report("ReLU")
