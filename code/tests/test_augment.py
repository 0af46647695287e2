import pickle

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils.data import DataLoader, TensorDataset
from torchvision.transforms import v2

import torchcourse as tc


def _pasted(a, b, box):
    x1, y1, x2, y2 = box
    mixed = a.clone()
    mixed[..., y1:y2, x1:x2] = b[..., y1:y2, x1:x2]
    return mixed


@given(
    x1=st.integers(0, 9),
    y1=st.integers(0, 6),
    width=st.integers(1, 10),
    height=st.integers(1, 8),
)
def test_cutmix_box_is_recovered_from_a_hand_made_paste(x1, y1, width, height):
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand(3, 8, 10, generator=g), torch.rand(3, 8, 10, generator=g)
    box = (x1, y1, min(x1 + width, 10), min(y1 + height, 8))
    assert tc.cutmix_box_from_pixels(_pasted(a, b, box), a, b) == box


def test_cutmix_box_of_grey_images_and_of_nothing_pasted():
    a, b = torch.zeros(6, 6), torch.ones(6, 6)
    assert tc.cutmix_box_from_pixels(_pasted(a, b, (1, 2, 4, 3)), a, b) == (1, 2, 4, 3)
    assert tc.cutmix_box_from_pixels(a.clone(), a, b) == (0, 0, 0, 0)


def test_cutmix_box_matches_torchvision_label_weight():
    torch.manual_seed(0)
    images = torch.rand(4, 3, 16, 20)
    labels = torch.arange(4)
    cutmix = v2.CutMix(num_classes=4)
    rolled = images.roll(1, 0)
    for _ in range(20):
        mixed, soft = cutmix(images, labels)
        for i in range(4):
            x1, y1, x2, y2 = tc.cutmix_box_from_pixels(mixed[i], images[i], rolled[i])
            area = (x2 - x1) * (y2 - y1) / (16 * 20)
            assert soft[i, i].item() == pytest.approx(1 - area, abs=1e-6)


def test_cutmix_box_rejects_something_that_is_not_one_rectangle():
    a, b = torch.zeros(1, 6, 6), torch.ones(1, 6, 6)
    two_patches = a.clone()
    two_patches[:, 0, 0] = 1
    two_patches[:, 5, 5] = 1
    with pytest.raises(ValueError, match="not a with one rectangle of b"):
        tc.cutmix_box_from_pixels(two_patches, a, b)


@given(lam=st.floats(0.0, 1.0))
def test_mixup_lambda_is_recovered(lam):
    g = torch.Generator().manual_seed(1)
    a, b = torch.rand(3, 5, 5, generator=g), torch.rand(3, 5, 5, generator=g)
    mixed = lam * a + (1 - lam) * b
    assert tc.mixup_lambda_from_pixels(mixed, a, b) == pytest.approx(lam, abs=1e-6)


def test_mixup_lambda_matches_torchvision_label_weight():
    torch.manual_seed(0)
    images, labels = torch.rand(3, 3, 8, 8), torch.arange(3)
    mixup = v2.MixUp(num_classes=3)
    for _ in range(10):
        mixed, soft = mixup(images, labels)
        lam = tc.mixup_lambda_from_pixels(mixed[0], images[0], images[2])
        assert lam == pytest.approx(soft[0, 0].item(), abs=1e-6)


def _ece_by_loop(probs, labels, n_bins):
    confidence, prediction = probs.max(dim=1)
    total = 0.0
    for k in range(n_bins):
        lo, hi = k / n_bins, (k + 1) / n_bins
        members = [i for i in range(len(probs)) if lo < confidence[i] <= hi]
        if members:
            accuracy = sum(float(prediction[i] == labels[i]) for i in members) / len(members)
            mean_conf = sum(float(confidence[i]) for i in members) / len(members)
            total += len(members) / len(probs) * abs(accuracy - mean_conf)
    return total


def test_ece_on_a_hand_computed_example():
    probs = torch.tensor([[0.9, 0.1], [0.9, 0.1], [0.4, 0.6], [0.6, 0.4]])
    labels = torch.tensor([0, 1, 1, 0])
    # bin (0.8, 0.9]: accuracy 1/2, confidence 0.9; bin (0.5, 0.6]: accuracy 1, confidence 0.6
    assert tc.expected_calibration_error(probs, labels, n_bins=10) == pytest.approx(
        0.5 * 0.4 + 0.5 * 0.4
    )
    # one bin: |accuracy - mean confidence| = |0.75 - 0.75|
    assert tc.expected_calibration_error(probs, labels, n_bins=1) == pytest.approx(0.0)


