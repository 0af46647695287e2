"""Helpers shared by the chapters of the PyTorch course book.

Import it as ``import torchcourse as tc``. Every public name is re-exported here, so a chapter
reads ``tc.set_seed(0)``; the modules stay small and each does one thing.
"""

from torchcourse.activations import (
    CATALOG,
    EXAMPLE_PARAMS,
    FAMILIES,
    NON_DEFAULT_PARAMS,
    Activation,
    Param,
    get_activation,
)
from torchcourse.adaptive import adaptive_log_prob, adaptive_output
from torchcourse.attention import multihead_attention
from torchcourse.blocks import activation_block, show_activation, to_latex
from torchcourse.derivatives import (
    CheckResult,
    UlpReport,
    autograd_derivative,
    check_against_autograd,
    check_all,
    check_grid,
    check_prelu_weight_grad,
    check_rrelu_training,
    derivative,
    prelu_weight_derivative,
    to_numpy,
    true_derivative,
    ulp_distance,
    ulp_error,
)
from torchcourse.data import (
    DIGITS_CLASSES,
    DigitsLoaders,
    DigitsSplit,
    digits_loaders,
    digits_split,
    load_digits_tensors,
    seed_worker,
)
from torchcourse.device import get_device
from torchcourse.diagrams import draw_broadcast, draw_memory_layout, draw_storage, draw_tensor
from torchcourse.expectations import gaussian_expectation
from torchcourse.glue import glue
from torchcourse.images import show_images, to_display_array
from torchcourse.jacobians import (
    JACOBIAN_NAMES,
    JacobianCheck,
    check_jacobian,
    glu_jacobian,
    log_softmax_jacobian,
    multidim_jacobian,
    multidim_outputs,
    softmax_jacobian,
    softmin_jacobian,
)
from torchcourse.kinks import KinkReport, kink_report
from torchcourse.models import count_parameters, mlp, small_cnn
from torchcourse.plotting import plot_activation
from torchcourse.reproducibility import set_seed
from torchcourse.style import BOOK_COLORS, use_book_style
from torchcourse.timing import Timing, time_it
from torchcourse.training import Evaluation, History, evaluate, fit, train_epoch

__version__ = "0.1.0"

__all__ = [
    "Activation",
    "activation_block",
    "adaptive_log_prob",
    "adaptive_output",
    "autograd_derivative",
    "BOOK_COLORS",
    "CATALOG",
    "check_against_autograd",
    "check_all",
    "check_grid",
    "check_jacobian",
    "check_prelu_weight_grad",
    "check_rrelu_training",
    "CheckResult",
    "count_parameters",
    "derivative",
    "DIGITS_CLASSES",
    "digits_loaders",
    "digits_split",
    "DigitsLoaders",
    "DigitsSplit",
    "draw_broadcast",
    "draw_memory_layout",
    "draw_storage",
    "draw_tensor",
    "evaluate",
    "Evaluation",
    "EXAMPLE_PARAMS",
    "FAMILIES",
    "fit",
    "gaussian_expectation",
    "get_activation",
    "get_device",
    "glu_jacobian",
    "glue",
    "History",
    "JACOBIAN_NAMES",
    "JacobianCheck",
    "kink_report",
    "KinkReport",
    "load_digits_tensors",
    "log_softmax_jacobian",
    "mlp",
    "multidim_jacobian",
    "multidim_outputs",
    "multihead_attention",
    "NON_DEFAULT_PARAMS",
    "Param",
    "plot_activation",
    "prelu_weight_derivative",
    "seed_worker",
    "set_seed",
    "show_activation",
    "show_images",
    "small_cnn",
    "softmax_jacobian",
    "softmin_jacobian",
    "time_it",
    "Timing",
    "to_display_array",
    "to_latex",
    "to_numpy",
    "train_epoch",
    "true_derivative",
    "ulp_distance",
    "ulp_error",
    "UlpReport",
    "use_book_style",
    "__version__",
]
