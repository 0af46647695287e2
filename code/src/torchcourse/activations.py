"""The catalog of element-wise ``torch.nn`` activations: sympy definitions with PyTorch's kinks.

Each entry is data: the torch module it describes, its parameters with PyTorch's defaults, a
sympy expression written with **PyTorch's own branch comparisons** (so that ``sp.diff`` evaluated
exactly at a kink gives the gradient autograd returns there), its kinks, its family and the paper
that introduced it. The conventions reproduced here are those of torch 2.14.1 on the CPU, as
documented in the book's activation reference.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp
import torch
from torch import nn

X: sp.Symbol = sp.Symbol("x", real=True)

FAMILIES: tuple[str, ...] = ("sigmoid", "relu", "exponential", "self-gated", "shrinkage")

# SELU's constants exactly as PyTorch's source spells them (aten/src/ATen/native/Activation.cpp).
# They enter the expression as 40-digit sympy Floats: the decimal strings padded with zeros, so the
# high-precision ground truth uses the constants PyTorch rounds from, not a float64 copy of them.
SELU_ALPHA: sp.Float = sp.Float("1.6732632423543772848170429916717", 40)
SELU_SCALE: sp.Float = sp.Float("1.0507009873554804934193349852946", 40)

# GELU's tanh approximation: 0.044715 as the exact decimal it is written as.
GELU_TANH_COEFF: sp.Rational = sp.Rational(44715, 10**6)

# A parameter equal to a fraction with a denominator up to this enters as that fraction.
_NICE_DENOMINATOR = 10**6


@dataclass(frozen=True)
class Param:
    """One parameter of an activation: its torch keyword, PyTorch's default, its LaTeX symbol.

    ``default`` is ``None`` where torch requires the argument (Threshold's ``threshold`` and
    ``value``). Introduced in chapter 5 (05_activations).
    """

    name: str
    default: float | None
    latex: str

    @property
    def symbol(self) -> sp.Symbol:
        """The real sympy Symbol that stands for this parameter in ``expr(symbolic=True)``."""
        return sp.Symbol(self.latex, real=True)


Values = Mapping[str, sp.Expr]
Numbers = Mapping[str, float]


@dataclass(frozen=True)
class Activation:
    """One catalog entry: a torch activation module described as data (see the module docstring).

    Use ``expr`` for the sympy definition, ``kinks`` for its non-differentiable points,
    ``module`` for the torch module and ``resolve`` to fill in defaults and validate parameters.
    Introduced in chapter 5 (05_activations).
    """

    key: str
    module_name: str
    family: str
    params: tuple[Param, ...]
    reference: str
    used_in: str
    _build: Callable[[Values, bool], sp.Expr] = field(repr=False)
    _module: Callable[[Numbers, torch.dtype | None, torch.device | None], nn.Module] = field(
        repr=False
    )
    _kinks: Callable[[Numbers], tuple[float, ...]] = field(repr=False, default=lambda p: ())
    _switches: Callable[[Numbers], tuple[float, ...]] | None = field(repr=False, default=None)
    _validate: Callable[[str, Numbers], None] = field(repr=False, default=lambda key, p: None)

    @property
    def param_names(self) -> tuple[str, ...]:
        """The torch keyword names of the parameters, in signature order."""
        return tuple(p.name for p in self.params)

    def resolve(self, **params: float) -> dict[str, float]:
        """Fill in PyTorch's defaults and validate; unknown names or bad values raise ValueError.

        Values are checked the way torch checks them (the message quotes torch's rule); the one
        rule stricter than torch is that every value must be a finite real number (and Softplus
        ``beta`` non-zero), which the message says. Introduced in chapter 5 (05_activations).
        """
        names = self.param_names
        unknown = sorted(set(params) - set(names))
        if unknown:
            valid = ", ".join(names) if names else "none (it takes no parameters)"
            raise ValueError(
                f"{self.key} has no parameter {', '.join(map(repr, unknown))}; "
                f"valid parameter names: {valid}"
            )
        missing = [p.name for p in self.params if p.default is None and p.name not in params]
        if missing:
            required = [p.name for p in self.params if p.default is None]
            both = "both " if len(required) == 2 else ""
            raise ValueError(
                f"{self.key} requires {both}{' and '.join(required)} (torch.nn.{self.module_name} "
                f"has no defaults for them); missing: {', '.join(missing)}"
            )
        values: dict[str, float] = {}
        for p in self.params:
            value = params.get(p.name, p.default)
            values[p.name] = _as_number(self.key, p, value)
        self._validate(self.key, values)
        return values

    def expr(
        self, symbolic: bool = False, *, exact_binary: bool = False, **params: float
    ) -> sp.Expr:
        """The sympy expression in ``X`` with PyTorch's branch comparisons.

        Numeric parameters are substituted as exact sympy numbers: a value equal to a simple
        fraction (``0.01``, ``1/3``) enters as that Rational, any other as the exact value of its
        float64. ``exact_binary=True`` always uses the float64's exact value (what torch holds;
        needed by the high-precision ground truth). With ``symbolic=True`` the parameters (and
        SELU's constants) stay Symbols and no numeric parameters may be given.
        Introduced in chapter 5 (05_activations).
        """
        if symbolic:
            if params:
                raise ValueError(
                    f"{self.key}.expr(symbolic=True) keeps the parameters as symbols; "
                    f"do not also pass values ({', '.join(sorted(params))})"
                )
            values: dict[str, sp.Expr] = {p.name: p.symbol for p in self.params}
        else:
            numbers_ = self.resolve(**params)
            values = {k: to_sympy_number(v, exact_binary=exact_binary) for k, v in numbers_.items()}
        return self._build(values, symbolic)

    def kinks(self, **params: float) -> tuple[float, ...]:
        """The points where the function is not differentiable (empty for smooth ones), sorted.

        Softplus's switch point ``threshold / beta`` counts (the function jumps there).
        Introduced in chapter 5 (05_activations).
        """
        return tuple(sorted(set(self._kinks(self.resolve(**params)))))

    def switch_points(self, **params: float) -> tuple[float, ...]:
        """Every point where the expression changes branch: the kinks plus smooth switches.

        For example CELU switches at 0 but is differentiable there; check grids contain all of
        these points. Introduced in chapter 5 (05_activations).
        """
        values = self.resolve(**params)
        builder = self._switches or self._kinks
        return tuple(sorted(set(builder(values)) | set(self._kinks(values))))

    def module(
        self,
        *,
        dtype: torch.dtype | None = None,
        device: torch.device | str | None = None,
        **params: float,
    ) -> nn.Module:
        """The ``torch.nn`` module with these parameters, in eval mode (RReLU: slope (l+u)/2).

        ``dtype``/``device`` place any learnable parameter (PReLU's weight is created directly
        in ``dtype``, not rounded through float32). Introduced in chapter 5 (05_activations).
        """
        values = self.resolve(**params)
        return self._module(values, dtype, device).eval()

    def plot_range(self, **params: float) -> tuple[float, float]:
        """An x-range showing every switch point and feature: [-6, 6] widened where needed.

        Widened to 1.25 times the largest |switch point| and, for Threshold, its ``value``.
        Introduced in chapter 5 (05_activations).
        """
        values = self.resolve(**params)
        extent = max([6.0] + [1.25 * abs(k) for k in self.switch_points(**values)])
        if "value" in values:
            extent = max(extent, 1.25 * abs(values["value"]))
        return (-extent, extent)


def to_sympy_number(value: float, exact_binary: bool = False) -> sp.Rational:
    """A float as an exact sympy Rational: the simple fraction it rounds from, else its exact value.

    ``0.01`` becomes ``1/100`` and ``1/3`` becomes ``1/3`` (both round back to the same float);
    a value with no simple fraction becomes the exact binary fraction of the float64. With
    ``exact_binary=True`` always the latter. Introduced in chapter 5 (05_activations).
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"a parameter must be a finite number, got {value!r}")
    exact = Fraction(value)
    if not exact_binary:
        nice = exact.limit_denominator(_NICE_DENOMINATOR)
        if float(nice) == value:
            exact = nice
    return sp.Rational(exact.numerator, exact.denominator)


