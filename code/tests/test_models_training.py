import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import torchcourse as tc


def test_mlp_layers_and_parameter_count():
    model = tc.mlp(64, [32, 16], 10, activation="Tanh")
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert tc.count_parameters(model) == 64 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10


def test_mlp_makes_a_fresh_activation_per_layer():
    model = tc.mlp(4, [3, 3], 2, activation=nn.PReLU)
    prelus = [m for m in model if isinstance(m, nn.PReLU)]
    assert len(prelus) == 2 and prelus[0] is not prelus[1]


def test_small_cnn_maps_digit_images_to_logits():
    model = tc.small_cnn(channels=(4, 8), activation="GELU")
    assert model(torch.zeros(5, 1, 8, 8)).shape == (5, 10)


def test_count_parameters_trainable_only():
    model = tc.mlp(2, [3], 1)
    model[0].weight.requires_grad_(False)
    assert tc.count_parameters(model, trainable_only=True) == tc.count_parameters(model) - 6


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: tc.mlp(4, [3], 2, activation="Relu"), ValueError, "must name a torch.nn module"),
        (lambda: tc.mlp(4, [3], 2, activation=3), TypeError, "activation must be"),
        (lambda: tc.mlp(4, [0], 2), ValueError, "hidden must be positive ints"),
        (lambda: tc.small_cnn(channels=()), ValueError, "at least one convolution"),
        (lambda: tc.count_parameters("model"), TypeError, "torch.nn.Module"),
    ],
)
def test_bad_model_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def _toy_loaders():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(256, 2, generator=g)
    y = (x[:, 0] * x[:, 1] > 0).long()
    data = TensorDataset(x, y)
    return DataLoader(data, batch_size=32, shuffle=True, generator=g), DataLoader(data, batch_size=256)


def test_fit_learns_xor_like_data_and_keeps_the_best_epoch():
    torch.manual_seed(0)
    train, val = _toy_loaders()
    model = tc.mlp(2, [32], 2)
    before = tc.evaluate(model, val)
    history = tc.fit(model, train, val, torch.optim.Adam(model.parameters(), 0.05), epochs=30)
    after = tc.evaluate(model, val)
    assert history.epochs == 30 and after.accuracy > 0.9 > before.accuracy
    assert after.loss == pytest.approx(min(history.val_loss))
    assert history.val_loss[history.best_epoch] == min(history.val_loss)


def test_fit_stops_early_when_validation_does_not_improve():
    torch.manual_seed(0)
    train, val = _toy_loaders()
    model = tc.mlp(2, [8], 2)
    # a learning rate of zero never changes the weights, so the loss never improves after epoch 0
    history = tc.fit(model, train, val, torch.optim.SGD(model.parameters(), lr=0.0), epochs=10, patience=2)
    assert history.stopped_early and history.epochs == 3 and history.best_epoch == 0


def test_train_epoch_clips_gradients():
    train, _ = _toy_loaders()
    model = tc.mlp(2, [8], 2)
    seen = []
    model[0].weight.register_hook(lambda g: seen.append(g.norm().item()))

    class Recorder(torch.optim.SGD):
        def step(self, closure=None):
            norms = [p.grad.norm() for p in model.parameters()]
            seen.append(torch.linalg.vector_norm(torch.stack(norms)).item())
            return super().step(closure)

    tc.train_epoch(model, train, Recorder(model.parameters(), lr=0.1), clip_grad_norm=1e-3)
    assert max(seen[1::2]) <= 1e-3 * (1 + 1e-5)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"epochs": 0}, "epochs must be a positive int"), ({"epochs": 2, "patience": 0}, "patience")],
)
def test_fit_rejects_bad_counts(kwargs, message):
    train, val = _toy_loaders()
    model = tc.mlp(2, [4], 2)
    with pytest.raises(ValueError, match=message):
        tc.fit(model, train, val, torch.optim.SGD(model.parameters(), lr=0.1), **kwargs)


def test_evaluate_rejects_an_empty_loader():
    with pytest.raises(ValueError, match="no batches"):
        tc.evaluate(tc.mlp(2, [4], 2), [])
