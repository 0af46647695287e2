"""The hand-written multi-head attention equals nn.MultiheadAttention (outputs, weights, masks)."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import torchcourse as tc
from torchcourse.attention import multihead_attention

TOL = {"rtol": 1e-12, "atol": 1e-12}


def make_mha(embed_dim, num_heads, batch_first, seed=0, bias=True, kdim=None, vdim=None):
    torch.manual_seed(seed)
    mha = nn.MultiheadAttention(
        embed_dim, num_heads, bias=bias, batch_first=batch_first, kdim=kdim, vdim=vdim
    ).double()
    with torch.no_grad():  # a nonzero output bias, so fully masked rows are visible
        if mha.out_proj.bias is not None:
            mha.out_proj.bias.normal_()
        if mha.in_proj_bias is not None:
            mha.in_proj_bias.normal_()
    return mha.eval()


def bool_mask_without_full_rows(draw, shape, gen):
    """A random bool mask (True = masked) whose last dimension is never all True."""
    mask = torch.rand(shape, generator=gen, dtype=torch.float64) < draw(st.floats(0.0, 0.8))
    keep = torch.randint(0, shape[-1], shape[:-1], generator=gen)
    mask.scatter_(-1, keep.unsqueeze(-1), False)
    return mask


@st.composite
def attention_cases(draw):
    num_heads = draw(st.integers(1, 4))
    embed_dim = num_heads * draw(st.integers(1, 4))
    n, l_len, s_len = draw(st.integers(1, 3)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    batch_first = draw(st.booleans())
    unbatched = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    gen = torch.Generator().manual_seed(seed)
    mha = make_mha(embed_dim, num_heads, batch_first, seed=seed)

    def layout(length):
        if unbatched:
            return (length, embed_dim)
        return (n, length, embed_dim) if batch_first else (length, n, embed_dim)

    query = torch.randn(layout(l_len), generator=gen, dtype=torch.float64)
    key = torch.randn(layout(s_len), generator=gen, dtype=torch.float64)
    value = torch.randn(layout(s_len), generator=gen, dtype=torch.float64)
    kwargs = {
        "need_weights": draw(st.booleans()),
        "average_attn_weights": draw(st.booleans()),
    }
    # The two masks together must leave at least one key for every query: draw one combined
    # mask without full rows, then split it between key_padding_mask and attn_mask.
    batch = 1 if unbatched else n
    mask_kind = draw(st.sampled_from(["none", "kpm", "attn2d", "attn3d", "both"]))
    if mask_kind == "kpm":
        kpm = bool_mask_without_full_rows(draw, (batch, s_len), gen)
        kwargs["key_padding_mask"] = kpm[0] if unbatched else kpm
    elif mask_kind == "attn2d":
        kwargs["attn_mask"] = bool_mask_without_full_rows(draw, (l_len, s_len), gen)
    elif mask_kind == "attn3d":
        lead = num_heads if unbatched else n * num_heads
        kwargs["attn_mask"] = bool_mask_without_full_rows(draw, (lead, l_len, s_len), gen)
    elif mask_kind == "both":
        # Key 0 is never padded and never forbidden by attn_mask, so no row is fully masked.
        kpm = bool_mask_without_full_rows(draw, (batch, s_len), gen)
        kpm[:, 0] = False
        am = bool_mask_without_full_rows(draw, (l_len, s_len), gen)
        am[:, 0] = False
        kwargs["key_padding_mask"] = kpm[0] if unbatched else kpm
        kwargs["attn_mask"] = am
    return mha, query, key, value, kwargs


@settings(max_examples=150, deadline=None)
@given(attention_cases())
def test_manual_equals_module(case):
    mha, query, key, value, kwargs = case
    expected_out, expected_w = mha(query, key, value, **kwargs)
    out, w = multihead_attention(query, key, value, mha, **kwargs)
    assert out.shape == expected_out.shape
    torch.testing.assert_close(out, expected_out, **TOL)
    if kwargs["need_weights"]:
        assert w.shape == expected_w.shape
        torch.testing.assert_close(w, expected_w, **TOL)
        assert torch.isfinite(w).all()
    else:
        assert w is None and expected_w is None


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**16), st.booleans())
def test_float_masks_are_added(seed, average):
    gen = torch.Generator().manual_seed(seed)
    mha = make_mha(6, 3, batch_first=True, seed=seed)
    q = torch.randn(2, 4, 6, generator=gen, dtype=torch.float64)
    kv = torch.randn(2, 5, 6, generator=gen, dtype=torch.float64)
    kpm = torch.randn(2, 5, generator=gen, dtype=torch.float64)
    am = torch.randn(4, 5, generator=gen, dtype=torch.float64)
    kwargs = {"key_padding_mask": kpm, "attn_mask": am, "average_attn_weights": average}
    expected_out, expected_w = mha(q, kv, kv, **kwargs)
    out, w = multihead_attention(q, kv, kv, mha, **kwargs)
    torch.testing.assert_close(out, expected_out, **TOL)
    torch.testing.assert_close(w, expected_w, **TOL)


def test_bool_mask_equals_minus_infinity_float_mask():
    mha = make_mha(4, 2, batch_first=True)
    x = torch.randn(1, 3, 4, dtype=torch.float64)
    causal = torch.ones(3, 3, dtype=torch.bool).triu(1)
    as_float = torch.zeros(3, 3, dtype=torch.float64).masked_fill(causal, -math.inf)
    out_b, w_b = multihead_attention(x, x, x, mha, attn_mask=causal)
    out_f, _ = multihead_attention(x, x, x, mha, attn_mask=as_float)
    torch.testing.assert_close(out_b, out_f, rtol=0, atol=0)
    assert (w_b[0].triu(1) == 0).all()


def test_separate_kdim_vdim_and_no_bias():
    mha = make_mha(4, 2, batch_first=False, kdim=3, vdim=5, bias=False)
    q = torch.randn(2, 1, 4, dtype=torch.float64)
    k = torch.randn(3, 1, 3, dtype=torch.float64)
    v = torch.randn(3, 1, 5, dtype=torch.float64)
    expected = mha(q, k, v, average_attn_weights=False)
    got = multihead_attention(q, k, v, mha, average_attn_weights=False)
    for a, b in zip(got, expected):
        torch.testing.assert_close(a, b, **TOL)


def test_gradients_match_module():
    mha = make_mha(4, 2, batch_first=True)
    q = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    kv = torch.randn(2, 2, 4, dtype=torch.float64, requires_grad=True)
    grads = []
    for fn in (lambda: mha(q, kv, kv)[0], lambda: multihead_attention(q, kv, kv, mha)[0]):
        out = fn()
        grads.append(torch.autograd.grad(out.square().sum(), (q, kv, mha.in_proj_weight)))
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, **TOL)


def test_gradcheck():
    mha = make_mha(4, 2, batch_first=True)
    q = torch.randn(1, 2, 4, dtype=torch.float64, requires_grad=True)
    k = torch.randn(1, 3, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: multihead_attention(a, b, b, mha)[0], (q, k))


# ----------------------------------------------------------------------- fully masked rows


@pytest.mark.parametrize("batch_first", [True, False])
def test_fully_masked_row_is_nan_with_weights_and_finite_without(batch_first):
    mha = make_mha(4, 2, batch_first=batch_first)
    x = torch.randn(1, 3, 4, dtype=torch.float64)
    if not batch_first:
        x = x.transpose(0, 1)
    am = torch.zeros(3, 3, dtype=torch.bool)
    am[1] = True  # query 1 may attend to nothing
    row = (slice(None), 1) if batch_first else (1, slice(None))

    out_m, w_m = mha(x, x, x, attn_mask=am, need_weights=True)
    out, w = multihead_attention(x, x, x, mha, attn_mask=am, need_weights=True)
    assert torch.isnan(out_m[row]).all() and torch.isnan(w_m[:, 1]).all()
    assert torch.isnan(out[row]).all() and torch.isnan(w[:, 1]).all()
    keep = [0, 2]
    pick = (slice(None), keep) if batch_first else (keep, slice(None))
    torch.testing.assert_close(out[pick], out_m[pick], **TOL)

    out_m, w_m = mha(x, x, x, attn_mask=am, need_weights=False)
    out, w = multihead_attention(x, x, x, mha, attn_mask=am, need_weights=False)
    assert w is None and w_m is None
    torch.testing.assert_close(out, out_m, **TOL)
    # zero weights: the output of that query is the output projection's bias
    torch.testing.assert_close(out[row][0], mha.out_proj.bias, rtol=0, atol=0)


def test_fully_padded_sequence():
    mha = make_mha(4, 2, batch_first=True)
    x = torch.randn(2, 3, 4, dtype=torch.float64)
    kpm = torch.tensor([[False, False, True], [True, True, True]])
    out, w = multihead_attention(x, x, x, mha, key_padding_mask=kpm)
    assert torch.isnan(out[1]).all() and torch.isnan(w[1]).all()
    assert torch.isfinite(out[0]).all() and torch.isfinite(w[0]).all()
    out, _ = multihead_attention(x, x, x, mha, key_padding_mask=kpm, need_weights=False)
    torch.testing.assert_close(out, mha(x, x, x, key_padding_mask=kpm, need_weights=False)[0])


# ----------------------------------------------------------------------------- bad arguments


def test_bad_arguments_raise():
    mha = make_mha(4, 2, batch_first=True)
    x = torch.randn(2, 3, 4, dtype=torch.float64)
    with pytest.raises(TypeError, match="nn.MultiheadAttention"):
        multihead_attention(x, x, x, nn.Linear(4, 4))
    with pytest.raises(TypeError, match="query must be a torch.Tensor"):
        multihead_attention(x.tolist(), x, x, mha)
    with pytest.raises(ValueError, match="query must be"):
        multihead_attention(x[None], x, x, mha)
    with pytest.raises(ValueError, match="all be batched"):
        multihead_attention(x, x[0], x[0], mha)
    with pytest.raises(ValueError, match="embed_dim = 4"):
        multihead_attention(x[..., :3], x, x, mha)
    with pytest.raises(ValueError, match="same batch size and length"):
        multihead_attention(x, x, x[:, :2], mha)
    with pytest.raises(ValueError, match="same batch size N"):
        multihead_attention(x, x[:1], x[:1], mha)
    with pytest.raises(ValueError, match=r"key_padding_mask must have shape \(N, S\)"):
        multihead_attention(x, x, x, mha, key_padding_mask=torch.zeros(3, 2, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"attn_mask must have shape \(L, S\)"):
        multihead_attention(x, x, x, mha, attn_mask=torch.zeros(2, 3, 3, dtype=torch.bool))
    with pytest.raises(TypeError, match="bool or floating-point"):
        multihead_attention(x, x, x, mha, attn_mask=torch.zeros(3, 3, dtype=torch.long))
    with pytest.raises(TypeError, match="True or False"):
        multihead_attention(x, x, x, mha, need_weights=1)


def test_unsupported_configurations_raise():
    x = torch.randn(2, 3, 4)
    with pytest.raises(ValueError, match="add_bias_kv"):
        multihead_attention(x, x, x, nn.MultiheadAttention(4, 2, add_bias_kv=True))
    with pytest.raises(ValueError, match="add_zero_attn"):
        multihead_attention(x, x, x, nn.MultiheadAttention(4, 2, add_zero_attn=True))
    with pytest.raises(ValueError, match="eval"):
        multihead_attention(x, x, x, nn.MultiheadAttention(4, 2, dropout=0.1))
    # dropout in eval mode is the identity, so it is accepted
    mha = nn.MultiheadAttention(4, 2, dropout=0.1).eval()
    torch.testing.assert_close(multihead_attention(x, x, x, mha)[0], mha(x, x, x)[0])


def test_exported():
    assert tc.multihead_attention is multihead_attention
    assert "multihead_attention" in tc.__all__
