"""Pictures of tensors: grids of cells, broadcasting, and how views walk their storage.

Every function draws into an ``Axes`` it is given (so pictures compose into subplots) and returns
it. Cells are unit squares in data coordinates; ``draw_tensor``'s ``origin`` is the top-left
corner of its grid, so several grids can share one ``Axes``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.patches import FancyArrowPatch, Rectangle

from torchcourse.style import BOOK_COLORS

# Fill colours for rows of a view and for distinct storages (black is kept for text).
_PALETTE = [
    BOOK_COLORS[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")
]
_EDGE = "#333333"
_FADED_TEXT = "#9a9a9a"
_FILL_ALPHA = 0.55
_FADED_ALPHA = 0.12
_MAX_GRID_CELLS = 400
_MAX_STRIP_CELLS = 32
_OPS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
}


# --------------------------------------------------------------------------- argument checks
def _check_ax(ax: Any) -> Axes:
    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. from plt.subplots()), got {type(ax).__name__}"
        )
    return ax


def _check_fmt(fmt: Any) -> str:
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '{{:.3g}}', got {type(fmt).__name__}")
    try:
        fmt.format(1.5)
    except (ValueError, IndexError, KeyError) as err:
        raise ValueError(f"fmt must be a format string such as '{{:.3g}}', got {fmt!r}") from err
    return fmt


def _check_tensor(value: Any, name: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if value.device.type == "meta":
        raise ValueError(f"{name} is on the meta device and has no values to draw")
    if value.is_sparse or value.layout != torch.strided:
        raise ValueError(f"{name} must be a dense (strided) tensor, got layout {value.layout}")
    return value


def _values_2d(values: Any, name: str) -> np.ndarray:
    """Return ``values`` as a 2-D NumPy array (0-D and 1-D data become one row)."""
    if isinstance(values, torch.Tensor):
        array = values.detach().cpu().numpy()
    elif isinstance(values, (str, bytes)) or values is None:
        raise TypeError(
            f"{name} must be array-like numbers (tensor, ndarray, list), "
            f"got {type(values).__name__}"
        )
    else:
        try:
            array = np.asarray(values)
        except ValueError as err:  # ragged nested lists
            raise ValueError(f"{name} must be rectangular array-like numbers: {err}") from err
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(f"{name} must hold numbers or booleans, got dtype {array.dtype}")
    if array.ndim > 2:
        raise ValueError(
            f"{name} must be 0-, 1- or 2-D to be drawn as a grid, got {array.ndim}-D with shape "
            f"{tuple(array.shape)}; slice or reshape it first"
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {tuple(array.shape)}); there is nothing to draw")
    return array.reshape((1,) * (2 - array.ndim) + array.shape)


def _shape_2d(shape: tuple[Any, ...], name: str) -> tuple[int, int]:
    if len(shape) not in (1, 2) or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0 for n in shape
    ):
        raise ValueError(
            f"{name} given as a shape must be a tuple of one or two positive ints, got {shape!r}"
        )
    rows, cols = (1, shape[0]) if len(shape) == 1 else shape
    return int(rows), int(cols)


def _mask_2d(mask: Any, shape: tuple[int, int], name: str) -> np.ndarray:
    if mask is None:
        return np.zeros(shape, dtype=bool)
    array = _values_2d(mask, name)
    if array.shape != shape:
        raise ValueError(
            f"{name} must have the same shape as the drawn grid, {shape}, got {array.shape}"
        )
    return array.astype(bool)


def _format(value: Any, fmt: str) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "T" if value else "F"
    return fmt.format(value.item() if hasattr(value, "item") else value)


# --------------------------------------------------------------------------- drawing core
def _cell(
    ax: Axes,
    x: float,
    y: float,
    label: str,
    color: str,
    *,
    faded: bool = False,
    fontsize: float = 10.0,
) -> None:
    """One unit cell whose top-left corner is (x, y); faded cells are pale with dashed edges."""
    ax.add_patch(
        Rectangle(
            (x, y - 1),
            1,
            1,
            facecolor=to_rgba(color, _FADED_ALPHA if faded else _FILL_ALPHA),
            edgecolor=to_rgba(_EDGE, 0.45 if faded else 1.0),
            linestyle="--" if faded else "-",
            linewidth=1.0,
        )
    )
    ax.text(
        x + 0.5,
        y - 0.5,
        label,
        ha="center",
        va="center",
        fontsize=fontsize,
        color=_FADED_TEXT if faded else "black",
    )


def _finish(ax: Axes, corners: list[tuple[float, float]]) -> Axes:
    """Equal aspect, no axis, and limits that include ``corners`` (texts do not grow limits)."""
    ax.update_datalim(corners)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.autoscale_view()
    return ax


def _title(ax: Axes, x: float, y: float, text: str, fontsize: float) -> None:
    ax.text(x, y + 0.25, text, ha="center", va="bottom", fontsize=fontsize)


# --------------------------------------------------------------------------- public functions
def draw_tensor(
    ax: Axes,
    values_or_shape: Any,
    *,
    origin: tuple[float, float] = (0.0, 0.0),
    color: str = BOOK_COLORS["sky"],
    faded: Any = None,
    highlight: Any = None,
    highlight_color: str = BOOK_COLORS["orange"],
    fmt: str = "{:.3g}",
    title: str | None = None,
    fontsize: float = 10.0,
) -> Axes:
    """Draw 0-2-D values (or a shape, cells labelled by index) as a grid of labelled cells.

    ``values_or_shape`` is array-like numbers (tensor, ndarray, nested list) or a shape given as a
    ``tuple``/``torch.Size`` of one or two positive ints. ``faded`` and ``highlight`` are boolean
    masks of the grid's shape: faded cells are pale with dashed edges, highlighted ones use
    ``highlight_color``. Draws one patch and one text per cell, plus a text for ``title``.
    Introduced in chapter 1 (01_tensors).
    """
    _check_ax(ax)
    fmt = _check_fmt(fmt)
    if (
        not isinstance(origin, (tuple, list))
        or len(origin) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in origin)
    ):
        raise TypeError(f"origin must be a pair of numbers (x, y), got {origin!r}")
    for label, value in (("color", color), ("highlight_color", highlight_color)):
        try:
            to_rgba(value)
        except (ValueError, TypeError) as err:
            raise ValueError(f"{label} must be a matplotlib colour, got {value!r}") from err
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")

    if isinstance(values_or_shape, (tuple, torch.Size)):
        rows, cols = _shape_2d(tuple(values_or_shape), "values_or_shape")
        one_d = len(values_or_shape) == 1
        labels = [
            [f"{j}" if one_d else f"{i},{j}" for j in range(cols)] for i in range(rows)
        ]
    else:
        array = _values_2d(values_or_shape, "values_or_shape")
        rows, cols = array.shape
        labels = [[_format(array[i, j], fmt) for j in range(cols)] for i in range(rows)]
    if rows * cols > _MAX_GRID_CELLS:
        raise ValueError(
            f"a {rows}x{cols} grid has {rows * cols} cells; draw_tensor draws at most "
            f"{_MAX_GRID_CELLS} legibly, so slice the tensor first"
        )
    fade = _mask_2d(faded, (rows, cols), "faded")
    bright = _mask_2d(highlight, (rows, cols), "highlight")

    x0, y0 = float(origin[0]), float(origin[1])
    for i in range(rows):
        for j in range(cols):
            _cell(
                ax,
                x0 + j,
                y0 - i,
                labels[i][j],
                highlight_color if bright[i, j] else color,
                faded=bool(fade[i, j]),
                fontsize=fontsize,
            )
    top = y0
    if title is not None:
        _title(ax, x0 + cols / 2, y0, title, fontsize)
        top = y0 + 0.9 * (title.count("\n") + 1)
    return _finish(ax, [(x0, y0 - rows), (x0 + cols, top)])


def _broadcast_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy/PyTorch broadcasting of two shapes, with an error that names the clashing dimension."""
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for k, (p, q) in enumerate(zip(pa, pb)):
        if p != q and 1 not in (p, q):
            raise ValueError(
                f"shapes {a} and {b} cannot be broadcast: aligned from the right, dimension "
                f"{k - n} has sizes {p} and {q}; each pair must be equal or one of them 1"
            )
        out.append(max(p, q))
    return tuple(out)


