"""Checkpoints that resume training exactly: weights, optimizer, scheduler, epoch, RNG states.

Everything is stored in types that ``torch.load(weights_only=True)`` accepts (tensors, numbers,
strings, lists, tuples, dicts), so a checkpoint never has to be unpickled unsafely.
Chapter 8 (08_save_load) builds such a checkpoint by hand first; later chapters call these.
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

CHECKPOINT_FORMAT = 1
RNG_KEYS = ("python", "numpy", "torch", "cuda")
_REQUIRED_KEYS = ("format", "epoch", "model", "optimizer", "scheduler", "rng", "extra")

PathLike = str | os.PathLike


def _check_generator(generator: object) -> None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator or None; got {type(generator).__name__}"
        )


def _check_path(path: object) -> None:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}")


def _check_objects(model: object, optimizer: object, scheduler: object) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if optimizer is not None and not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer or None; got {type(optimizer).__name__}"
        )
    if scheduler is not None and not isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler):
        raise TypeError(
            "scheduler must be a torch.optim.lr_scheduler.LRScheduler or None; "
            f"got {type(scheduler).__name__}"
        )


def rng_state(generator: torch.Generator | None = None) -> dict[str, Any]:
    """Return the states of the Python, NumPy and PyTorch (CPU, CUDA) RNGs, and ``generator``'s.

    The result holds only tensors, numbers, strings and tuples, so it survives
    ``torch.save`` + ``torch.load(weights_only=True)``. Pass a DataLoader's generator to capture
    its shuffling too. Introduced in chapter 8 (08_save_load).
    """
    _check_generator(generator)
    name, keys, pos, has_gauss, cached_gaussian = np.random.get_state()
    state: dict[str, Any] = {
        "python": random.getstate(),
        # NumPy arrays are not weights_only-safe; the 624 uint32 words travel as an int64 tensor.
        "numpy": (
            str(name),
            torch.from_numpy(keys.astype(np.int64)),
            int(pos),
            int(has_gauss),
            float(cached_gaussian),
        ),
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }
    if generator is not None:
        state["generator"] = generator.get_state()
    return state


def set_rng_state(state: Mapping[str, Any], generator: torch.Generator | None = None) -> None:
    """Restore the global RNG states saved by :func:`rng_state` (and ``generator``'s, if given).

    CUDA states are restored when CUDA is available and the state has one per device; a state
    saved without CUDA leaves the CUDA generators as they are.
    Introduced in chapter 8 (08_save_load).
    """
    if not isinstance(state, Mapping):
        raise TypeError(f"state must be a mapping from rng_state(); got {type(state).__name__}")
    _check_generator(generator)
    missing = [key for key in RNG_KEYS if key not in state]
    if missing:
        raise KeyError(
            f"RNG state lacks {missing}; expected the keys {list(RNG_KEYS)} made by rng_state()"
        )
    if generator is not None and "generator" not in state:
        raise KeyError(
            "a generator was passed but the RNG state has no 'generator' entry; "
            "save it with rng_state(generator)"
        )
    name, keys, pos, has_gauss, cached_gaussian = state["numpy"]
    numpy_state = (name, keys.cpu().numpy().astype(np.uint32), pos, has_gauss, cached_gaussian)
    random.setstate(state["python"])
    np.random.set_state(numpy_state)
    torch.set_rng_state(state["torch"].cpu())  # map_location may have moved it off the CPU
    cuda = list(state["cuda"])
    if cuda and torch.cuda.is_available():
        if len(cuda) != torch.cuda.device_count():
            raise ValueError(
                f"the RNG state holds {len(cuda)} CUDA generator states but this machine has "
                f"{torch.cuda.device_count()} CUDA devices"
            )
        torch.cuda.set_rng_state_all([s.cpu() for s in cuda])
    if generator is not None:
        generator.set_state(state["generator"].cpu())


def _check_safe(value: Any, where: str) -> None:
    """Raise TypeError unless ``value`` is made of types that weights_only loading accepts."""
    if value is None or isinstance(value, (bool, int, float, str, torch.Tensor)):
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_safe(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, (str, int)):
                raise TypeError(f"{where} has a key of type {type(key).__name__}; use str or int")
            _check_safe(item, f"{where}[{key!r}]")
        return
    raise TypeError(
        f"{where} is a {type(value).__name__}; extra may hold only None, bool, int, float, str, "
        "torch.Tensor and lists, tuples or dicts of them "
        "(what torch.load(weights_only=True) accepts)"
    )


def save_checkpoint(
    path: PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    *,
    epoch: int,
    generator: torch.Generator | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Save model, optimizer, scheduler, ``epoch`` (epochs done), RNG states and ``extra``.

    The file is written next to ``path`` first and then renamed over it, so a crash while saving
    never leaves a half-written checkpoint behind. Returns the saved dictionary.
    Introduced in chapter 8 (08_save_load).
    """
    _check_path(path)
    _check_objects(model, optimizer, scheduler)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"epoch must be a non-negative int (epochs completed); got {epoch!r}")
    _check_generator(generator)
    if extra is not None and not isinstance(extra, Mapping):
        raise TypeError(f"extra must be a mapping or None; got {type(extra).__name__}")
    extra = dict(extra or {})
    _check_safe(extra, "extra")
    checkpoint = {
        "format": CHECKPOINT_FORMAT,
        "epoch": epoch,
        "model": model.state_dict(),
        "optimizer": None if optimizer is None else optimizer.state_dict(),
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        "rng": rng_state(generator),
        "extra": extra,
    }
    temporary = f"{os.fspath(path)}.partial"
    torch.save(checkpoint, temporary)
    os.replace(temporary, path)
    return checkpoint


