"""Looking inside a model with forward hooks: every layer's output, or a summary of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class LayerStats:
    """Summary of one module call's output: where it came from, its shape, mean, spread and zeros."""

    name: str
    kind: str
    shape: tuple[int, ...]
    mean: float
    std: float
    zero_fraction: float


def _check_model(model: object) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")


def _check_kinds(kinds: object) -> tuple[type[nn.Module], ...] | None:
    if kinds is None:
        return None
    if isinstance(kinds, type):
        kinds = (kinds,)
    if not (
        isinstance(kinds, tuple)
        and kinds
        and all(isinstance(k, type) and issubclass(k, nn.Module) for k in kinds)
    ):
        raise TypeError(
            "kinds must be None, a torch.nn.Module subclass such as nn.ReLU, or a non-empty tuple "
            f"of such classes; got {kinds!r}"
        )
    return kinds


def _chosen(model: nn.Module, kinds: tuple[type[nn.Module], ...] | None) -> list[tuple[str, nn.Module]]:
    """The submodules to watch: those of the given kinds, or every leaf (a module without children)."""
    if kinds is None:
        chosen = [(n, m) for n, m in model.named_modules() if not any(True for _ in m.children())]
    else:
        chosen = [(n, m) for n, m in model.named_modules() if isinstance(m, kinds)]
    if not chosen:
        present = sorted({type(m).__name__ for m in model.modules()})
        wanted = [k.__name__ for k in kinds] if kinds else ["leaf modules"]
        raise ValueError(
            f"model has no submodule of the kinds {wanted}; its modules are of the kinds {present}"
        )
    return [(n or type(m).__name__, m) for n, m in chosen]


@contextmanager
def recording_outputs(
    model: nn.Module, *, kinds: type[nn.Module] | tuple[type[nn.Module], ...] | None = None
) -> Iterator[list[tuple[str, torch.Tensor]]]:
    """Within the ``with`` block, append (name, detached copy of output) for each chosen module call.

    ``kinds`` picks the modules by class (default: every leaf module). Outputs are copied when they
    are produced, so a later in-place operation (``ReLU(inplace=True)``) cannot change them; non-tensor
    outputs are skipped. The hooks are removed on leaving the block, also after an error.
    Introduced in chapter 4 (04_models/01_modules).
    """
    _check_model(model)
    chosen = _chosen(model, _check_kinds(kinds))
    records: list[tuple[str, torch.Tensor]] = []
    handles = []

    def make_hook(name: str):
        def hook(module: nn.Module, inputs: tuple, output: object) -> None:
            if isinstance(output, torch.Tensor):
                records.append((name, output.detach().clone()))

        return hook

    try:
        for name, module in chosen:
            handles.append(module.register_forward_hook(make_hook(name)))
        yield records
    finally:
        for handle in handles:
            handle.remove()


def activation_stats(
    model: nn.Module,
    inputs: torch.Tensor,
    *,
    kinds: type[nn.Module] | tuple[type[nn.Module], ...] | None = None,
) -> list[LayerStats]:
    """Run ``model(inputs)`` once without gradients; return each chosen module call's output statistics.

    ``kinds`` picks the modules by class (default: every leaf module); entries come in call order, so
    a module used twice appears twice. ``std`` is the population standard deviation (correction 0)
    over all elements of the output. The model's train/eval mode is left as it is, and the hooks are
    removed before returning. Introduced in chapter 4 (04_models/01_modules).
    """
    _check_model(model)
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(f"inputs must be a torch.Tensor; got {type(inputs).__name__}")
    chosen = _chosen(model, _check_kinds(kinds))
    stats: list[LayerStats] = []
    handles = []

    def make_hook(name: str):
        def hook(module: nn.Module, args: tuple, output: object) -> None:
            if not isinstance(output, torch.Tensor) or output.numel() == 0:
                return
            values = output.detach().double()
            stats.append(
                LayerStats(
                    name=name,
                    kind=type(module).__name__,
                    shape=tuple(output.shape),
                    mean=values.mean().item(),
                    std=values.std(correction=0).item(),
                    zero_fraction=(values == 0).double().mean().item(),
                )
            )

        return hook

    try:
        for name, module in chosen:
            handles.append(module.register_forward_hook(make_hook(name)))
        with torch.no_grad():
            model(inputs)
    finally:
        for handle in handles:
            handle.remove()
    return stats
