"""Data on disk and batches of unequal length: digit images as files, a CSV-backed dataset, padding.

Chapter 2 (02_datasets_dataloaders) writes each piece out in the notebook first; later chapters
call these. Because the dataset class lives in a module rather than a notebook, DataLoader workers
can import it under every start method ("fork", "spawn" and "forkserver").
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset

CSV_COLUMNS = ("path", "label")
_DIGITS_LEVELS = 16  # load_digits stores intensities as integers 0..16
_PIL_MODES = ("L", "RGB")


def _check_path(name: str, value: Any) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike path; got {type(value).__name__}")
    return Path(value)


def write_digit_images(root: str | os.PathLike, *, n: int | None = None) -> Path:
    """Write the first ``n`` digits (all 1,797 by default) as 8 x 8 grey PNG files and a CSV.

    Image ``i`` goes to ``root/<label>/<i:04d>.png`` (one sub-folder per class, the layout
    ``torchvision.datasets.ImageFolder`` reads) and ``root/labels.csv`` lists ``path,label`` with
    paths relative to ``root``. Intensities 0..16 become round(v * 255 / 16), which rounds back
    exactly. Returns the CSV's path. Introduced in chapter 2 (02_datasets_dataloaders).
    """
    root = _check_path("root", root)
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"n must be a positive int or None; got {n!r}")
    from PIL import Image  # Pillow comes with matplotlib and torchvision
    from sklearn.datasets import load_digits

    bunch = load_digits()
    if n is not None and n > len(bunch.target):
        raise ValueError(f"n must be at most {len(bunch.target)} (the number of digits); got {n}")
    count = len(bunch.target) if n is None else n
    pixels = np.rint(bunch.images[:count] * 255 / _DIGITS_LEVELS).astype(np.uint8)
    rows = []
    for i, (image, label) in enumerate(zip(pixels, bunch.target[:count])):
        relative = Path(str(label)) / f"{i:04d}.png"
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(root / relative)
        rows.append((relative.as_posix(), int(label)))
    csv_path = root / "labels.csv"
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(rows)
    return csv_path


class ImageCSVDataset(Dataset):
    """Map-style dataset of image files listed in a CSV with columns ``path,label``.

    Paths are relative to the CSV's folder. The CSV is read once; each image is opened only when
    it is indexed. Without ``transform`` an item is a float32 tensor (C, H, W) in [0, 1] and an
    int label; with one, ``transform`` receives the PIL image. Introduced in chapter 2
    (02_datasets_dataloaders).
    """

    def __init__(
        self,
        csv_file: str | os.PathLike,
        transform: Callable[[Any], Any] | None = None,
        *,
        mode: str = "L",
    ) -> None:
        csv_file = _check_path("csv_file", csv_file)
        if transform is not None and not callable(transform):
            raise TypeError(f"transform must be callable or None; got {type(transform).__name__}")
        if mode not in _PIL_MODES:
            raise ValueError(
                f"mode must be one of {', '.join(map(repr, _PIL_MODES))}; got {mode!r}"
            )
        with open(csv_file, newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames is None or not set(CSV_COLUMNS) <= set(reader.fieldnames):
                raise ValueError(
                    f"{csv_file} must have the columns {', '.join(CSV_COLUMNS)}; "
                    f"got {reader.fieldnames}"
                )
            rows = list(reader)
        self.root = csv_file.parent
        self.paths = [row["path"] for row in rows]
        self.targets = [int(row["label"]) for row in rows]
        self.transform = transform
        self.mode = mode

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> tuple[Any, int]:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"index must be an int; got {type(index).__name__}")
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range for {len(self)} images")
        from PIL import Image

        with Image.open(self.root / self.paths[index]) as file:
            image = file.convert(self.mode)
        if self.transform is not None:
            return self.transform(image), self.targets[index]
        array = np.asarray(image, dtype=np.float32) / 255
        tensor = torch.from_numpy(array[None] if array.ndim == 2 else array.transpose(2, 0, 1))
        return tensor, self.targets[index]


class PaddedBatch(NamedTuple):
    """A batch of sequences padded to the longest: values, true lengths, mask and labels."""

    padded: torch.Tensor  # (B, T, *features)
    lengths: torch.Tensor  # (B,) int64
    mask: torch.Tensor  # (B, T) bool, True where a real (not padded) step sits
    labels: torch.Tensor  # (B,)


def pad_collate(
    batch: Sequence[tuple[torch.Tensor, Any]], padding_value: float = 0.0
) -> PaddedBatch:
    """Collate (sequence, label) pairs of unequal lengths into one padded batch.

    Use as ``DataLoader(..., collate_fn=tc.pad_collate)``. Sequences are tensors of shape
    (length, *features) with equal feature shapes; they are padded at the end with
    ``padding_value`` to the longest. Introduced in chapter 2 (02_datasets_dataloaders).
    """
    if not isinstance(batch, Sequence) or len(batch) == 0:
        raise ValueError("batch must be a non-empty sequence of (sequence, label) pairs")
    if not all(isinstance(item, (tuple, list)) and len(item) == 2 for item in batch):
        raise ValueError("every item of batch must be a (sequence, label) pair")
    sequences = [item[0] for item in batch]
    if not all(isinstance(s, torch.Tensor) and s.ndim >= 1 for s in sequences):
        raise TypeError("every sequence must be a torch.Tensor with at least one dimension")
    if len({tuple(s.shape[1:]) for s in sequences}) > 1:
        raise ValueError(
            "sequences must share their feature shape (all dimensions after the first); got "
            f"{sorted({tuple(s.shape[1:]) for s in sequences})}"
        )
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.int64)
    padded = pad_sequence(sequences, batch_first=True, padding_value=padding_value)
    mask = torch.arange(padded.shape[1]) < lengths[:, None]
    labels = torch.stack([torch.as_tensor(item[1]) for item in batch])
    return PaddedBatch(padded=padded, lengths=lengths, mask=mask, labels=labels)
