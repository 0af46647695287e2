import pytest
import torch
from torch import nn

import torchcourse as tc


def _net() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3), nn.Tanh())


def _hook_count(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) for m in model.modules())


def test_stats_match_a_manual_pass_through_the_layers():
    net = _net()
    x = torch.randn(16, 4, generator=torch.Generator().manual_seed(1))
    stats = tc.activation_stats(net, x)
    assert [s.name for s in stats] == ["0", "1", "2", "3"]
    assert [s.kind for s in stats] == ["Linear", "ReLU", "Linear", "Tanh"]
    h = x
    for layer, s in zip(net, stats):
        h = layer(h).detach()
        assert s.shape == tuple(h.shape)
        assert s.mean == pytest.approx(h.mean().item(), abs=1e-6)
        assert s.std == pytest.approx(h.std(correction=0).item(), abs=1e-6)
        assert s.zero_fraction == pytest.approx((h == 0).float().mean().item())
    assert stats[1].zero_fraction > 0  # some ReLU outputs are exactly zero


def test_kinds_filter_and_hooks_are_removed():
    net = _net()
    stats = tc.activation_stats(net, torch.randn(5, 4), kinds=(nn.ReLU, nn.Tanh))
    assert [s.kind for s in stats] == ["ReLU", "Tanh"]
    assert tc.activation_stats(net, torch.randn(5, 4), kinds=nn.Linear)[1].name == "2"
    assert _hook_count(net) == 0


def test_a_module_used_twice_is_reported_twice_in_call_order():
    shared = nn.Linear(3, 3)
    net = nn.Sequential(shared, nn.ReLU(), shared)
    stats = tc.activation_stats(net, torch.randn(2, 3), kinds=nn.Linear)
    assert [s.name for s in stats] == ["0", "0"]


def test_a_leaf_model_is_named_by_its_class():
    stats = tc.activation_stats(nn.Linear(2, 2), torch.randn(3, 2))
    assert len(stats) == 1 and stats[0].name == "Linear"


def test_stats_leave_mode_and_gradients_alone():
    net = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    net.eval()
    stats = tc.activation_stats(net, torch.ones(64, 4))
    assert not net.training and stats[1].zero_fraction == 0  # eval mode: dropout is the identity
    assert all(p.grad is None for p in net.parameters())


def test_hooks_are_removed_even_when_the_forward_pass_fails():
    net = _net()
    with pytest.raises(RuntimeError):
        tc.activation_stats(net, torch.randn(2, 5))  # wrong number of features
    assert _hook_count(net) == 0
    with pytest.raises(RuntimeError):
        with tc.recording_outputs(net):
            net(torch.randn(2, 5))
    assert _hook_count(net) == 0


def test_recording_keeps_copies_that_in_place_operations_cannot_change():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(inplace=True))
    x = torch.randn(32, 4)
    with tc.recording_outputs(net) as records:
        out = net(x)
    assert [name for name, _ in records] == ["0", "1"]
    pre, post = records[0][1], records[1][1]
    assert (pre < 0).any() and torch.equal(post, out) and torch.equal(pre.clamp(min=0), post)
    assert not pre.requires_grad
    net(x)
    assert len(records) == 2 and _hook_count(net) == 0  # nothing recorded after the block


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: tc.activation_stats("net", torch.ones(1, 4)), TypeError, "torch.nn.Module"),
        (lambda: tc.activation_stats(_net(), [1.0, 2.0]), TypeError, "inputs must be a torch.Tensor"),
        (lambda: tc.activation_stats(_net(), torch.ones(1, 4), kinds="ReLU"), TypeError, "kinds must be"),
        (lambda: tc.activation_stats(_net(), torch.ones(1, 4), kinds=()), TypeError, "kinds must be"),
        (lambda: tc.activation_stats(_net(), torch.ones(1, 4), kinds=int), TypeError, "kinds must be"),
        (lambda: tc.activation_stats(_net(), torch.ones(1, 4), kinds=nn.Conv2d), ValueError,
         r"no submodule of the kinds \['Conv2d'\].*'Linear', 'ReLU'"),
        (lambda: tc.recording_outputs(3).__enter__(), TypeError, "torch.nn.Module"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
