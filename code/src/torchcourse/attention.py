"""Multi-head attention written out by hand with the parameters of an ``nn.MultiheadAttention``.

Introduced in chapter 5 (05_activations, section 5.9), where the same computation is first
written inline and then checked against the module.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["multihead_attention"]


def _check_tensor(name: str, t: object) -> torch.Tensor:
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    return t


def _as_additive(name: str, mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """A bool mask (True = not allowed) becomes 0 / -inf; a float mask is added as it is."""
    if mask.dtype == torch.bool:
        zeros = torch.zeros(mask.shape, dtype=dtype, device=mask.device)
        return zeros.masked_fill(mask, float("-inf"))
    if not torch.is_floating_point(mask):
        raise TypeError(f"{name} must be a bool or floating-point tensor, got {mask.dtype}")
    return mask.to(dtype)


def multihead_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mha: nn.MultiheadAttention,
    key_padding_mask: torch.Tensor | None = None,
    attn_mask: torch.Tensor | None = None,
    need_weights: bool = True,
    average_attn_weights: bool = True,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """What ``mha(query, key, value, ...)`` computes, as plain scaled dot-product attention.

    Uses the module's own parameters: ``in_proj_weight``/``in_proj_bias`` (or the separate
    ``q/k/v_proj_weight`` when ``kdim``/``vdim`` differ from ``embed_dim``) split into the query,
    key and value projections, ``num_heads`` heads of size ``d = embed_dim // num_heads``,
    ``softmax(Q Kᵀ / √d + mask) V`` per head, heads concatenated, then ``out_proj``.

    Shapes follow the module: ``query`` is (L, N, E), or (N, L, E) when ``mha.batch_first``, or
    (L, E) unbatched; ``key``/``value`` are (S, N, kdim/vdim) likewise. ``key_padding_mask`` is
    (N, S) — (S,) unbatched — and ``attn_mask`` is (L, S) or (N * num_heads, L, S) —
    (num_heads, L, S) unbatched. A bool mask marks with True the positions that may NOT be
    attended to; a float mask is added to the scores.

    Returns ``(output, weights)``: ``output`` in the query's layout; ``weights`` (N, L, S) averaged
    over heads, (N, num_heads, L, S) when ``average_attn_weights=False`` (without N when
    unbatched), or ``None`` when ``need_weights=False``.

    Fully masked rows (a query for which every key is masked) follow the module exactly:
    with ``need_weights=True`` the softmax of a row of ``-inf`` is NaN, so that query's weights
    and output are NaN; with ``need_weights=False`` PyTorch uses a "safe" softmax that gives zero
    weights, so that query's output is ``out_proj.bias`` (zero without bias) and is finite.

    Not supported (raises ``ValueError``): ``add_bias_kv``, ``add_zero_attn``, and dropout > 0
    in training mode (which is random).
    Introduced in chapter 5 (05_activations, 09_attention).
    """
    if not isinstance(mha, nn.MultiheadAttention):
        raise TypeError(f"mha must be an nn.MultiheadAttention, got {type(mha).__name__}")
    query = _check_tensor("query", query)
    key = _check_tensor("key", key)
    value = _check_tensor("value", value)
    if not isinstance(need_weights, bool) or not isinstance(average_attn_weights, bool):
        raise TypeError("need_weights and average_attn_weights must be True or False")
    if mha.bias_k is not None or mha.add_zero_attn:
        raise ValueError("add_bias_kv=True and add_zero_attn=True are not supported")
    if mha.training and mha.dropout > 0:
        raise ValueError(f"dropout={mha.dropout} is random in training mode; call mha.eval() first")

    E, h = mha.embed_dim, mha.num_heads
    d = mha.head_dim
    if query.dim() not in (2, 3):
        raise ValueError(
            f"query must be (L, N, E), (N, L, E) or unbatched (L, E); got shape {tuple(query.shape)}"
        )
    batched = query.dim() == 3
    if key.dim() != query.dim() or value.dim() != query.dim():
        raise ValueError(
            f"query, key and value must all be batched (3-D) or all unbatched (2-D); got shapes "
            f"query {tuple(query.shape)}, key {tuple(key.shape)}, value {tuple(value.shape)}"
        )
    if batched and mha.batch_first:  # (N, L, E) is the layout used below
        q_in, k_in, v_in = query, key, value
    elif batched:
        q_in, k_in, v_in = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
    else:
        q_in, k_in, v_in = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
    N, L, S = q_in.shape[0], q_in.shape[1], k_in.shape[1]
    for name, t, attr in (
        ("query", q_in, "embed_dim"),
        ("key", k_in, "kdim"),
        ("value", v_in, "vdim"),
    ):
        if t.shape[-1] != getattr(mha, attr):
            raise ValueError(
                f"{name}'s last dimension must be the module's {attr} = {getattr(mha, attr)}; "
                f"got shape {tuple(t.shape)}"
            )
    if k_in.shape[:2] != v_in.shape[:2]:
        raise ValueError(
            f"key and value must have the same batch size and length S; got shapes "
            f"key {tuple(key.shape)}, value {tuple(value.shape)}"
        )
    if k_in.shape[0] != N:
        raise ValueError(
            f"query and key must have the same batch size N; got shapes "
            f"query {tuple(query.shape)}, key {tuple(key.shape)}"
        )

    # 1. The three input projections: rows [0, E), [E, 2E), [2E, 3E) of in_proj_weight.
    if mha.in_proj_weight is not None:
        w_q, w_k, w_v = mha.in_proj_weight.chunk(3)
    else:
        w_q, w_k, w_v = mha.q_proj_weight, mha.k_proj_weight, mha.v_proj_weight
    b_q = b_k = b_v = None
    if mha.in_proj_bias is not None:
        b_q, b_k, b_v = mha.in_proj_bias.chunk(3)
    q = nn.functional.linear(q_in, w_q, b_q)  # (N, L, E)
    k = nn.functional.linear(k_in, w_k, b_k)  # (N, S, E)
    v = nn.functional.linear(v_in, w_v, b_v)  # (N, S, E)

    # 2. Split the embedding into h heads of size d: (N, h, L or S, d).
    q = q.reshape(N, L, h, d).transpose(1, 2)
    k = k.reshape(N, S, h, d).transpose(1, 2)
    v = v.reshape(N, S, h, d).transpose(1, 2)

    # 3. Scores and masks: (N, h, L, S).
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)
    if key_padding_mask is not None:
        kpm = _check_tensor("key_padding_mask", key_padding_mask)
        want = (N, S) if batched else (S,)
        if tuple(kpm.shape) != want:
            raise ValueError(
                f"key_padding_mask must have shape (N, S) = {want}"
                f"{'' if batched else ' for unbatched input (S,)'}; got {tuple(kpm.shape)}"
            )
        scores = scores + _as_additive("key_padding_mask", kpm, scores.dtype).reshape(N, 1, 1, S)
    if attn_mask is not None:
        am = _check_tensor("attn_mask", attn_mask)
        n_3d = N * h if batched else h
        if tuple(am.shape) == (L, S):
            am_b = _as_additive("attn_mask", am, scores.dtype).reshape(1, 1, L, S)
        elif tuple(am.shape) == (n_3d, L, S):
            am_b = _as_additive("attn_mask", am, scores.dtype).reshape(N, h, L, S)
        else:
            raise ValueError(
                f"attn_mask must have shape (L, S) = {(L, S)} or "
                f"({'N * num_heads' if batched else 'num_heads'}, L, S) = {(n_3d, L, S)}; "
                f"got {tuple(am.shape)}"
            )
        scores = scores + am_b

    # 4. Softmax over the keys. need_weights=False mirrors PyTorch's fused path, whose
    #    "safe" softmax gives 0 (not NaN) on a row where every key is masked.
    weights = torch.softmax(scores, dim=-1)
    if not need_weights:
        fully_masked = torch.isneginf(scores).all(dim=-1, keepdim=True)
        weights = weights.masked_fill(fully_masked, 0.0)

    # 5. Weighted values, heads concatenated back to (N, L, E), output projection.
    heads = (weights @ v).transpose(1, 2).reshape(N, L, E)
    out = mha.out_proj(heads)

    if batched and not mha.batch_first:
        out = out.transpose(0, 1)
    elif not batched:
        out = out.squeeze(0)
    if not need_weights:
        return out, None
    w_out = weights.mean(dim=1) if average_attn_weights else weights
    return out, (w_out if batched else w_out.squeeze(0))