def draw_broadcast(
    ax: Axes,
    a: Any,
    b: Any,
    *,
    op: str = "+",
    names: tuple[str, str] = ("a", "b"),
    fmt: str = "{:.3g}",
    fontsize: float = 10.0,
) -> Axes:
    """Draw ``a op b`` with both operands stretched to the common shape, stretched cells faded.

    ``a`` and ``b`` are 0-2-D array-like numbers (their values are drawn); ``op`` is one of
    ``+ - * /``. Draws three grids of the result's size (one patch and one text per cell), a
    title above each and the two operator signs between them.
    Introduced in chapter 1 (01_tensors).
    """
    _check_ax(ax)
    fmt = _check_fmt(fmt)
    if op not in _OPS:
        raise ValueError(f"op must be one of {', '.join(map(repr, _OPS))}; got {op!r}")
    if (
        not isinstance(names, (tuple, list))
        or len(names) != 2
        or not all(isinstance(n, str) for n in names)
    ):
        raise TypeError(f"names must be a pair of strings, got {names!r}")
    arrays = []
    for label, value in (("a", a), ("b", b)):
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
        _values_2d(value, label)  # type and dimension checks
        arrays.append(np.asarray(value))
    (xa, xb), (na, nb) = arrays, names
    shape = _broadcast_shape(xa.shape, xb.shape)
    result = _OPS[op](xa, xb)
    rows, cols = ((1,) * (2 - len(shape)) + shape) if shape else (1, 1)

    panels = []
    for array in (xa, xb):
        aligned = array.reshape((1,) * (2 - array.ndim) + array.shape)
        stretched = np.broadcast_to(aligned, (rows, cols))
        original = np.zeros((rows, cols), dtype=bool)
        original[: aligned.shape[0], : aligned.shape[1]] = True
        panels.append((stretched, ~original))
    shown = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"

    def shape_text(array: np.ndarray) -> str:
        s = tuple(array.shape)
        return str(s) if s == shape else f"{s} → {shown}"

    gap = 1.6
    specs = [
        (panels[0][0], panels[0][1], BOOK_COLORS["sky"], f"{na}\n{shape_text(xa)}"),
        (panels[1][0], panels[1][1], BOOK_COLORS["orange"], f"{nb}\n{shape_text(xb)}"),
        (result.reshape(rows, cols), None, BOOK_COLORS["green"], f"{na} {op} {nb}\n{shown}"),
    ]
    for k, (values, fade, color, title) in enumerate(specs):
        x0 = k * (cols + gap)
        draw_tensor(
            ax, values, origin=(x0, 0.0), color=color, faded=fade, fmt=fmt, title=title,
            fontsize=fontsize,
        )
        if k < 2:
            ax.text(
                x0 + cols + gap / 2, -rows / 2, op if k == 0 else "=",
                ha="center", va="center", fontsize=fontsize + 4,
            )
    return ax


