"""The adaptive softmax computed by hand from the layers of ``nn.AdaptiveLogSoftmaxWithLoss``.

The module keeps the ``cutoffs[0]`` most frequent classes (the *shortlist*) in a small head, next
to one token per cluster of rarer classes; each cluster has its own two-layer tail with a reduced
width. The log-probability of a class is read from the head for the shortlist, and is the head's
log-probability of the cluster token plus the cluster's own log-softmax otherwise.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["adaptive_log_prob", "adaptive_output"]


def _check_module_and_input(module: nn.Module, x: torch.Tensor) -> None:
    if not isinstance(module, nn.AdaptiveLogSoftmaxWithLoss):
        raise TypeError(
            f"module must be an nn.AdaptiveLogSoftmaxWithLoss, got {type(module).__name__}"
        )
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a tensor, got {type(x).__name__}")
    if x.dim() != 2 or x.size(1) != module.in_features:
        raise ValueError(
            f"x must have shape (N, in_features) = (N, {module.in_features}), "
            f"got {tuple(x.shape)}"
        )
    if not x.is_floating_point():
        raise TypeError(f"x must be a floating-point tensor, got {x.dtype}")


def adaptive_log_prob(module: nn.AdaptiveLogSoftmaxWithLoss, x: torch.Tensor) -> torch.Tensor:
    """Full ``(N, n_classes)`` log-probabilities, built from ``module.head`` and ``module.tail``.

    Columns ``0 .. cutoffs[0] - 1`` are the head's log-softmax; the columns of cluster ``i``
    (classes ``cutoffs[i] .. cutoffs[i + 1] - 1``) are the head's log-probability of cluster token
    ``cutoffs[0] + i`` plus the log-softmax of ``tail[i](x)``. Equals ``module.log_prob(x)``.
    Introduced in chapter 5.10 (10_adaptive_softmax).
    """
    _check_module_and_input(module, x)
    shortlist = module.shortlist_size
    head = F.log_softmax(module.head(x), dim=1)
    columns = [head[:, :shortlist]]
    for i, tail in enumerate(module.tail):
        cluster = F.log_softmax(tail(x), dim=1)
        columns.append(head[:, shortlist + i : shortlist + i + 1] + cluster)
    return torch.cat(columns, dim=1)


def adaptive_output(
    module: nn.AdaptiveLogSoftmaxWithLoss, x: torch.Tensor, target: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(output, loss)`` of ``module(x, target)``, computed by hand.

    ``output[n]`` is the log-probability of ``target[n]``: the head's log-softmax at the target
    for shortlist targets; otherwise the head's log-softmax at the target's cluster token plus the
    cluster's log-softmax at the target's position inside the cluster. Only the rows whose target
    lies in a cluster go through that cluster's tail, which is where the saving comes from.
    ``loss = -output.mean()``. Introduced in chapter 5.10 (10_adaptive_softmax).
    """
    _check_module_and_input(module, x)
    if not isinstance(target, torch.Tensor):
        raise TypeError(f"target must be a tensor, got {type(target).__name__}")
    if target.dtype not in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8):
        raise TypeError(f"target must hold integer class indices, got {target.dtype}")
    if target.dim() != 1 or target.size(0) != x.size(0):
        raise ValueError(
            f"target must have shape (N,) = ({x.size(0)},) to match x, got {tuple(target.shape)}"
        )
    target = target.to(torch.int64)
    if target.numel() and (target.min() < 0 or target.max() >= module.n_classes):
        raise ValueError(
            f"target values must lie in [0, {module.n_classes - 1}], found values in "
            f"[{int(target.min())}, {int(target.max())}]"
        )
    shortlist = module.shortlist_size
    head = F.log_softmax(module.head(x), dim=1)
    # which column of the head each row reads: the class itself, or its cluster's token
    bounds = torch.tensor(module.cutoffs, device=target.device)
    cluster_of = torch.bucketize(target, bounds, right=True)  # 0 = shortlist, i + 1 = cluster i
    head_column = torch.where(cluster_of == 0, target, shortlist + cluster_of - 1)
    output = head.gather(1, head_column[:, None]).squeeze(1)
    low = [0, *module.cutoffs]
    for i, tail in enumerate(module.tail):
        rows = (cluster_of == i + 1).nonzero().squeeze(1)
        if rows.numel() == 0:
            continue  # no target in this cluster: its tail is never evaluated
        cluster = F.log_softmax(tail(x[rows]), dim=1)
        inside = (target[rows] - low[i + 1])[:, None]
        output = output.index_add(0, rows, cluster.gather(1, inside).squeeze(1))
    return output, -output.mean()
