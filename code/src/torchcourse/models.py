"""Small models the chapters train on the digits: an MLP and a CNN of configurable activation."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from torch import nn

ActivationSpec = str | Callable[[], nn.Module]


def _activation_factory(activation: ActivationSpec) -> Callable[[], nn.Module]:
    if isinstance(activation, str):
        cls = getattr(nn, activation, None)
        if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
            raise ValueError(
                f"activation must name a torch.nn module such as 'ReLU' or 'GELU'; got {activation!r}"
            )
        return cls
    if callable(activation):
        return activation
    raise TypeError(
        "activation must be a torch.nn class name (str) or a callable returning a module; "
        f"got {type(activation).__name__}"
    )


def _positive_ints(name: str, values: Sequence[int]) -> list[int]:
    values = list(values)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        raise ValueError(f"{name} must be positive ints; got {values!r}")
    return values


def mlp(
    in_features: int,
    hidden: Sequence[int],
    out_features: int,
    activation: ActivationSpec = "ReLU",
) -> nn.Sequential:
    """Build Linear → activation → … → Linear with the given hidden widths.

    ``activation`` is a ``torch.nn`` class name (``"GELU"``) or a zero-argument callable returning a
    fresh module (``lambda: nn.LeakyReLU(0.1)``); each hidden layer gets its own instance.
    Introduced in chapter 4 (04_models/01_modules).
    """
    in_features, out_features = _positive_ints(
        "in_features and out_features", [in_features, out_features]
    )
    widths = [in_features, *_positive_ints("hidden", hidden)]
    make = _activation_factory(activation)
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        layers += [nn.Linear(fan_in, fan_out), make()]
    layers.append(nn.Linear(widths[-1], out_features))
    return nn.Sequential(*layers)


def small_cnn(
    channels: Sequence[int] = (16, 32),
    num_classes: int = 10,
    activation: ActivationSpec = "ReLU",
    in_channels: int = 1,
) -> nn.Sequential:
    """Build a small CNN for 8 x 8 digits: [Conv3x3 → activation → MaxPool2]… → global average pool → Linear.

    Every convolution keeps the spatial size (padding 1); each block but the last halves it.
    Introduced in chapter 4 (04_models/02_convolution).
    """
    channels = _positive_ints("channels", channels)
    if not channels:
        raise ValueError("channels must name at least one convolution width")
    (num_classes, in_channels) = _positive_ints(
        "num_classes and in_channels", [num_classes, in_channels]
    )
    make = _activation_factory(activation)
    layers: list[nn.Module] = []
    previous = in_channels
    for i, width in enumerate(channels):
        layers += [nn.Conv2d(previous, width, kernel_size=3, padding=1), make()]
        if i < len(channels) - 1:
            layers.append(nn.MaxPool2d(2))
        previous = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(previous, num_classes)]
    return nn.Sequential(*layers)


def count_parameters(model: nn.Module, *, trainable_only: bool = False) -> int:
    """Return the number of scalar parameters of ``model`` (only trainable ones if asked).

    Introduced in chapter 4 (04_models/01_modules).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
