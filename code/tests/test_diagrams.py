"""Tests of the tensor pictures (chapter 1): what they draw, and how they refuse bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

import torchcourse as tc  # noqa: E402


@pytest.fixture
def ax():
    fig, axes = plt.subplots()
    yield axes
    plt.close(fig)


def texts(ax):
    return [t.get_text() for t in ax.texts]


def faded_cells(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_linestyle() == "--"]


# --------------------------------------------------------------------------- draw_tensor
def test_draw_tensor_draws_one_labelled_cell_per_value(ax):
    out = tc.draw_tensor(ax, torch.arange(6).reshape(2, 3), title="x")
    assert out is ax
    assert len(ax.patches) == 6
    assert texts(ax) == ["0", "1", "2", "3", "4", "5", "x"]
    assert not ax.axison and ax.get_aspect() == 1.0


def test_draw_tensor_from_a_shape_labels_cells_by_index(ax):
    tc.draw_tensor(ax, (2, 3))
    assert texts(ax) == ["0,0", "0,1", "0,2", "1,0", "1,1", "1,2"]
    ax.cla()
    tc.draw_tensor(ax, torch.Size([4]))
    assert texts(ax) == ["0", "1", "2", "3"]


def test_draw_tensor_formats_values_and_promotes_scalars_and_vectors(ax):
    tc.draw_tensor(ax, np.array([0.123456, 2.0]), fmt="{:.2f}")
    assert texts(ax) == ["0.12", "2.00"]
    ax.cla()
    tc.draw_tensor(ax, 7)
    assert len(ax.patches) == 1 and texts(ax) == ["7"]


def test_draw_tensor_fades_and_highlights_the_masked_cells(ax):
    last_row = [[False] * 3] * 2 + [[True] * 3]
    tc.draw_tensor(ax, (3, 3), faded=torch.eye(3).bool(), highlight=last_row)
    assert len(faded_cells(ax)) == 3
    orange = matplotlib.colors.to_rgb(tc.BOOK_COLORS["orange"])
    highlighted = [p for p in ax.patches if p.get_facecolor()[:3] == orange]
    assert len(highlighted) == 3


def test_grids_at_different_origins_share_one_axes(ax):
    tc.draw_tensor(ax, (2, 2))
    tc.draw_tensor(ax, (2, 2), origin=(5, 0))
    x_lo, x_hi = ax.get_xlim()
    assert len(ax.patches) == 8 and x_lo <= 0 and x_hi >= 7


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (torch.zeros(2, 2, 2), ValueError, r"0-, 1- or 2-D .* got 3-D with shape \(2, 2, 2\)"),
        ("abc", TypeError, "array-like numbers"),
        (np.array(["a", "b"]), TypeError, "must hold numbers or booleans"),
        ((0, 3), ValueError, "tuple of one or two positive ints"),
        ((2, 3, 4), ValueError, "tuple of one or two positive ints"),
        (torch.zeros(0, 3), ValueError, "empty"),
        ((30, 30), ValueError, "at most 400"),
    ],
)
def test_draw_tensor_rejects_bad_data(ax, bad, error, message):
    with pytest.raises(error, match=message):
        tc.draw_tensor(ax, bad)


def test_draw_tensor_rejects_bad_arguments(ax):
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        tc.draw_tensor(None, (2, 2))
    with pytest.raises(ValueError, match=r"faded must have the same shape .* grid, \(2, 2\)"):
        tc.draw_tensor(ax, (2, 2), faded=[True, False, True])
    with pytest.raises(ValueError, match="fmt must be a format string"):
        tc.draw_tensor(ax, (2, 2), fmt="{:q}")
    with pytest.raises(TypeError, match=r"origin must be a pair of numbers"):
        tc.draw_tensor(ax, (2, 2), origin=(1,))
    with pytest.raises(ValueError, match="color must be a matplotlib colour"):
        tc.draw_tensor(ax, (2, 2), color="not-a-colour")


# --------------------------------------------------------------------------- draw_broadcast
def test_draw_broadcast_stretches_both_operands_to_the_result_shape(ax):
    out = tc.draw_broadcast(ax, torch.tensor([[0], [10], [20]]), torch.tensor([1, 2, 3, 4]))
    assert out is ax
    assert len(ax.patches) == 3 * 12  # a, b and the result, each drawn at (3, 4)
    # Stretched copies are faded: 3 * 3 of a's cells and 2 * 4 of b's.
    assert len(faded_cells(ax)) == 9 + 8
    labels = texts(ax)
    assert len(labels) == 3 * 12 + 3 + 2  # cells, three titles, "+" and "="
    assert "a\n(3, 1) → (3, 4)" in labels and "b\n(4,) → (3, 4)" in labels
    # Order: a (12 cells, title, "+"), b (12 cells, title, "="), then the result.
    assert labels[28:40] == [str(v) for v in range(1, 5)] + [str(v) for v in range(11, 15)] + [
        str(v) for v in range(21, 25)
    ]


def test_draw_broadcast_with_equal_shapes_fades_nothing(ax):
    tc.draw_broadcast(ax, [[1, 2]], [[3, 4]], op="*", names=("u", "v"))
    assert not faded_cells(ax)
    assert "u * v\n(1, 2)" in texts(ax) and "8" in texts(ax)


def test_draw_broadcast_names_the_clashing_dimension(ax):
    message = r"dimension -1 has sizes 3 and 2; each pair must be equal or one of them 1"
    with pytest.raises(ValueError, match=message):
        tc.draw_broadcast(ax, torch.ones(2, 3), torch.ones(2))


def test_draw_broadcast_rejects_bad_arguments(ax):
    with pytest.raises(ValueError, match=r"op must be one of '\+', '-', '\*', '/'; got '%'"):
        tc.draw_broadcast(ax, [1], [2], op="%")
    with pytest.raises(ValueError, match="a must be 0-, 1- or 2-D"):
        tc.draw_broadcast(ax, torch.ones(1, 1, 2), [2])
    with pytest.raises(TypeError, match="names must be a pair of strings"):
        tc.draw_broadcast(ax, [1], [2], names=("a",))


# --------------------------------------------------------------------------- draw_memory_layout
def arrow_steps(ax):
    return [p.get_label() for p in ax.patches if isinstance(p, FancyArrowPatch)]


def test_memory_layout_of_a_transpose_walks_the_storage_with_stride_three(ax):
    x = torch.arange(6).reshape(2, 3)
    out = tc.draw_memory_layout(ax, x, x.t(), name="x.t()")
    assert out is ax
    # 6 view cells + 6 storage cells + one arrow per step along a row (3 rows of 2 elements).
    assert len(ax.patches) == 6 + 6 + 3
    assert arrow_steps(ax) == ["_step 0->3", "_step 1->4", "_step 2->5"]
    labels = texts(ax)
    # 6 values + 3 row labels + title + 6 storage values + 6 indices + 6 (row,col) + 2 captions.
    assert len(labels) == 30
    assert "x.t()\nshape (3, 2), stride (1, 3), offset 0" in labels
    assert "1,2" in labels and not faded_cells(ax)


def test_memory_layout_of_a_column_slice_fades_what_it_skips(ax):
    x = torch.arange(6.0).reshape(2, 3)
    tc.draw_memory_layout(ax, x, x[:, 1], name="col")
    assert arrow_steps(ax) == ["_step 1->4"]
    assert len(faded_cells(ax)) == 4  # storage cells 0, 2, 3, 5
    assert "col\nshape (2,), stride (3,), offset 1" in texts(ax)


def test_memory_layout_of_a_strided_1d_view_of_a_1d_base(ax):
    v = torch.arange(8)
    tc.draw_memory_layout(ax, v, v[1::3])
    assert arrow_steps(ax) == ["_step 1->4", "_step 4->7"]
    assert len(ax.patches) == 3 + 8 + 2 and len(faded_cells(ax)) == 5
    # 3 values + 1 row label + title + 8 storage values + 8 indices + the "index" caption.
    assert len(texts(ax)) == 22


def test_memory_layout_refuses_a_copy_and_explains(ax):
    x = torch.arange(6).reshape(2, 3)
    with pytest.raises(ValueError, match="does not share base's storage"):
        tc.draw_memory_layout(ax, x, x.t().contiguous())
    with pytest.raises(ValueError, match="does not share base's storage"):
        tc.draw_memory_layout(ax, x, x[x > 2])


def test_memory_layout_rejects_bad_arguments(ax):
    x = torch.arange(6).reshape(2, 3)
    with pytest.raises(TypeError, match="base must be a torch.Tensor, got list"):
        tc.draw_memory_layout(ax, [0, 1], x)
    with pytest.raises(ValueError, match="base must be a contiguous 1-D or 2-D tensor"):
        tc.draw_memory_layout(ax, x.t(), x)
    with pytest.raises(ValueError, match="between 1 and 32 elements"):
        big = torch.zeros(6, 6)
        tc.draw_memory_layout(ax, big, big[0])
    with pytest.raises(ValueError, match="outside base"):
        tc.draw_memory_layout(ax, x[0], x[1])
    with pytest.raises(ValueError, match="meta device"):
        m = torch.zeros(2, 2, device="meta")
        tc.draw_memory_layout(ax, m, m)


# --------------------------------------------------------------------------- draw_storage
def test_draw_storage_gives_views_the_same_storage_and_copies_a_new_one(ax):
    x = torch.arange(6).reshape(2, 3)
    out = tc.draw_storage(ax, {"x": x, "x[1]": x[1], "copy": x[x > 2]})
    assert out is ax
    assert len(ax.patches) == 6 + 6 + 3
    assert len(faded_cells(ax)) == 3  # x[1] does not read the first row
    labels = texts(ax)
    assert len(labels) == 15 + 3 + 3
    assert [t for t in labels if t.startswith("storage")] == ["storage A", "storage A", "storage B"]


def test_draw_storage_shows_the_whole_storage_of_an_expanded_view(ax):
    v = torch.tensor([1.0, 2.0]).expand(3, 2)
    tc.draw_storage(ax, {"v": v})
    assert len(ax.patches) == 2 and texts(ax)[:2] == ["1", "2"]


def test_draw_storage_rejects_bad_arguments(ax):
    with pytest.raises(TypeError, match="non-empty mapping"):
        tc.draw_storage(ax, {})
    with pytest.raises(TypeError, match=r"tensors\['y'\] must be a torch.Tensor"):
        tc.draw_storage(ax, {"y": [1, 2]})
    with pytest.raises(ValueError, match="storage of 64 elements"):
        tc.draw_storage(ax, {"big": torch.zeros(8, 8)})
