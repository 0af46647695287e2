import os

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

import torchcourse as tc

# PyTorch warns when it builds a zero-width tail (in_features // div_value**(i + 1) == 0)
pytestmark = pytest.mark.filterwarnings("ignore:Initializing zero-element tensors:UserWarning")

_EXAMPLES = int(os.environ.get("TORCHCOURSE_HYPOTHESIS_EXAMPLES", "60"))


@st.composite
def configurations(draw):
    """A random adaptive softmax (float64), a batch of inputs and targets that visit clusters."""
    n_classes = draw(st.integers(2, 60))
    n_cutoffs = draw(st.integers(1, min(4, n_classes - 1)))
    cutoffs = sorted(draw(st.sets(st.integers(1, n_classes - 1), min_size=n_cutoffs,
                                  max_size=n_cutoffs)))
    in_features = draw(st.integers(1, 24))
    div_value = draw(st.sampled_from([1.0, 1.5, 2.0, 4.0]))
    head_bias = draw(st.booleans())
    batch = draw(st.integers(1, 20))
    seed = draw(st.integers(0, 2**16))
    # a tail width in_features // div_value**(i + 1) of 0 is allowed by PyTorch (the cluster's
    # logits are then all 0); keep such configurations, they are part of the contract
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    module = nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=div_value,
                                           head_bias=head_bias).double()
    if head_bias:
        with torch.no_grad():
            module.head.bias.normal_(generator=gen)
    x = torch.randn(batch, in_features, generator=gen, dtype=torch.float64)
    target = torch.randint(0, n_classes, (batch,), generator=gen)
    return module, x, target


@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configurations())
def test_log_prob_equals_the_module_and_rows_normalise(config):
    module, x, _ = config
    with torch.no_grad():
        ours = tc.adaptive_log_prob(module, x)
        theirs = module.log_prob(x)
    assert ours.shape == (x.size(0), module.n_classes)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-14)
    assert ours.logsumexp(dim=1).abs().max() <= 1e-13


@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configurations())
def test_output_and_loss_equal_the_module(config):
    module, x, target = config
    with torch.no_grad():
        output, loss = tc.adaptive_output(module, x, target)
        expected = module(x, target)
        full = module.log_prob(x)
    torch.testing.assert_close(output, expected.output, rtol=0, atol=1e-14)
    torch.testing.assert_close(loss, expected.loss, rtol=0, atol=1e-14)
    torch.testing.assert_close(output, full.gather(1, target[:, None]).squeeze(1),
                               rtol=0, atol=1e-14)
    assert loss == -output.mean()


@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configurations())
def test_predict_is_the_argmax_of_the_manual_log_prob(config):
    module, x, _ = config
    with torch.no_grad():
        ours = tc.adaptive_log_prob(module, x)
        predicted = module.predict(x)
    best = ours.max(dim=1, keepdim=True).values
    # ties (e.g. a zero-width tail gives equal logits) may go either way: accept any maximiser
    assert (ours.gather(1, predicted[:, None]) == best).all()


def test_gradients_flow_like_the_module():
    torch.manual_seed(0)
    module = nn.AdaptiveLogSoftmaxWithLoss(16, 50, [5, 20], div_value=2.0).double()
    x = torch.randn(30, 16, dtype=torch.float64, requires_grad=True)
    target = torch.arange(30) + 10
    _, ours = tc.adaptive_output(module, x, target)
    (g_ours,) = torch.autograd.grad(ours, x)
    (g_theirs,) = torch.autograd.grad(module(x, target).loss, x)
    torch.testing.assert_close(g_ours, g_theirs, rtol=0, atol=1e-14)


def test_a_cluster_without_targets_is_never_evaluated():
    module = nn.AdaptiveLogSoftmaxWithLoss(8, 30, [4, 10])
    calls = []
    module.tail[1].register_forward_hook(lambda *_: calls.append(1))
    tc.adaptive_output(module, torch.randn(5, 8), torch.tensor([0, 1, 5, 9, 3]))
    assert calls == []
    tc.adaptive_log_prob(module, torch.randn(5, 8))
    assert calls == [1]


@pytest.fixture
def small():
    torch.manual_seed(0)
    return nn.AdaptiveLogSoftmaxWithLoss(8, 30, [4, 10])


@pytest.mark.parametrize("target, message", [
    (torch.tensor([0, 30]), r"\[0, 29\]"),
    (torch.tensor([-1, 3]), r"\[0, 29\]"),
    (torch.tensor([0, 1, 2]), r"shape \(N,\)"),
    (torch.tensor([[0, 1]]), r"shape \(N,\)"),
])
def test_bad_targets_raise(small, target, message):
    with pytest.raises(ValueError, match=message):
        tc.adaptive_output(small, torch.randn(2, 8), target)


def test_bad_arguments_raise(small):
    with pytest.raises(TypeError, match="integer class indices"):
        tc.adaptive_output(small, torch.randn(2, 8), torch.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match="target must be a tensor"):
        tc.adaptive_output(small, torch.randn(2, 8), [0, 1])
    for fn in (tc.adaptive_log_prob, lambda m, x: tc.adaptive_output(m, x, torch.tensor([0, 1]))):
        with pytest.raises(ValueError, match=r"\(N, 8\)"):
            fn(small, torch.randn(2, 7))
        with pytest.raises(ValueError, match=r"\(N, 8\)"):
            fn(small, torch.randn(8))
        with pytest.raises(TypeError, match="floating-point"):
            fn(small, torch.ones(2, 8, dtype=torch.int64))
        with pytest.raises(TypeError, match="AdaptiveLogSoftmaxWithLoss"):
            fn(nn.Linear(8, 30), torch.randn(2, 8))
        with pytest.raises(TypeError, match="x must be a tensor"):
            fn(small, [[0.0] * 8] * 2)
