"""Showing images (tensors or arrays) as a labelled grid, the way the data chapters need it."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure


def to_display_array(image: torch.Tensor | np.ndarray) -> np.ndarray:
    """Turn one image (CHW or HW tensor, or HWC/HW array) into an HW or HWC float array in [0, 1].

    Tensors are taken as PyTorch lays images out (channels first); uint8 values are divided by
    255; float values are clipped to [0, 1]. Introduced in chapter 2 (02_datasets_dataloaders).
    """
    if isinstance(image, torch.Tensor):
        array = image.detach().cpu()
        if array.ndim == 3:
            array = array.permute(1, 2, 0)
        array = array.numpy()
    elif isinstance(image, np.ndarray):
        array = image
    else:
        raise TypeError(
            f"image must be a torch.Tensor or numpy.ndarray; got {type(image).__name__}"
        )
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ValueError(
            "image must be H x W (grey), C x H x W (tensor, C in 1, 3, 4) or H x W x C (array); "
            f"got shape {tuple(image.shape)}"
        )
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255
    return np.clip(array.astype(np.float32), 0.0, 1.0)


def show_images(
    images: Sequence[torch.Tensor | np.ndarray] | torch.Tensor,
    titles: Sequence[str] | None = None,
    *,
    ncols: int = 8,
    size: float = 1.3,
    cmap: str = "gray_r",
) -> Figure:
    """Draw images in a grid with optional titles and return the figure (call ``plt.show()``).

    ``images`` is a batch tensor (N, C, H, W) / (N, H, W) or a sequence of single images; grey
    images use ``cmap`` (the default draws ink dark on white, as digits are written).
    Introduced in chapter 2 (02_datasets_dataloaders).
    """
    items = list(images)
    if not items:
        raise ValueError("images is empty; pass at least one image")
    if titles is not None and len(titles) != len(items):
        raise ValueError(f"titles has {len(titles)} entries for {len(items)} images")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int; got {ncols!r}")
    ncols = min(ncols, len(items))
    nrows = math.ceil(len(items) / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(size * ncols, size * nrows + (0.3 * nrows if titles else 0)),
        squeeze=False,
    )
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= len(items):
            continue
        array = to_display_array(items[i])
        ax.imshow(array, cmap=cmap if array.ndim == 2 else None, vmin=0, vmax=1)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    return fig
