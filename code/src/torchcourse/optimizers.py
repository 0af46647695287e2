"""Optimisers written by hand, checked against ``torch.optim``, and 2-D test functions to watch them.

Each hand-written optimiser is a small class whose ``update`` method is the textbook rule in a few
lines of tensor code; chapter 7 (07_optimization) prints those methods and proves, step by step,
that they move the parameters exactly as ``torch.optim`` does.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import torch
from torch import nn

__all__ = [
    "HandAdam",
    "HandAdamW",
    "HandOptimizer",
    "HandRMSprop",
    "HandSGD",
    "LrSearch",
    "OptimizerComparison",
    "compare_optimizers",
    "quadratic_bowl",
    "rosenbrock",
    "run_trajectory",
    "tune_lr",
]


class _Steppable(Protocol):
    def zero_grad(self) -> None: ...

    def step(self) -> Any: ...


def _number(name: str, value: object, *, low: float, high: float = math.inf,
            low_open: bool = False, high_open: bool = True) -> float:
    """Check that ``value`` is a real number in the interval and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if math.isnan(value) or too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise ValueError(f"{name} must be in {left}{low:g}, {high:g}{right}; got {value!r}")
    return value


def _betas(value: object) -> tuple[float, float]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2); got {value!r}")
    return (_number("beta1", value[0], low=0.0, high=1.0),
            _number("beta2", value[1], low=0.0, high=1.0))


class HandOptimizer:
    """Base of the hand-written optimisers: a parameter list, per-parameter state, ``zero_grad`` and ``step``.

    A subclass writes one method, ``update(param, grad, state)``, which changes ``param`` in place
    from its gradient and its own ``state`` dictionary (empty at the first step).
    Introduced in chapter 7 (07_optimization).
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float) -> None:
        if isinstance(params, torch.Tensor):
            raise TypeError("params must be an iterable of tensors, not a single tensor; "
                            "wrap it in a list")
        self.params = list(params)
        if not self.params:
            raise ValueError("params is empty: the optimiser needs at least one parameter")
        for p in self.params:
            if not isinstance(p, torch.Tensor):
                raise TypeError(f"params must be tensors; got {type(p).__name__}")
            if not p.requires_grad:
                raise ValueError("every parameter must require gradients (requires_grad=True)")
        self.lr = _number("lr", lr, low=0.0, low_open=True)
        self.state: list[dict[str, Any]] = [{} for _ in self.params]

    def zero_grad(self) -> None:
        """Forget the gradients (None), as torch.optim does."""
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """Apply ``update`` to every parameter that has a gradient."""
        for param, state in zip(self.params, self.state):
            if param.grad is not None:
                self.update(param, param.grad, state)

    def update(self, param: torch.Tensor, grad: torch.Tensor, state: dict[str, Any]) -> None:
        """Change ``param`` in place; subclasses implement the rule."""
        raise NotImplementedError


class HandSGD(HandOptimizer):
    """Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay.

    Same arguments and defaults as ``torch.optim.SGD``. Introduced in chapter 7 (07_optimization).
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _number("momentum", momentum, low=0.0)
        self.dampening = _number("dampening", dampening, low=0.0, high=1.0, high_open=False)
        self.weight_decay = _number("weight_decay", weight_decay, low=0.0)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False; got {nesterov!r}")
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0")
        self.nesterov = nesterov

    def update(self, param, grad, state):
        mu = self.momentum
        if self.weight_decay:  # the gradient of the L2 penalty
            grad = grad + self.weight_decay * param
        if mu and "u" not in state:  # first step: u is the gradient
            state["u"] = grad.clone()
        elif mu:
            state["u"] = mu * state["u"] + (1 - self.dampening) * grad
        if mu and self.nesterov:
            grad = grad + mu * state["u"]
        elif mu:
            grad = state["u"]
        param -= self.lr * grad


class HandAdam(HandOptimizer):
    """Adam: bias-corrected running means of the gradient and of its square, with L2 weight decay.

    Same arguments and defaults as ``torch.optim.Adam`` (without ``amsgrad``).
    Introduced in chapter 7 (07_optimization).
    """

    decoupled = False  # HandAdamW sets True: decay the weights directly

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.betas = _betas(betas)
        self.eps = _number("eps", eps, low=0.0)
        self.weight_decay = _number("weight_decay", weight_decay, low=0.0)

    def update(self, param, grad, state):
        if not state:
            zeros = torch.zeros_like(param)
            state.update(t=0, m=zeros, v=zeros.clone())
        state["t"] += 1
        t, (beta1, beta2) = state["t"], self.betas
        if self.weight_decay and self.decoupled:  # AdamW
            param *= 1 - self.lr * self.weight_decay
        elif self.weight_decay:  # Adam: L2 penalty in the gradient
            grad = grad + self.weight_decay * param
        state["m"] = beta1 * state["m"] + (1 - beta1) * grad
        state["v"] = beta2 * state["v"] + (1 - beta2) * grad**2
        m_hat = state["m"] / (1 - beta1**t)  # bias corrections
        v_hat = state["v"] / (1 - beta2**t)
        param -= self.lr * m_hat / (v_hat.sqrt() + self.eps)