def _storage_size(t: torch.Tensor) -> int:
    return t.untyped_storage().nbytes() // t.element_size()


def _storage_values(t: torch.Tensor) -> torch.Tensor:
    """Every element of ``t``'s storage, in storage order, on the CPU."""
    return torch.as_strided(t.detach(), (_storage_size(t),), (1,), 0).cpu()


def _storage_positions(t: torch.Tensor) -> torch.Tensor:
    """For each element of ``t`` (same shape), the index of the storage element it reads."""
    return torch.as_strided(
        torch.arange(_storage_size(t)), tuple(t.shape), t.stride(), t.storage_offset()
    )


def draw_memory_layout(
    ax: Axes,
    base: torch.Tensor,
    view: torch.Tensor,
    *,
    name: str = "view",
    base_name: str = "base",
    fmt: str = "{:.3g}",
    fontsize: float = 10.0,
) -> Axes:
    """Draw ``view``'s grid above ``base``'s storage strip, with arrows for the order it reads it.

    ``base`` is a contiguous 1-D or 2-D tensor and ``view`` a 0-2-D view of it (same storage,
    e.g. ``base.t()`` or ``base[:, 1]``). Each row of the view gets a colour (and a "row i"
    label); the storage cells it reads get that colour, cells it skips are faded, and an arrow joins
    consecutive elements of a row (one step of the last stride). Under each storage cell: its
    index and, for a 2-D ``base``, its (row, col) in ``base`` (labelled "<base_name> row,col").
    Introduced in chapter 1 (01_tensors).
    """
    _check_ax(ax)
    fmt = _check_fmt(fmt)
    base = _check_tensor(base, "base")
    view = _check_tensor(view, "view")
    if not isinstance(name, str) or not isinstance(base_name, str):
        raise TypeError(
            f"name and base_name must be strings, got {type(name).__name__} and "
            f"{type(base_name).__name__}"
        )
    if base.ndim not in (1, 2) or not base.is_contiguous():
        raise ValueError(
            "base must be a contiguous 1-D or 2-D tensor (its storage order is then its "
            f"row-major order); got {base.ndim}-D, contiguous={base.is_contiguous()}"
        )
    if view.ndim > 2:
        raise ValueError(
            f"view must be 0-, 1- or 2-D, got {view.ndim}-D with shape {tuple(view.shape)}"
        )
    same_storage = view.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    if not same_storage or view.dtype != base.dtype:
        raise ValueError(
            "view does not share base's storage (with the same dtype): it is a copy, as made by "
            "clone(), contiguous() of a non-contiguous tensor, or boolean/integer-list indexing"
        )
    n = base.numel()
    if not 0 < n <= _MAX_STRIP_CELLS or view.numel() == 0:
        raise ValueError(
            f"base must have between 1 and {_MAX_STRIP_CELLS} elements and view at least one; "
            f"got {n} and {view.numel()}"
        )
    first = base.storage_offset()
    positions = _storage_positions(view) - first
    if positions.min() < 0 or positions.max() >= n:
        raise ValueError(
            "view reads storage elements outside base; is it a view of a larger tensor?"
        )
    rows_view = positions.reshape((1,) * (2 - view.ndim) + tuple(view.shape))
    values_view = view.detach().cpu().reshape(rows_view.shape)
    r, c = rows_view.shape
    if r * c > _MAX_STRIP_CELLS:
        raise ValueError(
            f"view has {r * c} elements; draw_memory_layout draws at most {_MAX_STRIP_CELLS}"
        )
    storage = _storage_values(base)[first : first + n]
    color_of_row = [_PALETTE[i % len(_PALETTE)] for i in range(r)]

    # The view's logical grid, one colour per row (labelled on the left), centred over the strip.
    x_view = (n - c) / 2
    for i in range(r):
        for j in range(c):
            label = _format(values_view[i, j], fmt)
            _cell(ax, x_view + j, -i, label, color_of_row[i], fontsize=fontsize)
        ax.text(x_view - 0.2, -i - 0.5, f"row {i}", ha="right", va="center",
                fontsize=fontsize - 1, color=color_of_row[i])
    stride = "(" + ", ".join(map(str, view.stride())) + ("," if view.ndim == 1 else "") + ")"
    shape = "(" + ", ".join(map(str, view.shape)) + ("," if view.ndim == 1 else "") + ")"
    offset = view.storage_offset()
    _title(ax, n / 2, 0.0, f"{name}\nshape {shape}, stride {stride}, offset {offset}", fontsize)

    # The storage strip: who reads each cell, its index, and its (row, col) in base.
    y_strip = -(r + 2.4)
    reader: dict[int, int] = {}
    for i in range(r):
        for p in rows_view[i].tolist():
            reader.setdefault(p, i)
    base_cols = base.shape[-1]
    small = fontsize - 2
    for k in range(n):
        row = reader.get(k)
        _cell(
            ax, k, y_strip, _format(storage[k], fmt),
            color_of_row[row] if row is not None else "#bbbbbb",
            faded=row is None, fontsize=fontsize,
        )
        ax.text(k + 0.5, y_strip - 1.3, f"{k}", ha="center", va="center", fontsize=small)
        if base.ndim == 2:  # for a 1-D base the index already is the position in base
            where = f"{k // base_cols},{k % base_cols}"
            ax.text(k + 0.5, y_strip - 1.85, where, ha="center", va="center", fontsize=small)
    ax.text(-0.2, y_strip - 1.3, "index", ha="right", va="center", fontsize=small)
    if base.ndim == 2:
        ax.text(-0.2, y_strip - 1.85, f"{base_name} row,col", ha="right", va="center",
                fontsize=small)

    # One arrow per step along a view row: from element j to j+1 of the row, over the strip.
    longest = 0
    for i in range(r):
        steps = rows_view[i].tolist()
        for p, q in zip(steps, steps[1:]):
            if p == q:  # a stride of 0 (expand) re-reads the same cell: nothing to draw
                continue
            longest = max(longest, abs(q - p))
            ax.add_patch(
                FancyArrowPatch(
                    (p + 0.5, y_strip + 0.05), (q + 0.5, y_strip + 0.05),
                    connectionstyle=f"arc3,rad={-0.35 if q > p else 0.35}",
                    arrowstyle="-|>", mutation_scale=10, linewidth=1.5,
                    color=color_of_row[i], shrinkA=2, shrinkB=2,
                    label=f"_step {p}->{q}",  # leading "_": kept out of legends, read by tests
                )
            )
    top_arc = y_strip + 0.2 + 0.2 * longest
    left = min(-2.2, x_view - 2.0)
    return _finish(ax, [(left, y_strip - 2.2), (n, max(1.8, top_arc))])


