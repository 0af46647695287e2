import matplotlib as mpl
import pytest

import torchcourse as tc


def test_applies_the_book_defaults():
    mpl.rcdefaults()
    tc.use_book_style()
    assert mpl.rcParams["lines.linewidth"] == 2.0
    assert mpl.rcParams["svg.hashsalt"] == "torchcourse"
    colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    assert colors[:2] == [tc.BOOK_COLORS["blue"], tc.BOOK_COLORS["orange"]]


def test_svg_figures_are_identical_between_runs(tmp_path):
    import matplotlib.pyplot as plt

    tc.use_book_style()
    outputs = []
    for i in range(2):
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [0, 1, 4], label="y")
        ax.legend()
        path = tmp_path / f"f{i}.svg"
        fig.savefig(path, metadata={"Date": None})
        plt.close(fig)
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]


def test_unknown_format_lists_the_valid_ones():
    with pytest.raises(ValueError, match="fmt must be one of 'svg', 'png'"):
        tc.use_book_style("jpeg")