@pytest.mark.parametrize("n_bins", [1, 5, 15])
def test_ece_agrees_with_a_plain_loop(n_bins):
    g = torch.Generator().manual_seed(n_bins)
    probs = (3 * torch.randn(200, 5, generator=g)).softmax(dim=1)
    labels = torch.randint(0, 5, (200,), generator=g)
    labels[:150] = probs[:150].argmax(dim=1)  # mostly right: some bins under-, some overconfident
    assert tc.expected_calibration_error(probs, labels, n_bins) == pytest.approx(
        _ece_by_loop(probs.double(), labels, n_bins), abs=1e-12
    )


def test_ece_puts_confidence_one_in_the_last_bin():
    probs = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    assert tc.expected_calibration_error(probs, torch.tensor([0, 0]), n_bins=4) == 0.5


def test_mixing_collate_gives_soft_labels_from_a_loader():
    torch.manual_seed(0)
    data = TensorDataset(torch.rand(10, 1, 4, 4), torch.arange(10) % 3)
    loader = DataLoader(data, batch_size=5, collate_fn=tc.mixing_collate(v2.MixUp(num_classes=3)))
    images, soft = next(iter(loader))
    assert images.shape == (5, 1, 4, 4) and soft.shape == (5, 3)
    assert torch.allclose(soft.sum(dim=1), torch.ones(5))
    plain = DataLoader(data, batch_size=5, collate_fn=tc.mixing_collate(lambda x, y: (x, y)))
    x, y = next(iter(plain))
    assert torch.equal(x, data.tensors[0][:5]) and torch.equal(y, data.tensors[1][:5])


def test_mixing_collate_pickles_by_module_reference():
    collate = tc.mixing_collate(v2.MixUp(num_classes=3))
    blob = pickle.dumps(collate)
    assert b"torchcourse.augment" in blob and b"__main__" not in blob
    torch.manual_seed(0)
    batch = [(torch.rand(1, 4, 4), k % 3) for k in range(4)]
    torch.manual_seed(1)
    expected = collate(batch)
    torch.manual_seed(1)
    again = pickle.loads(blob)(batch)
    assert all(torch.equal(p, q) for p, q in zip(expected, again))


def test_soft_label_text_orders_and_drops_zeros():
    names = ["pagoda", "trees", "dahlia"]
    assert tc.soft_label_text([0.38, 0.0, 0.62], names) == "0.62 dahlia + 0.38 pagoda"
    assert tc.soft_label_text(torch.tensor([0.0, 1.0, 0.0]), names, digits=1) == "1.0 trees"


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: tc.cutmix_box_from_pixels([0], torch.zeros(1), torch.zeros(1)), TypeError, "mixed must be"),
        (
            lambda: tc.cutmix_box_from_pixels(torch.zeros(3, 4), torch.zeros(3, 4), torch.zeros(4, 3)),
            ValueError,
            "same shape",
        ),
        (
            lambda: tc.cutmix_box_from_pixels(*[torch.zeros(2, 1, 4, 4)] * 3),
            ValueError,
            "not a batch",
        ),
        (lambda: tc.mixup_lambda_from_pixels(*[torch.ones(2, 2)] * 3), ValueError, "identical"),
        (
            lambda: tc.expected_calibration_error(torch.ones(2, 2), torch.tensor([0, 1])),
            ValueError,
            "sum to 1",
        ),
        (
            lambda: tc.expected_calibration_error(torch.full((2, 2), 0.5), torch.tensor([0.0, 1.0])),
            ValueError,
            "integer",
        ),
        (
            lambda: tc.expected_calibration_error(torch.full((2, 2), 0.5), torch.tensor([0, 1]), 0),
            ValueError,
            "n_bins",
        ),
        (lambda: tc.expected_calibration_error([[1.0]], torch.tensor([0])), TypeError, "torch.Tensors"),
        (lambda: tc.mixing_collate(3), TypeError, "batch_transform must be callable"),
        (lambda: tc.soft_label_text([0.5, 0.5], ["a"]), ValueError, "names has 1"),
        (lambda: tc.soft_label_text([[0.5, 0.5]], ["a", "b"]), ValueError, "1-D"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