def draw_storage(
    ax: Axes,
    tensors: Mapping[str, torch.Tensor],
    *,
    fmt: str = "{:.3g}",
    fontsize: float = 10.0,
) -> Axes:
    """Draw each named tensor's whole storage as a strip, coloured where the tensor reads it.

    Tensors that share one storage (views) get the same colour and letter; a copy gets a new
    one. Cells of the storage a tensor does not read are faded. Per tensor: one patch and one
    text per storage element, its name on the left and its storage letter on the right.
    Introduced in chapter 1 (01_tensors).
    """
    _check_ax(ax)
    fmt = _check_fmt(fmt)
    if not isinstance(tensors, Mapping) or not tensors:
        raise TypeError(
            "tensors must be a non-empty mapping of names to tensors, e.g. {'x': x, 'v': x[0]}"
        )
    letters: dict[int, int] = {}
    width = 0
    for k, (label, t) in enumerate(tensors.items()):
        if not isinstance(label, str):
            raise TypeError(f"tensor names must be strings, got {type(label).__name__}")
        t = _check_tensor(t, f"tensors[{label!r}]")
        size = _storage_size(t)
        if not 0 < size <= _MAX_STRIP_CELLS:
            raise ValueError(
                f"tensors[{label!r}] has a storage of {size} elements; draw_storage draws "
                f"between 1 and {_MAX_STRIP_CELLS}"
            )
        ptr = t.untyped_storage().data_ptr()
        letter = letters.setdefault(ptr, len(letters))
        color = _PALETTE[letter % len(_PALETTE)]
        read = set(_storage_positions(t).flatten().tolist())
        values = _storage_values(t)
        y = -1.6 * k
        for p in range(size):
            _cell(ax, p, y, _format(values[p], fmt), color, faded=p not in read, fontsize=fontsize)
        ax.text(
            -0.3, y - 0.5, label, ha="right", va="center", fontsize=fontsize, family="monospace"
        )
        ax.text(size + 0.3, y - 0.5, f"storage {chr(ord('A') + letter)}", ha="left", va="center",
                fontsize=fontsize, color=color)
        width = max(width, size)
    # Texts do not grow the limits: reserve room for the names (left) and the letters (right).
    left = -0.3 - 0.35 * max(len(label) for label in tensors) * fontsize / 10
    return _finish(ax, [(left, -1.6 * (len(tensors) - 1) - 1), (width + 3.0, 0.2)])