def load_checkpoint(
    path: PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    *,
    generator: torch.Generator | None = None,
    restore_rng: bool = True,
    map_location: Any = "cpu",
) -> dict[str, Any]:
    """Load a :func:`save_checkpoint` file into the given objects and restore the RNG states.

    The file is read with ``weights_only=True``. Tensors are first mapped to ``map_location``
    (the CPU by default, so a GPU checkpoint opens anywhere); ``load_state_dict`` then copies
    them to wherever the model's parameters live. Returns the checkpoint dictionary, whose
    ``"epoch"`` says how many epochs were completed. Introduced in chapter 8 (08_save_load).
    """
    _check_path(path)
    _check_objects(model, optimizer, scheduler)
    _check_generator(generator)
    if not isinstance(restore_rng, bool):
        raise TypeError(f"restore_rng must be True or False; got {restore_rng!r}")
    if not os.path.exists(path):
        raise FileNotFoundError(f"no checkpoint at {os.fspath(path)!r}")
    checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    if not isinstance(checkpoint, dict):
        raise TypeError(
            f"{os.fspath(path)!r} holds a {type(checkpoint).__name__}, not a checkpoint dictionary"
        )
    missing = [key for key in _REQUIRED_KEYS if key not in checkpoint]
    if missing:
        raise KeyError(
            f"{os.fspath(path)!r} is not a save_checkpoint file: it lacks {missing} "
            f"(expected keys {list(_REQUIRED_KEYS)})"
        )
    if checkpoint["format"] != CHECKPOINT_FORMAT:
        raise ValueError(
            f"checkpoint format {checkpoint['format']!r} is not supported "
            f"(this version reads format {CHECKPOINT_FORMAT})"
        )
    for name, obj in (("optimizer", optimizer), ("scheduler", scheduler)):
        if obj is not None and checkpoint[name] is None:
            raise ValueError(f"a {name} was passed but the checkpoint holds no {name} state")
    model.load_state_dict(checkpoint["model"])
    if optimizer is not None:
        optimizer.load_state_dict(checkpoint["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
    if restore_rng:
        set_rng_state(checkpoint["rng"], generator)
    elif generator is not None:
        raise ValueError("a generator was passed with restore_rng=False; it would not be restored")
    return checkpoint
