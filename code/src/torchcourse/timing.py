"""Measuring how long a piece of code takes, the same way on every page."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch


@dataclass(frozen=True)
class Timing:
    """Seconds per call over ``repeat`` rounds of ``number`` calls each."""

    best: float
    median: float
    repeat: int
    number: int

    def __str__(self) -> str:
        return f"{_format_seconds(self.median)} per call (median of {self.repeat})"


def _format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def time_it(fn: Callable[[], Any], *, repeat: int = 5, number: int = 1, warmup: int = 1) -> Timing:
    """Time ``fn()`` (no arguments): ``warmup`` untimed calls, then ``repeat`` rounds of ``number``.

    CUDA work is synchronised before each clock read, so GPU timings are real. Of the returned
    ``Timing``, ``best`` (the fastest round) is the one least disturbed by other load on the
    machine, and ``median`` the typical time. Introduced in chapter 1 (01_tensors).
    """
    if not callable(fn):
        raise TypeError(f"fn must be a callable taking no arguments, got {type(fn).__name__}")
    for label, value, low in (("repeat", repeat, 1), ("number", number, 1), ("warmup", warmup, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{label} must be an int >= {low}, got {value!r}")
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    for _ in range(warmup):
        fn()
    sync()
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        sync()
        rounds.append((time.perf_counter() - start) / number)
    return Timing(best=min(rounds), median=statistics.median(rounds), repeat=repeat, number=number)
