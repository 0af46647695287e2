"""Checking batch augmentations (CutMix, MixUp) from their pixels, and measuring calibration.

Chapter 3 (03_transforms) applies ``torchvision.transforms.v2.CutMix`` and ``MixUp`` and verifies
their soft labels against what the pixels show; these helpers do the recovering and the measuring.
They need only ``torch``: the transforms themselves come from torchvision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch.utils.data import default_collate

Box = tuple[int, int, int, int]


def _check_image_triplet(mixed: Any, a: Any, b: Any) -> None:
    for name, value in (("mixed", mixed), ("a", a), ("b", b)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor; got {type(value).__name__}")
    if not mixed.shape == a.shape == b.shape:
        raise ValueError(
            "mixed, a and b must have the same shape; "
            f"got {tuple(mixed.shape)}, {tuple(a.shape)}, {tuple(b.shape)}"
        )
    if mixed.ndim not in (2, 3):
        raise ValueError(
            f"images must be H x W or C x H x W (one image, not a batch); got shape {tuple(mixed.shape)}"
        )


def cutmix_box_from_pixels(mixed: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> Box:
    """Recover the rectangle CutMix pasted from ``b`` into ``a``: ``(x1, y1, x2, y2)``, ends excluded.

    The box is the bounding box of the pixels where ``mixed`` differs from ``a``; inside it
    ``mixed`` must equal ``b`` and outside it ``a``, else ``ValueError``. Nothing pasted gives
    ``(0, 0, 0, 0)``. Where ``a`` and ``b`` agree along the box's border (the blank margin of two
    digits) the pixels cannot show it, and the box found is the smallest one consistent with them.
    Introduced in chapter 3 (03_transforms).
    """
    _check_image_triplet(mixed, a, b)
    if mixed.ndim == 2:
        mixed, a, b = mixed[None], a[None], b[None]
    changed = (mixed != a).any(dim=0)
    if not changed.any():
        return (0, 0, 0, 0)
    rows = changed.any(dim=1).nonzero().flatten()
    cols = changed.any(dim=0).nonzero().flatten()
    y1, y2 = int(rows[0]), int(rows[-1]) + 1
    x1, x2 = int(cols[0]), int(cols[-1]) + 1
    inside = torch.zeros_like(changed)
    inside[y1:y2, x1:x2] = True
    expected = torch.where(inside, b, a)
    if not torch.equal(mixed, expected):
        raise ValueError(
            "mixed is not a with one rectangle of b pasted in: some pixels inside the box "
            f"(x1, y1, x2, y2) = {(x1, y1, x2, y2)} differ from b, or some outside differ from a"
        )
    return (x1, y1, x2, y2)


def mixup_lambda_from_pixels(mixed: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> float:
    """Return the least-squares λ with ``mixed ≈ λ·a + (1 − λ)·b``: ⟨mixed − b, a − b⟩ / ‖a − b‖².

    Computed in float64. ``a`` and ``b`` must differ somewhere, or λ is not determined.
    Introduced in chapter 3 (03_transforms).
    """
    _check_image_triplet(mixed, a, b)
    mixed, a, b = (t.detach().to(torch.float64) for t in (mixed, a, b))
    direction = a - b
    norm2 = float((direction * direction).sum())
    if norm2 == 0:
        raise ValueError("a and b are identical, so any λ mixes them into the same image")
    return float(((mixed - b) * direction).sum()) / norm2


def expected_calibration_error(
    probs: torch.Tensor, labels: torch.Tensor, n_bins: int = 10
) -> float:
    """Expected calibration error: Σ over confidence bins of (bin share) × |accuracy − mean confidence|.

    ``probs`` is (N, K) with rows of class probabilities; the confidence of a prediction is its
    largest probability, binned into ``n_bins`` equal-width bins (lo, hi]. Introduced in chapter 3
    (03_transforms).
    """
    if not isinstance(probs, torch.Tensor) or not isinstance(labels, torch.Tensor):
        raise TypeError(
            "probs and labels must be torch.Tensors; "
            f"got {type(probs).__name__} and {type(labels).__name__}"
        )
    if probs.ndim != 2 or not probs.is_floating_point():
        raise ValueError(
            f"probs must be a floating (N, K) tensor of class probabilities; got {probs.dtype} "
            f"of shape {tuple(probs.shape)}"
        )
    if labels.ndim != 1 or labels.is_floating_point() or len(labels) != len(probs):
        raise ValueError(
            f"labels must be an integer (N,) tensor with N = {len(probs)} class indices; "
            f"got {labels.dtype} of shape {tuple(labels.shape)}"
        )
    if len(probs) == 0:
        raise ValueError("probs is empty; pass at least one prediction")
    probs = probs.detach().to(torch.float64)
    if probs.min() < 0 or not torch.allclose(
        probs.sum(dim=1), torch.ones(len(probs), dtype=torch.float64, device=probs.device),
        atol=1e-4,
    ):
        raise ValueError("every row of probs must be non-negative and sum to 1 (apply softmax first)")
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive int; got {n_bins!r}")
    confidence, prediction = probs.max(dim=1)
    correct = (prediction == labels.to(probs.device)).to(torch.float64)
    # bin b holds confidences in (b / n_bins, (b + 1) / n_bins]; a confidence is always > 0
    bins = (torch.ceil(confidence * n_bins).long() - 1).clamp(0, n_bins - 1)
    count = torch.zeros(n_bins, dtype=torch.float64, device=probs.device)
    count.index_add_(0, bins, torch.ones_like(confidence))
    gap = torch.zeros_like(count).index_add_(0, bins, correct - confidence)
    return float(gap.abs().sum() / len(probs))


class MixingCollate:
    """A picklable ``collate_fn``: ``default_collate`` the samples, then ``batch_transform(images, labels)``.

    Made by :func:`mixing_collate`. Because it is a module-level class, worker processes started
    with spawn or forkserver can unpickle it, which they cannot do with a function defined in a
    notebook. Introduced in chapter 3 (03_transforms).
    """

    def __init__(self, batch_transform: Callable[..., Any]) -> None:
        if not callable(batch_transform):
            raise TypeError(
                "batch_transform must be callable as batch_transform(images, labels), e.g. "
                f"v2.CutMix(num_classes=10); got {type(batch_transform).__name__}"
            )
        self.batch_transform = batch_transform

    def __call__(self, batch: list[Any]) -> Any:
        return self.batch_transform(*default_collate(batch))

    def __repr__(self) -> str:
        return f"MixingCollate({self.batch_transform!r})"


def mixing_collate(batch_transform: Callable[..., Any]) -> MixingCollate:
    """Return a DataLoader ``collate_fn`` that stacks samples with ``default_collate``, then mixes them.

    ``batch_transform`` is called as ``batch_transform(images, labels)``, as torchvision's
    ``v2.CutMix``, ``v2.MixUp`` or a ``v2.RandomChoice`` of both expect; the result pickles.
    Introduced in chapter 3 (03_transforms).
    """
    return MixingCollate(batch_transform)


def soft_label_text(
    weights: torch.Tensor | Sequence[float], names: Sequence[str], *, digits: int = 2
) -> str:
    """Describe a soft label by its non-zero classes, largest first: ``"0.62 pagoda + 0.38 dahlia"``.

    Introduced in chapter 3 (03_transforms).
    """
    values = torch.as_tensor(weights, dtype=torch.float64).detach().cpu()
    if values.ndim != 1:
        raise ValueError(f"weights must be one soft label (1-D); got shape {tuple(values.shape)}")
    if len(names) != len(values):
        raise ValueError(f"names has {len(names)} entries for {len(values)} class weights")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative int; got {digits!r}")
    order = torch.argsort(values, descending=True, stable=True).tolist()
    parts = [f"{values[k]:.{digits}f} {names[k]}" for k in order if round(float(values[k]), digits)]
    return " + ".join(parts) if parts else "0"