class HandAdamW(HandAdam):
    """AdamW: Adam with decoupled weight decay (the weights shrink by ``lr * weight_decay`` per step).

    Same arguments and defaults as ``torch.optim.AdamW``. Introduced in chapter 7 (07_optimization).
    """

    decoupled = True

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


class HandRMSprop(HandOptimizer):
    """RMSprop: divide the gradient by a running root mean square, with optional momentum and centring.

    Same arguments and defaults as ``torch.optim.RMSprop``. Introduced in chapter 7 (07_optimization).
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        super().__init__(params, lr)
        self.alpha = _number("alpha", alpha, low=0.0, high=1.0)
        self.eps = _number("eps", eps, low=0.0)
        self.weight_decay = _number("weight_decay", weight_decay, low=0.0)
        self.momentum = _number("momentum", momentum, low=0.0)
        if not isinstance(centered, bool):
            raise TypeError(f"centered must be True or False; got {centered!r}")
        self.centered = centered

    def update(self, param, grad, state):
        if not state:
            zeros = torch.zeros_like(param)
            state.update(v=zeros, mean=zeros.clone(), u=zeros.clone())
        if self.weight_decay:
            grad = grad + self.weight_decay * param
        a = self.alpha
        state["v"] = a * state["v"] + (1 - a) * grad**2
        if self.centered:  # minus the squared mean: a variance
            state["mean"] = a * state["mean"] + (1 - a) * grad
            ms = state["v"] - state["mean"] ** 2
        else:
            ms = state["v"]
        step = grad / (ms.sqrt() + self.eps)
        if self.momentum:
            state["u"] = self.momentum * state["u"] + step
            step = state["u"]
        param -= self.lr * step


# ----------------------------------------------------------------------------- step-by-step check


@dataclass(frozen=True)
class OptimizerComparison:
    """How far two optimisers' parameters drifted apart on the same training run."""

    steps: int
    max_abs_diff: float  # largest |hand - reference| over all parameters and all steps
    final_abs_diff: float  # the same after the last step only
    distance: float  # largest |final - initial| of a parameter: how far training moved them
    dtype: torch.dtype

    def __str__(self) -> str:
        return (f"{str(self.dtype).removeprefix('torch.')}, {self.steps} steps: "
                f"max |difference| {self.max_abs_diff:.1e}, "
                f"moved up to {self.distance:.2f}")


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an int >= {low}; got {value!r}")
    return value


def compare_optimizers(
    make_hand: Callable[[list[torch.Tensor]], _Steppable],
    make_reference: Callable[[list[torch.Tensor]], _Steppable],
    *,
    steps: int = 100,
    dtype: torch.dtype = torch.float64,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> OptimizerComparison:
    """Train two identical small networks on the same minibatches, one per optimiser; report the gap.

    ``make_hand`` and ``make_reference`` receive a list of parameters and return an optimiser
    (e.g. ``lambda ps: torch.optim.Adam(ps, lr=0.01)``). The problem is a random regression
    (a 6-16-3 tanh network, mean squared error, batches of 32), the same for a given ``seed``.
    Introduced in chapter 7 (07_optimization).
    """
    _check_int("steps", steps, 1)
    _check_int("seed", seed, 0)
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be torch.float32 or torch.float64; got {dtype!r}")
    for name, fn in (("make_hand", make_hand), ("make_reference", make_reference)):
        if not callable(fn):
            raise TypeError(f"{name} must be a callable taking a list of parameters")
    gen = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3)).to(dtype)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=dtype) * 0.5)
    teacher = torch.randn(6, 3, generator=gen, dtype=dtype)
    inputs = torch.randn(steps, 32, 6, generator=gen, dtype=dtype)
    targets = torch.sin(inputs @ teacher) + 0.1 * torch.randn(steps, 32, 3, generator=gen,
                                                             dtype=dtype)
    model = model.to(device)
    inputs, targets = inputs.to(device), targets.to(device)
    models = [model, copy.deepcopy(model)]
    initial = [p.detach().clone() for p in model.parameters()]
    optimizers = [make_hand(list(models[0].parameters())),
                  make_reference(list(models[1].parameters()))]
    max_diff = 0.0
    for step in range(steps):
        for net, opt in zip(models, optimizers):
            opt.zero_grad()
            nn.functional.mse_loss(net(inputs[step]), targets[step]).backward()
            opt.step()
        with torch.no_grad():
            diff = max((a - b).abs().max().item()
                       for a, b in zip(models[0].parameters(), models[1].parameters()))
        max_diff = max(max_diff, diff)
    with torch.no_grad():
        distance = max((p - q).abs().max().item()
                       for p, q in zip(models[1].parameters(), initial))
    return OptimizerComparison(steps=steps, max_abs_diff=max_diff, final_abs_diff=diff,
                               distance=distance, dtype=dtype)


# ----------------------------------------------------------------------------- 2-D test functions


