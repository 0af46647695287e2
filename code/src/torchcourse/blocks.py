"""The block every activation gets in chapter 5: definition, derivative, plot, check, kinks, paper."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import sympy as sp
import torch
from sympy.printing.latex import LatexPrinter

from torchcourse.activations import (
    EXAMPLE_PARAMS,
    SELU_ALPHA,
    SELU_SCALE,
    X,
    Activation,
    get_activation,
)
from torchcourse.derivatives import CheckResult, check_against_autograd, derivative
from torchcourse.kinks import KinkReport, kink_report
from torchcourse.plotting import plot_activation


class _XFirstPrinter(LatexPrinter):
    """LaTeX with every comparison written with x on the left (sympy may put a parameter there)."""

    def _print_Relational(self, expr: sp.Basic) -> str:
        if not expr.lhs.has(X) and expr.rhs.has(X):
            expr = expr.reversed
        return super()._print_Relational(expr)


def to_latex(expr: sp.Basic) -> str:
    """LaTeX for a sympy expression, with x on the left of every comparison.

    Introduced in chapter 5 (05_activations).
    """
    if not isinstance(expr, sp.Basic):
        raise TypeError(f"expr must be a sympy expression, got {type(expr).__name__}")
    return _XFirstPrinter().doprint(expr)


def _tex_number(value: float, digits: int = 3) -> str:
    """A number for math mode: 1.5e-09 becomes 1.5 \\times 10^{-9}."""
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def _call(act: Activation, params: dict[str, float]) -> str:
    shown = [f"{k}={v:g}" for k, v in params.items()]
    if act.key == "GELU_tanh":
        shown.insert(0, "approximate='tanh'")
    return f"nn.{act.module_name}({', '.join(shown)})"


def _definition(act: Activation, params: dict[str, float]) -> str:
    f = to_latex(act.expr(symbolic=True))
    df = to_latex(derivative(act, symbolic=True))
    lines = [f"**`{_call(act, params)}`** — family: {act.family}", "", f"$$f(x) = {f}$$", ""]
    if act.params:
        values = ", ".join(f"${p.latex} = {params[p.name]:g}$" for p in act.params
                           if p.name in params and p.name != "num_parameters")
        lines += [f"with {values} in this block.", ""]
    if act.key == "SELU":
        lines += [f"with the fixed constants $\\lambda \\approx {float(SELU_SCALE):.10f}$ and "
                  f"$\\alpha \\approx {float(SELU_ALPHA):.10f}$.", ""]
    lines += ["Its derivative, as sympy derives it:", "", f"$$f'(x) = {df}$$"]
    return "\n".join(lines)


def _checks_table(results: list[CheckResult]) -> str:
    rows = ["| precision | forward: max error | derivative: max error | points | agrees |",
            "|---|---|---|---|---|"]
    for r in results:
        mark = "✓" if r.ok else "✗"
        rows.append(f"| {r.dtype} | {r.max_abs_err_forward:.1e} | {r.max_abs_err_grad:.1e} | "
                    f"{r.n_points} | {mark} |")
    return "\n".join(rows)


def _kink_sentence(r: KinkReport) -> str:
    if r.side in ("left", "right"):
        other = r.right if r.side == "left" else r.left
        side = f"the slope from the {r.side} (the other side's is ${other:.6g}$)"
    else:
        side = f"neither one-sided slope (left ${r.left:.6g}$, right ${r.right:.6g}$)"
    jump = f" The function itself jumps by ${_tex_number(r.jump)}$ there." if not r.continuous else ""
    if r.follows_rule:
        verdict = "This follows"
    else:
        verdict = "This **departs from**"
    rule = f"{r.rule}" + ("" if r.follows_rule or r.rule_value is None else f", here ${r.rule_value:.6g}$")
    return (f"- At $x = {r.x:g}$ autograd returns ${r.torch_grad:.10g}$, {side}.{jump} {verdict} "
            f"PyTorch's documented rule for non-differentiable points: {rule}.")


def activation_block(act: Activation | str, **params: Any) -> tuple[str, str]:
    """Return the Markdown of an activation's block: (definition and derivative, checks and kinks).

    Introduced in chapter 5 (05_activations).
    """
    act = get_activation(act) if isinstance(act, str) else act
    if not isinstance(act, Activation):
        raise TypeError(f"act must be a catalog Activation or its key, got {type(act).__name__}")
    params = act.resolve(**{**EXAMPLE_PARAMS.get(act.key, {}), **params})
    results = [check_against_autograd(act, dtype=dt, **params) for dt in (torch.float64, torch.float32)]
    kinks = kink_report(act, **params)
    after = ["Checked against `torch.autograd` at inputs out to $|x| = 100$ (a dense grid and "
             "every kink), in both precisions:", "", _checks_table(results), ""]
    if kinks:
        after += [_kink_sentence(r) for r in kinks] + [""]
    else:
        after += ["It has no kink: the derivative exists everywhere.", ""]
    after += [f"**Used in:** {act.used_in} **Original paper:** {{cite}}`{act.reference}`."]
    return _definition(act, params), "\n".join(after)


def show_activation(act: Activation | str, **params: Any) -> list[CheckResult]:
    """Display an activation's block (definition, derivative, plot, checks, kinks, paper).

    Returns the float64 and float32 check results so a page can assert on them.
    Introduced in chapter 5 (05_activations).
    """
    from IPython.display import Markdown, display

    act = get_activation(act) if isinstance(act, str) else act
    before, after = activation_block(act, **params)
    display(Markdown(before))
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    plot_activation(act, ax=ax, **params)
    plt.show()
    display(Markdown(after))
    merged = act.resolve(**{**EXAMPLE_PARAMS.get(act.key, {}), **params})
    return [check_against_autograd(act, dtype=dt, **merged) for dt in (torch.float64, torch.float32)]
