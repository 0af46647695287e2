"""The hand-written optimisers equal torch.optim step for step; the 2-D test functions and runners."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import torchcourse as tc

# (hand-written, torch.optim) pairs with the same hyperparameters, weight decay included.
PAIRS = {
    "sgd": (lambda ps: tc.HandSGD(ps, lr=0.1), lambda ps: torch.optim.SGD(ps, lr=0.1)),
    "sgd_wd": (
        lambda ps: tc.HandSGD(ps, lr=0.1, weight_decay=0.05),
        lambda ps: torch.optim.SGD(ps, lr=0.1, weight_decay=0.05),
    ),
    "momentum": (
        lambda ps: tc.HandSGD(ps, lr=0.05, momentum=0.9),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9),
    ),
    "momentum_dampening_wd": (
        lambda ps: tc.HandSGD(ps, lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
    ),
    "nesterov_wd": (
        lambda ps: tc.HandSGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    ),
    "rmsprop": (lambda ps: tc.HandRMSprop(ps), lambda ps: torch.optim.RMSprop(ps)),
    "rmsprop_centered": (
        lambda ps: tc.HandRMSprop(ps, lr=3e-3, centered=True),
        lambda ps: torch.optim.RMSprop(ps, lr=3e-3, centered=True),
    ),
    "rmsprop_all": (
        lambda ps: tc.HandRMSprop(ps, lr=3e-3, alpha=0.9, eps=1e-6, weight_decay=0.01,
                                  momentum=0.5, centered=True),
        lambda ps: torch.optim.RMSprop(ps, lr=3e-3, alpha=0.9, eps=1e-6, weight_decay=0.01,
                                       momentum=0.5, centered=True),
    ),
    "adam": (lambda ps: tc.HandAdam(ps, lr=0.01), lambda ps: torch.optim.Adam(ps, lr=0.01)),
    "adam_l2": (
        lambda ps: tc.HandAdam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
        lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
    ),
    "adamw_default_decay": (
        lambda ps: tc.HandAdamW(ps, lr=0.01),
        lambda ps: torch.optim.AdamW(ps, lr=0.01),
    ),
    "adamw": (
        lambda ps: tc.HandAdamW(ps, lr=0.01, weight_decay=0.3),
        lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.3),
    ),
}


@pytest.mark.parametrize("name", sorted(PAIRS))
@pytest.mark.parametrize("seed", [0, 1])
def test_hand_optimizer_equals_torch_in_float64(name, seed):
    hand, reference = PAIRS[name]
    result = tc.compare_optimizers(hand, reference, steps=40, seed=seed)
    assert result.max_abs_diff < 1e-12, result
    assert result.distance > 0.05, "the parameters hardly moved: the check proves nothing"


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_hand_optimizer_equals_torch_in_float32(name):
    hand, reference = PAIRS[name]
    result = tc.compare_optimizers(hand, reference, steps=40, dtype=torch.float32)
    assert result.max_abs_diff < 5e-6, result
    assert result.dtype == torch.float32


@settings(max_examples=15, deadline=None)
@given(
    lr=st.floats(1e-4, 0.2),
    momentum=st.floats(0.0, 0.95),
    weight_decay=st.floats(0.0, 0.1),
    nesterov=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_sgd_matches_for_random_hyperparameters(lr, momentum, weight_decay, nesterov, seed):
    nesterov = nesterov and momentum > 0
    kwargs = dict(lr=lr, momentum=momentum, weight_decay=weight_decay, nesterov=nesterov)
    result = tc.compare_optimizers(
        lambda ps: tc.HandSGD(ps, **kwargs), lambda ps: torch.optim.SGD(ps, **kwargs),
        steps=15, seed=seed,
    )
    assert result.max_abs_diff < 1e-11, (kwargs, result)


@settings(max_examples=15, deadline=None)
@given(
    lr=st.floats(1e-4, 0.05),
    beta1=st.floats(0.0, 0.99),
    beta2=st.floats(0.5, 0.9999),
    weight_decay=st.floats(0.0, 0.2),
    decoupled=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_adam_and_adamw_match_for_random_hyperparameters(lr, beta1, beta2, weight_decay,
                                                          decoupled, seed):
    kwargs = dict(lr=lr, betas=(beta1, beta2), weight_decay=weight_decay)
    hand_cls, torch_cls = (tc.HandAdamW, torch.optim.AdamW) if decoupled else (
        tc.HandAdam, torch.optim.Adam)
    result = tc.compare_optimizers(
        lambda ps: hand_cls(ps, **kwargs), lambda ps: torch_cls(ps, **kwargs),
        steps=15, seed=seed,
    )
    assert result.max_abs_diff < 1e-11, (kwargs, result)


def test_comparison_detects_a_different_rule():
    # Adam against AdamW with weight decay: different rules must show a clear gap.
    result = tc.compare_optimizers(
        lambda ps: tc.HandAdam(ps, lr=0.01, weight_decay=0.1),
        lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1),
        steps=30,
    )
    assert result.max_abs_diff > 1e-4
    assert "max |difference|" in str(result)


def test_step_skips_parameters_without_gradient_and_zero_grad_clears():
    a = torch.ones(2, requires_grad=True)
    b = torch.ones(2, requires_grad=True)
    optimizer = tc.HandSGD([a, b], lr=0.5)
    a.grad = torch.ones(2)
    optimizer.step()
    assert a.tolist() == [0.5, 0.5] and b.tolist() == [1.0, 1.0]
    optimizer.zero_grad()
    assert a.grad is None and b.grad is None


def test_first_steps_sizes():
    # Adam's first step is lr per coordinate; RMSprop's is lr / sqrt(1 - alpha).
    for make, expected in ((tc.HandAdam, 0.01), (tc.HandRMSprop, 0.01 / math.sqrt(0.01))):
        p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        optimizer = make([p], lr=0.01)
        p.grad = torch.tensor([1e-3, 1.0, -1e3], dtype=torch.float64)
        optimizer.step()
        assert torch.allclose(p.abs(), torch.full_like(p, expected), rtol=1e-4)


def test_base_class_update_is_abstract():
    p = torch.zeros(1, requires_grad=True)
    optimizer = tc.HandOptimizer([p], lr=0.1)
    p.grad = torch.ones(1)
    with pytest.raises(NotImplementedError):
        optimizer.step()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda p: tc.HandSGD([p], lr=0.0), ValueError, "lr must be in"),
        (lambda p: tc.HandSGD([p], lr="0.1"), TypeError, "lr must be a real number"),
        (lambda p: tc.HandSGD([p], lr=float("nan")), ValueError, "lr must be in"),
        (lambda p: tc.HandSGD([p], momentum=-0.1), ValueError, "momentum must be in"),
        (lambda p: tc.HandSGD([p], dampening=1.5), ValueError, "dampening must be in"),
        (lambda p: tc.HandSGD([p], nesterov=True), ValueError, "nesterov=True needs"),
        (lambda p: tc.HandSGD([p], momentum=0.9, dampening=0.1, nesterov=True), ValueError,
         "nesterov=True needs"),
        (lambda p: tc.HandSGD([p], nesterov=1), TypeError, "nesterov must be True or False"),
        (lambda p: tc.HandSGD([p], weight_decay=-1), ValueError, "weight_decay must be in"),
        (lambda p: tc.HandAdam([p], betas=(0.9,)), TypeError, "betas must be a pair"),
        (lambda p: tc.HandAdam([p], betas=(1.0, 0.999)), ValueError, "beta1 must be in"),
        (lambda p: tc.HandAdam([p], betas=(0.9, -0.1)), ValueError, "beta2 must be in"),
        (lambda p: tc.HandAdamW([p], eps=-1e-8), ValueError, "eps must be in"),
        (lambda p: tc.HandRMSprop([p], alpha=1.0), ValueError, "alpha must be in"),
        (lambda p: tc.HandRMSprop([p], centered="yes"), TypeError, "centered must be"),
        (lambda p: tc.HandSGD(p), TypeError, "not a single tensor"),
        (lambda p: tc.HandSGD([]), ValueError, "params is empty"),
        (lambda p: tc.HandSGD([p, 3.0]), TypeError, "params must be tensors"),
        (lambda p: tc.HandSGD([torch.zeros(2)]), ValueError, "require gradients"),
    ],
)
def test_bad_optimizer_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call(torch.zeros(2, requires_grad=True))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(steps=0), ValueError, "steps must be an int >= 1"),
        (dict(seed=-1), ValueError, "seed must be an int >= 0"),
        (dict(dtype=torch.float16), ValueError, "dtype must be torch.float32 or torch.float64"),
    ],
)
def test_bad_comparison_arguments(kwargs, error, message):
    make = PAIRS["sgd"]
    with pytest.raises(error, match=message):
        tc.compare_optimizers(*make, **kwargs)


def test_comparison_needs_callables():
    with pytest.raises(TypeError, match="make_hand must be a callable"):
        tc.compare_optimizers("sgd", PAIRS["sgd"][1])


def test_rosenbrock_values_and_minimum():
    points = torch.tensor([[1.0, 1.0], [0.0, 0.0], [-1.0, 2.0]], dtype=torch.float64)
    assert tc.rosenbrock(points).tolist() == [0.0, 1.0, 4.0 + 100.0]
    assert tc.rosenbrock(torch.tensor([2.0, 4.0]), a=2.0, b=5.0).item() == 0.0
    at_min = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    tc.rosenbrock(at_min).backward()
    assert at_min.grad.abs().max() == 0


@pytest.mark.parametrize("angle", [0.0, 0.3, math.pi / 6, -1.2])
def test_quadratic_bowl_hessian_has_the_curvatures(angle):
    def f(p):
        return tc.quadratic_bowl(p, curvatures=(2.0, 30.0), angle=angle)

    hessian = torch.autograd.functional.hessian(f, torch.tensor([0.3, -0.7], dtype=torch.float64))
    eigenvalues = torch.linalg.eigvalsh(hessian)
    assert torch.allclose(eigenvalues, torch.tensor([2.0, 30.0], dtype=torch.float64))
    # the rotated bowl at R(angle) p equals the aligned bowl at p
    p = torch.tensor([0.4, 1.1], dtype=torch.float64)
    c, s = math.cos(angle), math.sin(angle)
    rotated = torch.stack([c * p[0] - s * p[1], s * p[0] + c * p[1]])
    assert torch.isclose(f(rotated), tc.quadratic_bowl(p, curvatures=(2.0, 30.0)))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: tc.rosenbrock([1.0, 1.0]), TypeError, "xy must be a tensor"),
        (lambda: tc.rosenbrock(torch.zeros(3)), ValueError, "last dimension of size 2"),
        (lambda: tc.quadratic_bowl(torch.zeros(2), curvatures=(1.0,)), ValueError,
         "two positive numbers"),
        (lambda: tc.quadratic_bowl(torch.zeros(2), curvatures=(1.0, 0.0)), ValueError,
         "curvature must be in"),
    ],
)
def test_bad_test_function_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_run_trajectory_records_every_step_and_matches_a_manual_loop():
    path = tc.run_trajectory(tc.rosenbrock, (-1.0, 1.5),
                             lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9), steps=20)
    assert path.shape == (21, 2) and path.dtype == torch.float64
    assert path[0].tolist() == [-1.0, 1.5]
    p = torch.tensor([-1.0, 1.5], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=1e-3, momentum=0.9)
    for _ in range(20):
        optimizer.zero_grad()
        tc.rosenbrock(p).backward()
        optimizer.step()
    assert torch.equal(path[-1], p.detach())


def test_run_trajectory_marks_divergence_with_nan():
    path = tc.run_trajectory(tc.rosenbrock, (-1.5, 2.0),
                             lambda ps: torch.optim.SGD(ps, lr=1.0), steps=30)
    assert torch.isnan(path[-1]).all() and torch.isfinite(path[0]).all()


def test_tune_lr_finds_the_exact_step_of_a_round_bowl():
    # On f = |p|^2 / 2 one SGD step with lr = 1 lands on the minimum; lr = 3 diverges.
    def bowl(p):
        return tc.quadratic_bowl(p, curvatures=(1.0, 1.0))

    search = tc.tune_lr(bowl, (3.0, -2.0), lambda groups, lr: torch.optim.SGD(groups, lr=lr),
                        [0.1, 0.5, 1.0, 3.0], steps=5)
    assert search.best_lr == 1.0 and search.final_values[2] == 0.0
    assert search.final_values[3] > bowl(torch.tensor([3.0, -2.0])).item()
    assert search.lrs == (0.1, 0.5, 1.0, 3.0)


def test_tune_lr_agrees_with_separate_runs():
    lrs = [1e-3, 1e-2, 0.1]
    search = tc.tune_lr(tc.rosenbrock, (-1.5, 2.0),
                        lambda groups, lr: torch.optim.Adam(groups, lr=lr), lrs, steps=25)
    for lr, final in zip(lrs, search.final_values):
        end = tc.run_trajectory(tc.rosenbrock, (-1.5, 2.0),
                                lambda ps, lr=lr: torch.optim.Adam(ps, lr=lr), steps=25)[-1]
        assert math.isclose(tc.rosenbrock(end).item(), final, rel_tol=1e-12)
    assert search.best_lr == lrs[min(range(3), key=search.final_values.__getitem__)]


def test_tune_lr_counts_non_finite_runs_as_inf():
    search = tc.tune_lr(tc.rosenbrock, (-1.5, 2.0),
                        lambda groups, lr: torch.optim.SGD(groups, lr=lr), [1e-3, 1.0], steps=30)
    assert search.final_values[1] == math.inf and search.best_lr == 1e-3


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(lrs=[]), ValueError, "lrs is empty"),
        (dict(lrs=[0.0]), ValueError, "lr must be in"),
        (dict(steps=0), ValueError, "steps must be an int >= 1"),
        (dict(start=(1.0,)), ValueError, "start must be a point"),
        (dict(make_optimizer=lambda groups, lr: tc.HandSGD([torch.zeros(1, requires_grad=True)])),
         TypeError, "must return a torch.optim.Optimizer"),
    ],
)
def test_bad_tune_lr_arguments(kwargs, error, message):
    arguments = dict(fn=tc.rosenbrock, start=(0.0, 0.0),
                     make_optimizer=lambda groups, lr: torch.optim.SGD(groups, lr=lr),
                     lrs=[0.1], steps=3)
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        tc.tune_lr(**arguments)


def test_bad_trajectory_arguments():
    with pytest.raises(ValueError, match="start must be a point"):
        tc.run_trajectory(tc.rosenbrock, (0.0,), lambda ps: torch.optim.SGD(ps, lr=0.1), steps=3)
    with pytest.raises(ValueError, match="steps must be an int >= 1"):
        tc.run_trajectory(tc.rosenbrock, (0.0, 0.0), lambda ps: torch.optim.SGD(ps, lr=0.1),
                          steps=0)
