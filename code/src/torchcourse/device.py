"""Choosing the device a chapter runs on."""

from __future__ import annotations

import torch

_CHOICES = ("auto", "cpu", "cuda")


def get_device(prefer: str = "auto") -> torch.device:
    """Return the device to compute on: CUDA when available (``"auto"``), or the one asked for.

    ``prefer`` is one of ``"auto"``, ``"cpu"`` or ``"cuda"``; asking for ``"cuda"`` on a machine
    without a CUDA GPU raises a ``RuntimeError`` that says so. Introduced in chapter 1 (01_tensors).
    """
    if not isinstance(prefer, str) or prefer not in _CHOICES:
        raise ValueError(f"prefer must be one of {', '.join(map(repr, _CHOICES))}; got {prefer!r}")
    if prefer == "cpu":
        return torch.device("cpu")
    if torch.cuda.is_available():
        return torch.device("cuda")
    if prefer == "cuda":
        raise RuntimeError(
            "prefer='cuda' was asked for, but torch.cuda.is_available() is False "
            "(on Colab: Runtime > Change runtime type > GPU)"
        )
    return torch.device("cpu")