def _check_points(xy: object) -> torch.Tensor:
    if not isinstance(xy, torch.Tensor):
        raise TypeError(f"xy must be a tensor; got {type(xy).__name__}")
    if xy.ndim == 0 or xy.shape[-1] != 2:
        raise ValueError(f"xy must have a last dimension of size 2 (x, y); got shape "
                         f"{tuple(xy.shape)}")
    return xy


def rosenbrock(xy: torch.Tensor, a: float = 1.0, b: float = 100.0) -> torch.Tensor:
    """Rosenbrock's banana-shaped valley ``(a - x)^2 + b (y - x^2)^2``; minimum 0 at ``(a, a^2)``.

    ``xy`` has a last dimension of size 2; the result has the remaining shape.
    Introduced in chapter 7 (07_optimization).
    """
    xy = _check_points(xy)
    x, y = xy[..., 0], xy[..., 1]
    return (a - x) ** 2 + b * (y - x**2) ** 2


def quadratic_bowl(xy: torch.Tensor, curvatures: Sequence[float] = (1.0, 20.0),
                   angle: float = 0.0) -> torch.Tensor:
    """The quadratic ``(c1 u^2 + c2 v^2) / 2`` in axes ``(u, v)`` rotated by ``angle`` radians.

    The curvatures are the Hessian's eigenvalues, so their ratio is the condition number.
    Minimum 0 at the origin. Introduced in chapter 7 (07_optimization).
    """
    xy = _check_points(xy)
    if len(curvatures) != 2:
        raise ValueError(f"curvatures must be two positive numbers; got {curvatures!r}")
    c1, c2 = (_number("curvature", c, low=0.0, low_open=True) for c in curvatures)
    angle = _number("angle", angle, low=-math.inf)
    cos, sin = math.cos(angle), math.sin(angle)
    x, y = xy[..., 0], xy[..., 1]
    u, v = cos * x + sin * y, -sin * x + cos * y
    return 0.5 * (c1 * u**2 + c2 * v**2)


def run_trajectory(
    fn: Callable[[torch.Tensor], torch.Tensor],
    start: Sequence[float],
    make_optimizer: Callable[[list[torch.Tensor]], _Steppable],
    *,
    steps: int,
) -> torch.Tensor:
    """Minimise a 2-D function from ``start``; return the visited points, shape ``(steps + 1, 2)``.

    Works in float64 on the CPU. If the point stops being finite (divergence), the remaining rows
    are NaN. Introduced in chapter 7 (07_optimization).
    """
    _check_int("steps", steps, 1)
    if len(start) != 2:
        raise ValueError(f"start must be a point (x, y); got {start!r}")
    point = torch.tensor([float(s) for s in start], dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer([point])
    path = torch.full((steps + 1, 2), math.nan, dtype=torch.float64)
    path[0] = point.detach()
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        fn(point).backward()
        optimizer.step()
        if not torch.isfinite(point).all():
            break
        path[step] = point.detach()
    return path


@dataclass(frozen=True)
class LrSearch:
    """Final function values of a learning-rate search, and the best learning rate."""

    best_lr: float
    lrs: tuple[float, ...]
    final_values: tuple[float, ...]  # inf where the run diverged


def tune_lr(
    fn: Callable[[torch.Tensor], torch.Tensor],
    start: Sequence[float],
    make_optimizer: Callable[[list[dict[str, Any]], float], torch.optim.Optimizer],
    lrs: Iterable[float],
    *,
    steps: int,
) -> LrSearch:
    """Minimise ``fn`` from ``start`` once per learning rate; keep the lr with the lowest final value.

    ``make_optimizer(param_groups, lr)`` must build a ``torch.optim`` optimiser: every learning
    rate gets its own copy of the start point in its own parameter group, so all runs advance
    together with one backward pass per step. Runs that leave the finite numbers count as
    ``inf``; ties go to the smaller learning rate. Introduced in chapter 7 (07_optimization).
    """
    _check_int("steps", steps, 1)
    lrs = tuple(_number("lr", lr, low=0.0, low_open=True) for lr in lrs)
    if not lrs:
        raise ValueError("lrs is empty: give at least one learning rate")
    if len(start) != 2:
        raise ValueError(f"start must be a point (x, y); got {start!r}")
    points = [torch.tensor([float(s) for s in start], dtype=torch.float64, requires_grad=True)
              for _ in lrs]
    optimizer = make_optimizer([{"params": [p], "lr": lr} for p, lr in zip(points, lrs)],
                               lrs[0])
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError("make_optimizer must return a torch.optim.Optimizer (it receives "
                        f"parameter groups); got {type(optimizer).__name__}")
    for _ in range(steps):
        optimizer.zero_grad()
        fn(torch.stack(points)).sum().backward()
        optimizer.step()
    with torch.no_grad():
        finals = fn(torch.stack(points)).tolist()
    finals = [v if math.isfinite(v) else math.inf for v in finals]
    best = min(range(len(lrs)), key=lambda i: (finals[i], lrs[i]))
    return LrSearch(best_lr=lrs[best], lrs=lrs, final_values=tuple(finals))
