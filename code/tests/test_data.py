import numpy as np
import pytest
import torch

import torchcourse as tc


@pytest.mark.parametrize("layout, shape", [("flat", (1797, 64)), ("image", (1797, 1, 8, 8))])
def test_digits_tensors_have_the_documented_shapes_dtypes_and_range(layout, shape):
    x, y = tc.load_digits_tensors(layout)
    assert x.shape == shape and x.dtype == torch.float32
    assert y.shape == (1797,) and y.dtype == torch.int64
    assert x.min().item() == 0.0 and x.max().item() == 1.0
    assert sorted(y.unique().tolist()) == list(range(tc.DIGITS_CLASSES))


def test_image_layout_is_the_flat_layout_reshaped():
    flat, y1 = tc.load_digits_tensors("flat")
    image, y2 = tc.load_digits_tensors("image")
    assert torch.equal(image.reshape(-1, 64), flat) and torch.equal(y1, y2)


def test_split_sizes_are_disjoint_and_cover_everything():
    split = tc.digits_split(val_fraction=0.2, test_fraction=0.1, seed=3)
    sizes = [len(split.train), len(split.val), len(split.test)]
    assert sizes == [1797 - 359 - 180, 359, 180]
    rows = torch.cat([s.tensors[0] for s in (split.train, split.val, split.test)])
    x, _ = tc.load_digits_tensors()
    # every original row appears exactly once (compare sorted row fingerprints)
    key = lambda t: np.sort(t.numpy() @ np.arange(1, 65, dtype=np.float64))  # noqa: E731
    assert np.array_equal(key(rows), key(x))


def test_split_is_deterministic_per_seed_and_changes_with_it():
    a, b = tc.digits_split(seed=1), tc.digits_split(seed=1)
    c = tc.digits_split(seed=2)
    assert torch.equal(a.val.tensors[1], b.val.tensors[1])
    assert not torch.equal(a.val.tensors[1], c.val.tensors[1])


def test_loaders_yield_the_same_batches_for_the_same_seed():
    first = next(iter(tc.digits_loaders(32, seed=5).train))
    again = next(iter(tc.digits_loaders(32, seed=5).train))
    other = next(iter(tc.digits_loaders(32, seed=6).train))
    assert first[0].shape == (32, 64) and first[1].dtype == torch.int64
    assert torch.equal(first[1], again[1]) and not torch.equal(first[1], other[1])


def test_seed_worker_seeds_numpy_and_random_from_torch():
    torch.manual_seed(1234)
    tc.seed_worker(0)
    a = np.random.rand()
    torch.manual_seed(1234)
    tc.seed_worker(0)
    assert np.random.rand() == a


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: tc.load_digits_tensors("grid"), "layout must be one of 'flat', 'image'"),
        (lambda: tc.digits_split(val_fraction=1.2), "val_fraction must be a number in"),
        (lambda: tc.digits_split(val_fraction=0.5, test_fraction=0.5), "must be below 1"),
        (lambda: tc.digits_split(seed=-1), "seed must be a non-negative int"),
        (lambda: tc.digits_loaders(0), "batch_size must be a positive int"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
