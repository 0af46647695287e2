"""The book's real data set, ready for training: scikit-learn's bundled handwritten digits.

``load_digits`` ships inside scikit-learn (1,797 real 8 x 8 grey-scale images of the digits 0-9,
no download), so every chapter and every Colab session gets the same data offline. Chapter 2
(02_datasets_dataloaders) builds datasets and loaders by hand first; later chapters call these.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

DIGITS_CLASSES = 10
DIGITS_PIXEL_MAX = 16.0  # load_digits stores intensities as integers 0..16
_LAYOUTS = ("flat", "image")


@dataclass(frozen=True)
class DigitsSplit:
    """The digits divided into train/validation/test ``TensorDataset``s (features, labels)."""

    train: TensorDataset
    val: TensorDataset
    test: TensorDataset


@dataclass(frozen=True)
class DigitsLoaders:
    """Train/validation/test ``DataLoader``s over a :class:`DigitsSplit`."""

    train: DataLoader
    val: DataLoader
    test: DataLoader


def _check_layout(layout: str) -> None:
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(map(repr, _LAYOUTS))}; got {layout!r}")


def load_digits_tensors(layout: str = "flat") -> tuple[torch.Tensor, torch.Tensor]:
    """Return the 1,797 digits as float32 pixels in [0, 1] and int64 labels.

    ``layout="flat"`` gives features of shape (N, 64) for an MLP; ``"image"`` gives (N, 1, 8, 8)
    for a CNN. Introduced in chapter 2 (02_datasets_dataloaders).
    """
    _check_layout(layout)
    from sklearn.datasets import load_digits  # imported here: only this function needs sklearn

    bunch = load_digits()
    x = torch.from_numpy(bunch.data.astype(np.float32) / DIGITS_PIXEL_MAX)
    y = torch.from_numpy(bunch.target.astype(np.int64))
    if layout == "image":
        x = x.reshape(-1, 1, 8, 8)
    return x, y


def digits_split(
    *, val_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0, layout: str = "flat"
) -> DigitsSplit:
    """Shuffle the digits with ``seed`` and cut them into train/validation/test datasets.

    The same seed always gives the same three sets. Introduced in chapter 2.
    """
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise ValueError(f"{name} must be a number in [0, 1); got {value!r}")
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            "val_fraction + test_fraction must be below 1 so that a training set remains; "
            f"got {val_fraction} + {test_fraction}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int; got {seed!r}")
    x, y = load_digits_tensors(layout)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    n_val = round(val_fraction * len(y))
    n_test = round(test_fraction * len(y))
    val_idx, test_idx, train_idx = (
        order[:n_val],
        order[n_val : n_val + n_test],
        order[n_val + n_test :],
    )
    return DigitsSplit(
        train=TensorDataset(x[train_idx], y[train_idx]),
        val=TensorDataset(x[val_idx], y[val_idx]),
        test=TensorDataset(x[test_idx], y[test_idx]),
    )


def seed_worker(worker_id: int) -> None:
    """Seed NumPy's global generator and ``random`` in a DataLoader worker from its torch seed.

    This is the recipe of PyTorch's reproducibility notes (``worker_init_fn=tc.seed_worker``).
    PyTorch 1.9 and later already seed both per worker, so it mainly documents intent; it does
    not reach a generator the dataset owns, which chapter 2 shows how to reseed.
    Introduced in chapter 2.
    """
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


def digits_loaders(
    batch_size: int = 64,
    *,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    seed: int = 0,
    layout: str = "flat",
) -> DigitsLoaders:
    """Return seeded train (shuffled) / validation / test loaders over :func:`digits_split`.

    The training loader's shuffling order is drawn from its own generator seeded with ``seed``,
    so two calls with the same arguments yield the same batches. Introduced in chapter 2.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int; got {batch_size!r}")
    split = digits_split(
        val_fraction=val_fraction, test_fraction=test_fraction, seed=seed, layout=layout
    )
    generator = torch.Generator().manual_seed(seed)
    return DigitsLoaders(
        train=DataLoader(split.train, batch_size=batch_size, shuffle=True, generator=generator),
        val=DataLoader(split.val, batch_size=512),
        test=DataLoader(split.test, batch_size=512),
    )
