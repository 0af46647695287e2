"""Tests of the backward-graph helpers (chapter 6): walking, printing, drawing, bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402
from torch import nn  # noqa: E402

import torchcourse as tc  # noqa: E402


@pytest.fixture
def ax():
    fig, axes = plt.subplots()
    yield axes
    plt.close(fig)


def shared_graph():
    """c = a**2 * a + a**2: `a` and `b = a**2` are each used twice."""
    a = torch.tensor(2.0, requires_grad=True)
    b = a**2
    return a, b, b * a + b


# --------------------------------------------------------------------------- backward_graph
def test_backward_graph_lists_each_node_once_with_inputs_and_longest_depths():
    a, _, c = shared_graph()
    nodes = tc.backward_graph(c, names={"a": a})
    assert [n.name for n in nodes] == [
        "AddBackward0", "MulBackward0", "PowBackward0", "AccumulateGrad"
    ]
    assert [n.kind for n in nodes] == ["output", "op", "op", "leaf"]
    assert [n.inputs for n in nodes] == [(1, 2), (2, 3), (3,), ()]
    # Pow is reached from Add (depth 1) and from Mul (depth 2): the longest path wins.
    assert [n.depth for n in nodes] == [0, 1, 2, 3]
    assert [n.index for n in nodes] == [0, 1, 2, 3]
    assert nodes[3].label == "a"
    assert all(isinstance(n, tc.GraphNode) for n in nodes)


def test_backward_graph_counts_inputs_that_need_no_gradient():
    w = torch.ones(3, requires_grad=True)
    x = torch.ones(3)
    nodes = tc.backward_graph((w * x).sum())
    mul = next(n for n in nodes if n.name == "MulBackward0")
    assert mul.n_none == 1 and len(mul.inputs) == 1


def test_leaf_labels_use_names_and_shapes():
    w = torch.zeros(3, 2, requires_grad=True)
    v = torch.zeros(4, requires_grad=True)
    out = (w.sum() + v.sum()) * 2
    labels = {n.label for n in tc.backward_graph(out, names={"weight": w})}
    assert "weight 3×2" in labels and "leaf 4" in labels


def test_module_graph_has_one_leaf_per_parameter():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    loss = net(torch.randn(5, 4)).pow(2).mean()
    nodes = tc.backward_graph(loss, names=dict(net.named_parameters()))
    leaves = sorted(n.label.split()[0] for n in nodes if n.kind == "leaf")
    assert leaves == ["0.bias", "0.weight", "2.bias", "2.weight"]


def test_custom_functions_appear_as_their_own_node():
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = torch.ones(2, requires_grad=True)
    names = [n.name for n in tc.backward_graph(Square.apply(x).sum())]
    assert names == ["SumBackward0", "SquareBackward", "AccumulateGrad"]


def test_graphs_rebuilt_by_python_control_flow_have_different_sizes():
    w = torch.tensor(0.5, requires_grad=True)
    v = w
    for _ in range(5):
        v = torch.tanh(v)
    assert len(tc.backward_graph(v)) == 6


# --------------------------------------------------------------------------- format_graph
def test_format_graph_prints_a_tree_and_marks_shared_nodes():
    a, _, c = shared_graph()
    assert tc.format_graph(c, names={"a": a}) == "\n".join(
        [
            "AddBackward0",
            "├─ MulBackward0",
            "│  ├─ PowBackward0",
            "│  │  └─ AccumulateGrad: a",
            "│  └─ AccumulateGrad: a (shared, see above)",
            "└─ PowBackward0 (shared, see above)",
        ]
    )


def test_format_graph_shows_or_hides_none_inputs():
    w = torch.ones(3, requires_grad=True)
    out = (w * torch.ones(3)).sum()
    shown = tc.format_graph(out, names={"w": w})
    assert shown.splitlines() == [
        "SumBackward0",
        "└─ MulBackward0",
        "   ├─ AccumulateGrad: w 3",
        "   └─ None (needs no gradient)",
    ]
    hidden = tc.format_graph(out, names={"w": w}, show_none=False)
    assert "None" not in hidden and hidden.splitlines()[-1] == "   └─ AccumulateGrad: w 3"


# --------------------------------------------------------------------------- draw_graph
def test_draw_graph_draws_one_box_per_node_and_one_arrow_per_edge(ax):
    a, _, c = shared_graph()
    out = tc.draw_graph(ax, c, names={"a": a})
    assert out is ax
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == 4 and len(arrows) == 5
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["Add\nBackward0", "Mul\nBackward0", "Pow\nBackward0", "a"]
    assert not ax.axison


def test_draw_graph_puts_the_output_on_top_and_leaves_lowest(ax):
    a, _, c = shared_graph()
    tc.draw_graph(ax, c, names={"a": a})
    ys = [t.get_position()[1] for t in ax.texts]
    assert ys == sorted(ys, reverse=True) and ys[0] == 0 and ys[-1] == -3


# --------------------------------------------------------------------------- bad input
def test_a_tensor_without_history_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="no grad_fn"):
        tc.backward_graph(torch.ones(2, requires_grad=True))
    w = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        untracked = w * 2
    with pytest.raises(ValueError, match="requires_grad=True"):
        tc.format_graph(untracked)


def test_bad_arguments_raise_errors_naming_what_was_expected(ax):
    a, _, c = shared_graph()
    with pytest.raises(TypeError, match="torch.Tensor"):
        tc.backward_graph([1.0, 2.0])
    with pytest.raises(TypeError, match="mapping from a name"):
        tc.backward_graph(c, names=[a])
    with pytest.raises(TypeError, match="string keys"):
        tc.backward_graph(c, names={1: a})
    with pytest.raises(TypeError, match=r"names\['a'\] must be a torch.Tensor"):
        tc.backward_graph(c, names={"a": 2.0})
    with pytest.raises(ValueError, match="max_nodes"):
        tc.backward_graph(c, max_nodes=0)
    with pytest.raises(ValueError, match="more than max_nodes=2"):
        tc.backward_graph(c, max_nodes=2)
    with pytest.raises(TypeError, match="show_none"):
        tc.format_graph(c, show_none="yes")
    with pytest.raises(TypeError, match="matplotlib Axes"):
        tc.draw_graph(None, c)
    with pytest.raises(ValueError, match="fontsize"):
        tc.draw_graph(ax, c, fontsize=0)
