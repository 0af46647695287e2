"""The backward graph that autograd records: walk it, print it as a tree, draw it.

Every tensor computed from tensors that require gradients carries a ``grad_fn``, the node of the
backward graph that will differentiate the operation that made it. Each node lists the nodes of
its inputs in ``next_functions``; a leaf tensor's node is an ``AccumulateGrad``, which adds the
incoming gradient to the leaf's ``.grad``, and an input that needs no gradient appears as
``None``. No graphviz is needed: :func:`format_graph` prints the graph as an indented tree and
:func:`draw_graph` lays it out in layers with matplotlib.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from torchcourse.style import BOOK_COLORS

_LEAF_NODE = "AccumulateGrad"
_KIND_COLORS = {
    "output": BOOK_COLORS["orange"],
    "op": BOOK_COLORS["sky"],
    "leaf": BOOK_COLORS["green"],
}


@dataclass(frozen=True)
class GraphNode:
    """One node of a backward graph, as returned by :func:`backward_graph`.

    ``index`` is the node's position in the list (0 is the output's ``grad_fn``), ``name`` the
    node's class name (``"MulBackward0"``, ``"AccumulateGrad"``), ``label`` the text shown for it,
    ``kind`` one of ``"output"``, ``"op"`` or ``"leaf"``, ``depth`` the length of the longest path
    from the output, ``inputs`` the indices of the nodes in its ``next_functions`` (``None``
    entries left out) and ``n_none`` how many ``None`` entries it has.
    Introduced in chapter 6 (06_autograd).
    """

    index: int
    name: str
    label: str
    kind: str
    depth: int
    inputs: tuple[int, ...]
    n_none: int


def _check_output(output: Any) -> torch.Tensor:
    if not isinstance(output, torch.Tensor):
        raise TypeError(f"output must be a torch.Tensor, got {type(output).__name__}")
    if output.grad_fn is None:
        raise ValueError(
            "output has no grad_fn: it is a leaf tensor or was computed without gradient "
            "tracking (no input required grad, or under torch.no_grad()); expected a tensor "
            "computed from tensors with requires_grad=True"
        )
    return output


def _check_names(names: Any) -> dict[str, torch.Tensor]:
    if names is None:
        return {}
    if not isinstance(names, Mapping):
        raise TypeError(
            "names must be a mapping from a name to a leaf tensor, e.g. {'w': w} or "
            f"dict(model.named_parameters()); got {type(names).__name__}"
        )
    for key, value in names.items():
        if not isinstance(key, str):
            raise TypeError(f"names must have string keys, got {key!r}")
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"names[{key!r}] must be a torch.Tensor, got {type(value).__name__}")
    return dict(names)


def _node_name(fn: Any) -> str:
    # C++ nodes report qualified names such as "torch::autograd::AccumulateGrad".
    return fn.name().rsplit("::", 1)[-1]


def _leaf_label(fn: Any, names: dict[str, torch.Tensor]) -> str:
    variable = getattr(fn, "variable", None)
    if variable is None:
        return _LEAF_NODE
    shape = "×".join(str(n) for n in variable.shape)
    for key, value in names.items():
        if value is variable:
            return f"{key} {shape}".rstrip()
    return f"leaf {shape}".rstrip()


def backward_graph(
    output: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    max_nodes: int = 200,
) -> list[GraphNode]:
    """The nodes of ``output``'s backward graph, each once, with their inputs and depths.

    ``names`` maps names to leaf tensors (``dict(model.named_parameters())`` works) so that each
    leaf's ``AccumulateGrad`` node is labelled with its name and shape. Raises ``ValueError`` if
    ``output`` has no ``grad_fn`` or the graph has more than ``max_nodes`` nodes.
    Introduced in chapter 6 (06_autograd).
    """
    return _build(output, names, max_nodes)[0]


def _build(
    output: Any, names: Any, max_nodes: Any
) -> tuple[list[GraphNode], list[Any]]:
    """The graph's nodes, and the autograd node objects in the same order."""
    output = _check_output(output)
    names = _check_names(names)
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")

    # Discover every node once, in depth-first order from the output. The graph is a DAG: a
    # node reached along two paths (a tensor used twice) is the same Python object each time,
    # and holding the objects in `order` keeps them alive while we compare identities.
    order: list[Any] = []
    position: dict[int, int] = {}
    children: list[list[Any]] = []
    stack = [output.grad_fn]
    while stack:
        fn = stack.pop()
        if id(fn) in position:
            continue
        position[id(fn)] = len(order)
        order.append(fn)
        if len(order) > max_nodes:
            raise ValueError(
                f"the graph has more than max_nodes={max_nodes} nodes; pass a larger max_nodes "
                "or draw a smaller computation"
            )
        nexts = [f for f, _ in fn.next_functions]
        children.append(nexts)
        stack.extend(reversed([f for f in nexts if f is not None]))

    inputs = [
        tuple(dict.fromkeys(position[id(f)] for f in nexts if f is not None))
        for nexts in children
    ]
    # Longest path from the output (Kahn's algorithm), so that a shared node is drawn below
    # every node that uses it.
    parents_left = [0] * len(order)
    for kids in inputs:
        for k in kids:
            parents_left[k] += 1
    depth = [0] * len(order)
    ready = [0]
    while ready:
        i = ready.pop()
        for k in inputs[i]:
            depth[k] = max(depth[k], depth[i] + 1)
            parents_left[k] -= 1
            if parents_left[k] == 0:
                ready.append(k)

    nodes = []
    for i, fn in enumerate(order):
        name = _node_name(fn)
        if name == _LEAF_NODE:
            kind, label = "leaf", _leaf_label(fn, names)
        else:
            kind, label = ("output" if i == 0 else "op"), name
        nodes.append(
            GraphNode(
                index=i,
                name=name,
                label=label,
                kind=kind,
                depth=depth[i],
                inputs=inputs[i],
                n_none=sum(f is None for f in children[i]),
            )
        )
    return nodes, order


