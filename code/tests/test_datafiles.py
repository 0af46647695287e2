import csv
import pickle

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import torchcourse as tc


@pytest.fixture(scope="module")
def digit_csv(tmp_path_factory):
    return tc.write_digit_images(tmp_path_factory.mktemp("digits"), n=40)


def test_writes_one_png_per_digit_in_class_folders_and_a_csv(digit_csv):
    root = digit_csv.parent
    with open(digit_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40 and list(rows[0]) == ["path", "label"]
    for row in rows:
        assert row["path"].split("/")[0] == row["label"]
        assert (root / row["path"]).is_file()
    assert len(list(root.rglob("*.png"))) == 40


def test_the_files_round_trip_to_the_original_digits(digit_csv):
    from sklearn.datasets import load_digits

    bunch = load_digits()
    ds = tc.ImageCSVDataset(digit_csv)
    assert len(ds) == 40
    images = torch.stack([ds[i][0] for i in range(len(ds))])
    assert images.shape == (40, 1, 8, 8) and images.dtype == torch.float32
    levels = (images.squeeze(1).double() * 16).round().numpy()
    assert np.array_equal(levels, bunch.images[:40])
    assert ds.targets == bunch.target[:40].tolist()
    assert [ds[i][1] for i in range(3)] == bunch.target[:3].tolist()


def test_matches_the_in_memory_digits_to_half_a_grey_level(digit_csv):
    x, y = tc.load_digits_tensors("image")
    ds = tc.ImageCSVDataset(digit_csv)
    for i in (0, 7, 39):
        image, label = ds[i]
        assert label == y[i].item()
        assert (image - x[i]).abs().max().item() <= 0.5 / 255 + 1e-6


def test_transform_receives_a_pil_image_and_rgb_mode_gives_three_channels(digit_csv):
    seen = []
    ds = tc.ImageCSVDataset(digit_csv, transform=lambda im: seen.append(im.mode) or im.size)
    assert ds[0] == ((8, 8), ds.targets[0]) and seen == ["L"]
    rgb = tc.ImageCSVDataset(digit_csv, mode="RGB")
    image, _ = rgb[0]
    assert image.shape == (3, 8, 8) and torch.equal(image[0], image[2])


def test_negative_and_out_of_range_indices(digit_csv):
    ds = tc.ImageCSVDataset(digit_csv)
    assert torch.equal(ds[-1][0], ds[len(ds) - 1][0])
    with pytest.raises(IndexError, match="out of range"):
        ds[len(ds)]
    with pytest.raises(TypeError, match="index must be an int"):
        ds[1.0]


def test_the_dataset_pickles_by_module_reference(digit_csv):
    ds = tc.ImageCSVDataset(digit_csv)
    assert type(ds).__module__ == "torchcourse.datafiles"
    again = pickle.loads(pickle.dumps(ds))
    assert torch.equal(again[3][0], ds[3][0])


def test_works_with_a_dataloader(digit_csv):
    loader = DataLoader(tc.ImageCSVDataset(digit_csv), batch_size=16)
    sizes = [len(labels) for _, labels in loader]
    assert sizes == [16, 16, 8]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda p: tc.write_digit_images(3), TypeError, "root must be a str or os.PathLike"),
        (lambda p: tc.write_digit_images(p, n=0), ValueError, "n must be a positive int"),
        (lambda p: tc.write_digit_images(p, n=True), ValueError, "n must be a positive int"),
        (lambda p: tc.write_digit_images(p, n=5000), ValueError, "n must be at most 1797"),
        (lambda p: tc.ImageCSVDataset(None), TypeError, "csv_file must be a str"),
        (lambda p: tc.ImageCSVDataset(p / "labels.csv", transform=3), TypeError, "transform"),
        (lambda p: tc.ImageCSVDataset(p / "labels.csv", mode="CMYK"), ValueError, "'L', 'RGB'"),
        (lambda p: tc.ImageCSVDataset(p / "bad.csv"), ValueError, "columns path, label"),
    ],
)
def test_bad_arguments_raise_clear_errors(tmp_path, call, error, message):
    (tmp_path / "labels.csv").write_text("path,label\n")
    (tmp_path / "bad.csv").write_text("file,target\na.png,1\n")
    with pytest.raises(error, match=message):
        call(tmp_path)


def test_pad_collate_pads_and_reports_lengths_and_mask():
    batch = [(torch.tensor([1.0, 2.0, 3.0]), 0), (torch.tensor([4.0]), 1), (torch.ones(2), 2)]
    out = tc.pad_collate(batch, padding_value=-1.0)
    assert isinstance(out, tc.PaddedBatch)
    assert out.padded.tolist() == [[1, 2, 3], [4, -1, -1], [1, 1, -1]]
    assert out.lengths.tolist() == [3, 1, 2] and out.lengths.dtype == torch.int64
    assert out.mask.tolist() == [[True] * 3, [True, False, False], [True, True, False]]
    assert out.labels.tolist() == [0, 1, 2]
    _, lengths, mask, _ = out  # unpacks like a tuple
    assert torch.equal(mask.sum(1), lengths)


def test_pad_collate_keeps_feature_dimensions_and_tensor_labels():
    batch = [(torch.randn(4, 3), torch.tensor(1)), (torch.randn(2, 3), torch.tensor(0))]
    out = tc.pad_collate(batch)
    assert out.padded.shape == (2, 4, 3) and out.mask.shape == (2, 4)
    assert torch.equal(out.padded[1, 2:], torch.zeros(2, 3))
    assert torch.equal(out.padded[0], batch[0][0]) and out.labels.tolist() == [1, 0]


def test_pad_collate_in_a_dataloader():
    data = [(torch.arange(float(n)), n % 2) for n in (1, 5, 2, 3)]
    loader = DataLoader(data, batch_size=2, collate_fn=tc.pad_collate)
    first, second = list(loader)
    assert first.padded.shape == (2, 5) and second.lengths.tolist() == [2, 3]


@pytest.mark.parametrize(
    "batch, error, message",
    [
        ([], ValueError, "non-empty"),
        ([torch.ones(2)], ValueError, r"\(sequence, label\) pair"),
        ([(torch.tensor(1.0), 0)], TypeError, "at least one dimension"),
        ([([1.0, 2.0], 0)], TypeError, "torch.Tensor"),
        ([(torch.ones(2, 3), 0), (torch.ones(2, 4), 1)], ValueError, "feature shape"),
    ],
)
def test_pad_collate_rejects_bad_batches(batch, error, message):
    with pytest.raises(error, match=message):
        tc.pad_collate(batch)
