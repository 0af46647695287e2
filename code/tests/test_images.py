import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch

import torchcourse as tc


def test_chw_tensor_becomes_hwc_array():
    image = torch.zeros(3, 4, 5)
    image[0] = 1.0
    array = tc.to_display_array(image)
    assert array.shape == (4, 5, 3) and array[..., 0].min() == 1 and array[..., 1].max() == 0


def test_single_channel_and_uint8_and_clipping():
    assert tc.to_display_array(torch.full((1, 2, 2), 2.0)).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert tc.to_display_array(np.full((2, 2), 255, np.uint8)).max() == 1.0


def test_grid_has_one_axes_per_slot_and_titles():
    fig = tc.show_images(torch.rand(5, 1, 8, 8), [str(i) for i in range(5)], ncols=3)
    axes = fig.get_axes()
    assert len(axes) == 6
    assert [ax.get_title() for ax in axes[:5]] == ["0", "1", "2", "3", "4"]
    assert len(axes[5].images) == 0


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: tc.to_display_array([1, 2]), TypeError, "torch.Tensor or numpy.ndarray"),
        (lambda: tc.to_display_array(torch.zeros(2, 3, 4, 5)), ValueError, "got shape"),
        (lambda: tc.show_images([]), ValueError, "images is empty"),
        (lambda: tc.show_images(torch.rand(2, 4, 4), ["a"]), ValueError, "titles has 1"),
        (lambda: tc.show_images(torch.rand(2, 4, 4), ncols=0), ValueError, "ncols"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
