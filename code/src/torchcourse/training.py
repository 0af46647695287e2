"""A plain, readable training loop: one epoch, evaluation, and ``fit`` with early stopping.

Chapter 7 (07_optimization) writes this loop out line by line; other chapters call it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Evaluation:
    """Mean loss and accuracy of a model over a data loader."""

    loss: float
    accuracy: float


@dataclass
class History:
    """Per-epoch curves of a :func:`fit` run and the epoch whose weights were kept."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int = -1
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """Number of epochs that ran."""
        return len(self.train_loss)


def _check_model(model: object) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")


def train_epoch(
    model: nn.Module,
    loader: Iterable,
    optimizer: torch.optim.Optimizer,
    *,
    loss_fn: LossFn = F.cross_entropy,
    device: torch.device | str = "cpu",
    clip_grad_norm: float | None = None,
) -> float:
    """Run one epoch of training (forward, loss, backward, optional clipping, step); return the mean loss.

    The mean is weighted by batch size, so it is the loss over the whole epoch's samples.
    Introduced in chapter 7 (07_optimization).
    """
    _check_model(model)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer; got {type(optimizer).__name__}"
        )
    if clip_grad_norm is not None and not clip_grad_norm > 0:
        raise ValueError(
            f"clip_grad_norm must be a positive number or None; got {clip_grad_norm!r}"
        )
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        if clip_grad_norm is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
        optimizer.step()
        total += loss.item() * len(targets)
        count += len(targets)
    if count == 0:
        raise ValueError("loader yielded no batches")
    return total / count


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: Iterable,
    *,
    loss_fn: LossFn = F.cross_entropy,
    device: torch.device | str = "cpu",
) -> Evaluation:
    """Return the mean loss and the accuracy (fraction of argmax hits) of ``model`` over ``loader``, in eval mode.

    Introduced in chapter 7 (07_optimization).
    """
    _check_model(model)
    model.eval()
    total, correct, count = 0.0, 0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        logits = model(inputs)
        total += loss_fn(logits, targets).item() * len(targets)
        correct += (logits.argmax(dim=1) == targets).sum().item()
        count += len(targets)
    if count == 0:
        raise ValueError("loader yielded no batches")
    return Evaluation(loss=total / count, accuracy=correct / count)


def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable,
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int,
    loss_fn: LossFn = F.cross_entropy,
    device: torch.device | str = "cpu",
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    patience: int | None = None,
    clip_grad_norm: float | None = None,
) -> History:
    """Train for up to ``epochs`` epochs, validating after each; keep the best weights by validation loss.

    With ``patience`` set, stop once the validation loss has not improved for that many epochs.
    The model ends with the weights of the best epoch. ``scheduler`` (if any) steps once per epoch.
    Introduced in chapter 7 (07_optimization).
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int; got {epochs!r}")
    if patience is not None and (
        isinstance(patience, bool) or not isinstance(patience, int) or patience < 1
    ):
        raise ValueError(f"patience must be a positive int or None; got {patience!r}")
    history = History()
    best_loss, best_state, waited = float("inf"), None, 0
    for epoch in range(epochs):
        history.train_loss.append(
            train_epoch(
                model,
                train_loader,
                optimizer,
                loss_fn=loss_fn,
                device=device,
                clip_grad_norm=clip_grad_norm,
            )
        )
        result = evaluate(model, val_loader, loss_fn=loss_fn, device=device)
        history.val_loss.append(result.loss)
        history.val_accuracy.append(result.accuracy)
        if scheduler is not None:
            scheduler.step()
        if result.loss < best_loss:
            best_loss, history.best_epoch, waited = result.loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
