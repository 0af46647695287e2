"""Seeding every random number generator a chapter touches."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

_MAX_SEED = 2**32 - 1  # numpy's legacy global generator accepts seeds in [0, 2**32 - 1]


def set_seed(seed: int, *, deterministic: bool = False) -> None:
    """Seed Python's, NumPy's and PyTorch's (CPU and CUDA) generators with one integer.

    With ``deterministic=True`` PyTorch is also asked to use deterministic algorithms
    (slower on GPU, and some operations then raise instead of running non-deterministically).
    Introduced in chapter 1 (01_tensors).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int in [0, {_MAX_SEED}], got {type(seed).__name__}")
    if not 0 <= int(seed) <= _MAX_SEED:
        raise ValueError(f"seed must be an int in [0, {_MAX_SEED}], got {seed}")
    if not isinstance(deterministic, bool):
        raise TypeError(f"deterministic must be True or False, got {deterministic!r}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    if deterministic:
        # cuBLAS needs this workspace setting for deterministic matrix products on CUDA.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.benchmark = False
    else:
        torch.use_deterministic_algorithms(False)