def format_graph(
    output: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    show_none: bool = True,
    max_nodes: int = 200,
) -> str:
    """``output``'s backward graph as an indented tree, one node per line, output first.

    A node reached a second time (a tensor used twice) is printed as ``(shared, see above)``
    instead of repeating its subtree; with ``show_none`` the ``None`` entries of
    ``next_functions`` (inputs that need no gradient) are listed too. Leaves are labelled as in
    :func:`backward_graph`.
    Introduced in chapter 6 (06_autograd).
    """
    if not isinstance(show_none, bool):
        raise TypeError(f"show_none must be True or False, got {show_none!r}")
    nodes, fns = _build(output, names, max_nodes)
    by_id = {id(fn): i for i, fn in enumerate(fns)}
    lines: list[str] = []
    seen: set[int] = set()

    def visit(fn: Any, prefix: str, connector: str, child_prefix: str) -> None:
        if fn is None:
            lines.append(f"{prefix}{connector}None (needs no gradient)")
            return
        node = nodes[by_id[id(fn)]]
        text = node.label if node.kind != "leaf" else f"{_LEAF_NODE}: {node.label}"
        if node.index in seen:
            lines.append(f"{prefix}{connector}{text} (shared, see above)")
            return
        seen.add(node.index)
        lines.append(f"{prefix}{connector}{text}")
        kids = [f for f, _ in fn.next_functions if show_none or f is not None]
        for j, kid in enumerate(kids):
            last = j == len(kids) - 1
            visit(kid, prefix + child_prefix, "└─ " if last else "├─ ", "   " if last else "│  ")

    visit(output.grad_fn, "", "", "")
    return "\n".join(lines)


def _box_text(node: GraphNode) -> str:
    if node.kind == "leaf":
        return node.label
    head, sep, tail = node.name.partition("Backward")
    return f"{head}\n{sep}{tail}" if head and sep else node.name


def draw_graph(
    ax: Axes,
    output: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    fontsize: float = 8.0,
    max_nodes: int = 60,
) -> Axes:
    """Draw ``output``'s backward graph into ``ax``: the output on top, leaves at the bottom.

    Nodes sit in layers by their longest distance from the output; arrows point the way
    gradients flow in ``backward``. Orange marks the output's ``grad_fn``, blue the other
    operations and green the ``AccumulateGrad`` nodes of leaves (labelled with ``names``);
    inputs that need no gradient are not drawn. Returns ``ax``. Introduced in chapter 6 (06_autograd).
    """
    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. from plt.subplots()), got {type(ax).__name__}"
        )
    if isinstance(fontsize, bool) or not isinstance(fontsize, (int, float)) or fontsize <= 0:
        raise ValueError(f"fontsize must be a positive number, got {fontsize!r}")
    nodes = backward_graph(output, names, max_nodes)
    n_layers = max(n.depth for n in nodes) + 1
    layers: list[list[GraphNode]] = [[] for _ in range(n_layers)]
    for node in nodes:
        layers[node.depth].append(node)

    parents: dict[int, list[int]] = {n.index: [] for n in nodes}
    for node in nodes:
        for k in node.inputs:
            parents[k].append(node.index)
    x: dict[int, float] = {}
    for layer in layers:
        # Order each layer by the mean position of the nodes that feed it (fewer crossings),
        # breaking ties by discovery order; then centre the layer on 0.
        def key(n: GraphNode) -> tuple[float, int]:
            xs = [x[p] for p in parents[n.index] if p in x]
            return (sum(xs) / len(xs) if xs else 0.0, n.index)

        layer.sort(key=key)
        for slot, node in enumerate(layer):
            x[node.index] = slot - (len(layer) - 1) / 2

    width, height = 0.86, 0.5
    for node in nodes:
        cx, cy = x[node.index], -node.depth
        ax.add_patch(
            FancyBboxPatch(
                (cx - width / 2, cy - height / 2),
                width,
                height,
                boxstyle="round,pad=0.02,rounding_size=0.08",
                facecolor=_KIND_COLORS[node.kind],
                alpha=0.35,
                edgecolor="#333333",
                linewidth=1.0,
            )
        )
        ax.text(cx, cy, _box_text(node), ha="center", va="center", fontsize=fontsize)
    for node in nodes:
        for k in node.inputs:
            ax.add_patch(
                FancyArrowPatch(
                    (x[node.index], -node.depth - height / 2 - 0.02),
                    (x[k], -nodes[k].depth + height / 2 + 0.02),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    linewidth=1.0,
                    color="#555555",
                )
            )
    widest = max(len(layer) for layer in layers)
    ax.set_xlim(-widest / 2, widest / 2)
    ax.set_ylim(-(n_layers - 1) - 0.5, 0.5)
    ax.set_axis_off()
    return ax