def _as_number(key: str, param: Param, value: object) -> float:
    if param.name == "num_parameters":
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
            raise ValueError(f"{key} num_parameters must be an int >= 1, got {value!r}")
        return int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{key} {param.name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(
            f"{key} {param.name} must be a finite number, got {value!r} (torch would accept it, "
            "but the result is not a meaningful activation; this check is the catalog's own)"
        )
    return value


# --------------------------------------------------------------------------------------------
# Validation rules: each mirrors what torch itself rejects, quoting torch's message.


def _celu_rule(key: str, p: Numbers) -> None:
    if p["alpha"] == 0:
        raise ValueError(
            f"{key} alpha must be non-zero (torch raises 'alpha cannot be 0 for CELU')"
        )


def _softshrink_rule(key: str, p: Numbers) -> None:
    if p["lambd"] < 0:
        raise ValueError(
            f"{key} lambd must be in [0, inf) (torch raises 'lambda must be in range [0, ...]'), "
            f"got {p['lambd']!r}"
        )


def _hardtanh_rule(key: str, p: Numbers) -> None:
    if not p["max_val"] > p["min_val"]:
        raise ValueError(
            f"{key} needs min_val < max_val (torch.nn.Hardtanh asserts 'max_val must be greater "
            f"than min_val'), got min_val={p['min_val']!r}, max_val={p['max_val']!r}"
        )


def _rrelu_rule(key: str, p: Numbers) -> None:
    if p["lower"] > p["upper"]:
        raise ValueError(
            f"{key} needs lower <= upper (torch raises 'Lower bound should be less than or equal "
            f"to the upper bound'), got lower={p['lower']!r}, upper={p['upper']!r}; torch accepts "
            "bounds outside [0, 1]"
        )


def _softplus_rule(key: str, p: Numbers) -> None:
    if p["beta"] == 0:
        raise ValueError(
            f"{key} beta must be non-zero (the catalog's own rule: torch accepts beta=0 but "
            "divides by it, log1p(exp(0))/0 = inf)"
        )


# --------------------------------------------------------------------------------------------
# Expression builders. Each receives the parameters as sympy numbers or Symbols.


def _relu(p: Values, symbolic: bool) -> sp.Expr:
    return sp.Piecewise((0, X <= 0), (X, True))  # threshold_backward: y <= 0 ? 0 : g


def _relu6(p: Values, symbolic: bool) -> sp.Expr:
    return sp.Piecewise((0, X <= 0), (6, X >= 6), (X, True))  # hardtanh_backward(0, 6)


def _hardtanh(p: Values, symbolic: bool) -> sp.Expr:
    lo, hi = p["min_val"], p["max_val"]
    return sp.Piecewise((lo, X <= lo), (hi, X >= hi), (X, True))


def _leaky(slope: sp.Expr) -> sp.Expr:
    return sp.Piecewise((X, X > 0), (slope * X, True))  # x > 0 ? g : g * slope


def _rrelu_eval(p: Values, symbolic: bool) -> sp.Expr:
    return _leaky((p["lower"] + p["upper"]) / 2)


def _threshold(p: Values, symbolic: bool) -> sp.Expr:
    return sp.Piecewise((p["value"], X <= p["threshold"]), (X, True))


def _elu_like(negative: sp.Expr) -> sp.Expr:
    # elu_backward: x <= 0 takes the negative side, so the gradient at 0 is its slope
    return sp.Piecewise((X, X > 0), (negative, True))


def _elu(p: Values, symbolic: bool) -> sp.Expr:
    return _elu_like(p["alpha"] * (sp.exp(X) - 1))


def _celu(p: Values, symbolic: bool) -> sp.Expr:
    return _elu_like(p["alpha"] * (sp.exp(X / p["alpha"]) - 1))


def _selu(p: Values, symbolic: bool) -> sp.Expr:
    if symbolic:
        alpha, scale = sp.Symbol(r"\alpha", positive=True), sp.Symbol(r"\lambda", positive=True)
    else:
        alpha, scale = SELU_ALPHA, SELU_SCALE
    return scale * sp.Piecewise((X, X > 0), (alpha * (sp.exp(X) - 1), True))


def _softplus(p: Values, symbolic: bool) -> sp.Expr:
    beta, threshold = p["beta"], p["threshold"]
    # PyTorch: (x * beta) > threshold ? x : log1p(exp(x * beta)) / beta. sympy rewrites the
    # condition to x > threshold / beta, which is the same test except, when beta is not a power
    # of two, possibly at the one float next to threshold / beta (torch rounds the product).
    return sp.Piecewise((X, beta * X > threshold), (sp.log(1 + sp.exp(beta * X)) / beta, True))


def _hardsigmoid(p: Values, symbolic: bool) -> sp.Expr:
    # The exact 1/6; PyTorch's backward uses float32(1/6) even in float64 (see derivatives.py).
    return sp.Piecewise((0, X <= -3), (1, X >= 3), (X / 6 + sp.Rational(1, 2), True))


def _hardswish(p: Values, symbolic: bool) -> sp.Expr:
    # torch >= 2.7 (PR #148049): x <= -3 -> 0, x < 3 -> middle, else x (older: -0.5 / 1.5 at ±3).
    return sp.Piecewise((0, X <= -3), (X, X >= 3), (X * (X + 3) / 6, True))


def _hardshrink(p: Values, symbolic: bool) -> sp.Expr:
    lam = p["lambd"]
    return sp.Piecewise((0, (X >= -lam) & (X <= lam)), (X, True))


def _softshrink(p: Values, symbolic: bool) -> sp.Expr:
    lam = p["lambd"]
    return sp.Piecewise((X - lam, X > lam), (X + lam, X < -lam), (0, True))


def _gelu(p: Values, symbolic: bool) -> sp.Expr:
    return X / 2 * (1 + sp.erf(X / sp.sqrt(2)))


def _gelu_tanh(p: Values, symbolic: bool) -> sp.Expr:
    inner = sp.sqrt(2 / sp.pi) * (X + GELU_TANH_COEFF * X**3)
    return X / 2 * (1 + sp.tanh(inner))


def _const(expression: sp.Expr) -> Callable[[Values, bool], sp.Expr]:
    return lambda p, symbolic: expression


# --------------------------------------------------------------------------------------------
# Module factories and kink locations.


def _plain(cls: type[nn.Module], **kwargs: object) -> Callable[..., nn.Module]:
    return lambda p, dtype, device: cls(**kwargs)


def _with(cls: type[nn.Module], *names: str) -> Callable[..., nn.Module]:
    return lambda p, dtype, device: cls(**{n: p[n] for n in names})


def _prelu_module(p: Numbers, dtype: torch.dtype | None, device: object) -> nn.Module:
    return nn.PReLU(num_parameters=int(p["num_parameters"]), init=p["init"], dtype=dtype,
                    device=device)


def _unless(condition: Callable[[Numbers], bool], points: Callable[[Numbers], tuple]) -> Callable:
    return lambda p: () if condition(p) else points(p)


def _shrink_points(p: Numbers) -> tuple[float, ...]:
    lam = p["lambd"]
    return (-lam, lam) if lam >= 0 else ()


def _at_zero(p: Numbers) -> tuple[float, ...]:
    return (0.0,)


_SIGMOID = 1 / (1 + sp.exp(-X))


def _entry(key: str, family: str, build: Callable, module: Callable, *, params: tuple = (),
           kinks: Callable = lambda p: (), switches: Callable | None = None,
           validate: Callable = lambda key, p: None, module_name: str | None = None,
           reference: str, used_in: str) -> Activation:
    return Activation(key=key, module_name=module_name or key, family=family, params=params,
                      reference=reference, used_in=used_in, _build=build, _module=module,
                      _kinks=kinks, _switches=switches, _validate=validate)


_ENTRIES = [
    # ---- sigmoid family
    _entry("Sigmoid", "sigmoid", _const(_SIGMOID), _plain(nn.Sigmoid),
           reference="rumelhart1986learning",
           used_in="Binary-classification outputs and the gates of LSTM and GRU cells."),
    _entry("Tanh", "sigmoid", _const(sp.tanh(X)), _plain(nn.Tanh),
           reference="lecun1998efficient",
           used_in="Recurrent networks (the cell update of LSTM and GRU) and bounded outputs."),
    _entry("LogSigmoid", "sigmoid", _const(-sp.log(1 + sp.exp(-X))), _plain(nn.LogSigmoid),
           reference="rumelhart1986learning",
           used_in="Numerically stable log-probabilities for binary and word2vec-style "
                   "negative-sampling losses."),
    _entry("Softsign", "sigmoid", _const(X / (1 + sp.Abs(X))), _plain(nn.Softsign),
           reference="glorot2010understanding",
           used_in="A cheaper, more slowly saturating alternative to tanh; rare in modern "
                   "models."),
    _entry("Hardsigmoid", "sigmoid", _hardsigmoid, _plain(nn.Hardsigmoid),
           kinks=lambda p: (-3.0, 3.0), reference="howard2019searching",
           used_in="Squeeze-and-excitation gates of MobileNetV3 on mobile hardware."),
    _entry("Hardtanh", "sigmoid", _hardtanh, _with(nn.Hardtanh, "min_val", "max_val"),
           params=(Param("min_val", -1.0, "a"), Param("max_val", 1.0, "b")),
           kinks=lambda p: (p["min_val"], p["max_val"]), validate=_hardtanh_rule,
           reference="collobert2011natural",
           used_in="Clipping activations to a fixed range, e.g. in quantised and binarised "
                   "networks."),
    # ---- ReLU family
    _entry("ReLU", "relu", _relu, _plain(nn.ReLU), kinks=_at_zero, reference="nair2010rectified",
           used_in="The default hidden-layer activation of convolutional and fully connected "
                   "networks since AlexNet."),
    _entry("ReLU6", "relu", _relu6, _plain(nn.ReLU6), kinks=lambda p: (0.0, 6.0),
           reference="krizhevsky2010convolutional",
           used_in="MobileNetV1/V2, where the bounded range suits low-precision inference."),
    _entry("LeakyReLU", "relu", lambda p, s: _leaky(p["negative_slope"]),
           _with(nn.LeakyReLU, "negative_slope"),
           params=(Param("negative_slope", 0.01, r"\alpha"),),
           kinks=_unless(lambda p: p["negative_slope"] == 1, _at_zero), switches=_at_zero,
           reference="maas2013rectifier",
           used_in="GAN discriminators (DCGAN) and detectors such as YOLO, to keep negative "
                   "inputs' gradients alive."),
    _entry("PReLU", "relu", lambda p, s: _leaky(p["init"]), _prelu_module,
           params=(Param("num_parameters", 1, "n"), Param("init", 0.25, "a")),
           kinks=_unless(lambda p: p["init"] == 1, _at_zero), switches=_at_zero,
           reference="he2015delving",
           used_in="Image classifiers (the PReLU-nets that first passed human-level ImageNet "
                   "accuracy) and face-recognition networks."),
    _entry("RReLU", "relu", _rrelu_eval,
           lambda p, dtype, device: nn.RReLU(lower=p["lower"], upper=p["upper"]),
           params=(Param("lower", 1 / 8, "l"), Param("upper", 1 / 3, "u")),
           kinks=_unless(lambda p: (p["lower"] + p["upper"]) / 2 == 1, _at_zero), switches=_at_zero,
           validate=_rrelu_rule, reference="xu2015empirical",
           used_in="A regulariser for small image data sets, first used in Kaggle's National "
                   "Data Science Bowl (plankton images); rare in large models."),
    _entry("Threshold", "relu", _threshold, _with(nn.Threshold, "threshold", "value"),
           params=(Param("threshold", None, r"\theta"), Param("value", None, "v")),
           kinks=lambda p: (p["threshold"],), reference="mcculloch1943logical",
           used_in="Replacing small inputs by a constant; ReLU is Threshold(0, 0)."),
    # ---- exponential family
    _entry("ELU", "exponential", _elu, _with(nn.ELU, "alpha"),
           params=(Param("alpha", 1.0, r"\alpha"),),
           kinks=_unless(lambda p: p["alpha"] == 1, _at_zero), switches=_at_zero,
           reference="clevert2016fast",
           used_in="Deep fully connected and convolutional networks that benefit from "
                   "zero-centred activations."),
    _entry("CELU", "exponential", _celu, _with(nn.CELU, "alpha"),
           params=(Param("alpha", 1.0, r"\alpha"),), switches=_at_zero, validate=_celu_rule,
           reference="barron2017continuously",
           used_in="A continuously differentiable ELU for any alpha; a drop-in ELU replacement."),
    _entry("SELU", "exponential", _selu, _plain(nn.SELU), kinks=_at_zero,
           reference="klambauer2017self",
           used_in="Self-normalising deep fully connected networks (with lecun_normal init and "
                   "AlphaDropout)."),
    # ---- smooth self-gated
    _entry("GELU", "self-gated", _gelu, _plain(nn.GELU, approximate="none"),
           reference="hendrycks2016gaussian",
           used_in="Transformers: BERT, GPT-2/3 and ViT use it in their feed-forward blocks."),
    _entry("GELU_tanh", "self-gated", _gelu_tanh, _plain(nn.GELU, approximate="tanh"),
           module_name="GELU", reference="hendrycks2016gaussian",
           used_in="The original BERT and GPT-2 code, which used this faster approximation."),
    _entry("SiLU", "self-gated", _const(X * _SIGMOID), _plain(nn.SiLU),
           reference="elfwing2018sigmoid",
           used_in="EfficientNet, YOLOv5 and the SwiGLU feed-forward blocks of LLaMA-style "
                   "models."),
    _entry("Mish", "self-gated", _const(X * sp.tanh(sp.log(1 + sp.exp(X)))), _plain(nn.Mish),
           reference="misra2020mish",
           used_in="Object detectors such as YOLOv4 (in its CSPDarknet53 backbone)."),
    _entry("Softplus", "self-gated", _softplus, _with(nn.Softplus, "beta", "threshold"),
           params=(Param("beta", 1.0, r"\beta"), Param("threshold", 20.0, r"\tau")),
           kinks=lambda p: (p["threshold"] / p["beta"],), validate=_softplus_rule,
           reference="dugas2001incorporating",
           used_in="Producing positive outputs such as variances and rates, e.g. the scale of a "
                   "Gaussian in VAEs and probabilistic regression."),
    _entry("Hardswish", "self-gated", _hardswish, _plain(nn.Hardswish),
           kinks=lambda p: (-3.0, 3.0), reference="howard2019searching",
           used_in="MobileNetV3 and other networks for mobile inference."),
    # ---- shrinkage
    _entry("Hardshrink", "shrinkage", _hardshrink, _with(nn.Hardshrink, "lambd"),
           params=(Param("lambd", 0.5, r"\lambda"),),
           kinks=_unless(lambda p: p["lambd"] <= 0, _shrink_points), switches=_shrink_points,
           reference="donoho1994ideal",
           used_in="Hard-thresholding in sparse coding and wavelet denoising."),
    _entry("Softshrink", "shrinkage", _softshrink, _with(nn.Softshrink, "lambd"),
           params=(Param("lambd", 0.5, r"\lambda"),),
           kinks=_unless(lambda p: p["lambd"] <= 0, _shrink_points), switches=_shrink_points,
           validate=_softshrink_rule, reference="donoho1995denoising",
           used_in="The proximal step of ISTA/LISTA for L1-regularised sparse coding."),
    _entry("Tanhshrink", "shrinkage", _const(X - sp.tanh(X)), _plain(nn.Tanhshrink),
           reference="collobert2011torch7",
           used_in="Rare in practice; inherited from Lua Torch as a smooth shrinkage "
                   "(x - tanh x)."),
]

CATALOG: dict[str, Activation] = {
    a.key: a for a in sorted(_ENTRIES, key=lambda a: (FAMILIES.index(a.family), a.key))
}

# Parameters to use where the caller gives none and torch has no defaults.
EXAMPLE_PARAMS: dict[str, dict[str, float]] = {"Threshold": {"threshold": 0.1, "value": 20.0}}

# At least two non-default parameter sets per parameterised entry, for tests and tables. Softplus
# uses powers of two for beta, where beta * x is exact and torch's switch is exactly threshold/beta.
NON_DEFAULT_PARAMS: dict[str, list[dict[str, float]]] = {
    "Hardtanh": [{"min_val": -2.0, "max_val": 3.0}, {"min_val": 0.0, "max_val": 0.5}],
    "LeakyReLU": [{"negative_slope": 0.2}, {"negative_slope": 2.0}, {"negative_slope": -0.5}],
    "PReLU": [{"init": 0.1}, {"init": -0.5}, {"num_parameters": 3, "init": 0.25}],
    "RReLU": [{"lower": 0.1, "upper": 0.3}, {"lower": 0.0, "upper": 1.0}],
    "Threshold": [{"threshold": 0.1, "value": 20.0}, {"threshold": -1.0, "value": -3.0}],
    "CELU": [{"alpha": 2.0}, {"alpha": 0.5}],
    "ELU": [{"alpha": 0.5}, {"alpha": 2.0}],
    "Softplus": [{"beta": 2.0, "threshold": 5.0}, {"beta": 0.5, "threshold": 10.0}],
    "Hardshrink": [{"lambd": 1.0}, {"lambd": 0.0}],
    "Softshrink": [{"lambd": 1.0}, {"lambd": 2.5}],
}


def get_activation(key: str) -> Activation:
    """The catalog entry for ``key`` (exact, case-sensitive); a KeyError lists the valid keys.

    The message suggests the closest key, e.g. ``'relu'`` → did you mean ``'ReLU'``?
    Introduced in chapter 5 (05_activations).
    """
    if isinstance(key, Activation):
        return key
    if isinstance(key, str) and key in CATALOG:
        return CATALOG[key]
    hint = ""
    if isinstance(key, str):
        folded = {k.casefold(): k for k in CATALOG}
        close = difflib.get_close_matches(key.casefold(), list(folded), n=1, cutoff=0.5)
        if close:
            hint = f" (did you mean {folded[close[0]]!r}?)"
    raise KeyError(f"no activation {key!r} in the catalog{hint}. Valid keys: {', '.join(CATALOG)}")


def default_params(key: str | Activation) -> dict[str, float]:
    """The parameters a check uses when given none: PyTorch's defaults, or EXAMPLE_PARAMS.

    Introduced in chapter 5 (05_activations).
    """
    act = get_activation(key)
    return act.resolve(**EXAMPLE_PARAMS.get(act.key, {}))


def parameter_sets(key: str | Activation) -> list[dict[str, float]]:
    """The default (or example) parameters followed by every NON_DEFAULT_PARAMS set, resolved.

    Introduced in chapter 5 (05_activations).
    """
    act = get_activation(key)
    sets = [default_params(act)]
    for extra in NON_DEFAULT_PARAMS.get(act.key, []):
        resolved = act.resolve(**extra)
        if resolved not in sets:
            sets.append(resolved)
    return sets
