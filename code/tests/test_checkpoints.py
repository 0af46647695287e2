import random

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import torchcourse as tc


def _draws(generator=None):
    """One number from every generator rng_state covers."""
    values = [random.random(), float(np.random.rand()), torch.rand(1).item()]
    if generator is not None:
        values.append(torch.rand(1, generator=generator).item())
    return values


def test_rng_state_round_trip_restores_every_generator():
    generator = torch.Generator().manual_seed(5)
    tc.set_seed(1)
    np.random.randn()  # leave NumPy with a cached Gaussian, which the state must carry
    state = tc.rng_state(generator)
    first = _draws(generator) + [float(np.random.randn())]
    _draws(generator)
    tc.set_rng_state(state, generator)
    assert _draws(generator) + [float(np.random.randn())] == first


def test_rng_state_survives_weights_only_loading(tmp_path):
    generator = torch.Generator().manual_seed(7)
    state = tc.rng_state(generator)
    expected = _draws(generator)
    torch.save(state, tmp_path / "rng.pt")
    assert torch.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "rng.pt") == []
    tc.set_rng_state(torch.load(tmp_path / "rng.pt", weights_only=True), generator)
    assert _draws(generator) == expected


def _setup(seed):
    """Model with dropout, AdamW, StepLR and a shuffling loader with its own generator."""
    torch.manual_seed(seed)
    data_gen = torch.Generator().manual_seed(0)
    x = torch.randn(96, 4, generator=data_gen)
    y = (x[:, 0] + x[:, 1] > 0).long()
    loader = DataLoader(
        TensorDataset(x, y),
        batch_size=16,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    return model, optimizer, scheduler, loader


def _train(model, optimizer, scheduler, loader, epochs):
    for _ in range(epochs):
        tc.train_epoch(model, loader, optimizer)
        scheduler.step()


def _resume(tmp_path, restore_rng):
    model, optimizer, scheduler, loader = _setup(seed=0)
    _train(model, optimizer, scheduler, loader, 2)
    path = tmp_path / "ckpt.pt"
    tc.save_checkpoint(path, model, optimizer, scheduler, epoch=2, generator=loader.generator)
    torch.manual_seed(123)  # the process moves on: every RNG is somewhere else now
    model, optimizer, scheduler, loader = _setup(seed=99)
    checkpoint = tc.load_checkpoint(
        path,
        model,
        optimizer,
        scheduler,
        generator=loader.generator if restore_rng else None,
        restore_rng=restore_rng,
    )
    _train(model, optimizer, scheduler, loader, 4 - checkpoint["epoch"])
    return model, optimizer, scheduler


def test_resume_is_bit_identical_to_an_uninterrupted_run(tmp_path):
    model, optimizer, scheduler, loader = _setup(seed=0)
    _train(model, optimizer, scheduler, loader, 4)
    resumed, resumed_optimizer, resumed_scheduler = _resume(tmp_path, restore_rng=True)
    for a, b in zip(model.parameters(), resumed.parameters(), strict=True):
        assert torch.equal(a, b)
    assert resumed_scheduler.get_last_lr() == scheduler.get_last_lr()
    assert resumed_optimizer.state_dict()["state"][0]["step"] == 4 * len(loader)
    # Without the RNG states (dropout masks, shuffling order) the runs part ways.
    drifted, _, _ = _resume(tmp_path, restore_rng=False)
    assert not all(torch.equal(a, b) for a, b in zip(model.parameters(), drifted.parameters()))


def test_checkpoint_round_trip_keeps_everything(tmp_path):
    model, optimizer, scheduler, loader = _setup(seed=0)
    _train(model, optimizer, scheduler, loader, 1)
    path = tmp_path / "ckpt.pt"
    saved = tc.save_checkpoint(
        path, model, optimizer, scheduler, epoch=1, extra={"val_loss": [0.5], "note": "x"}
    )
    assert not (tmp_path / "ckpt.pt.partial").exists()
    assert torch.serialization.get_unsafe_globals_in_checkpoint(path) == []
    fresh, fresh_optimizer, fresh_scheduler, _ = _setup(seed=1)
    loaded = tc.load_checkpoint(path, fresh, fresh_optimizer, fresh_scheduler)
    assert loaded["epoch"] == 1 and loaded["extra"] == {"val_loss": [0.5], "note": "x"}
    assert set(loaded) == set(saved)
    for key, value in model.state_dict().items():
        assert torch.equal(value, fresh.state_dict()[key])
    exp_avg = optimizer.state_dict()["state"][0]["exp_avg"]
    assert torch.equal(fresh_optimizer.state_dict()["state"][0]["exp_avg"], exp_avg)
    assert fresh_scheduler.last_epoch == scheduler.last_epoch == 1


def test_model_only_checkpoint(tmp_path):
    model = nn.Linear(3, 2)
    tc.save_checkpoint(tmp_path / "m.pt", model, epoch=0)
    other = nn.Linear(3, 2)
    tc.load_checkpoint(tmp_path / "m.pt", other, restore_rng=False)
    assert torch.equal(model.weight, other.weight)
    with pytest.raises(ValueError, match="holds no optimizer state"):
        tc.load_checkpoint(tmp_path / "m.pt", other, torch.optim.SGD(other.parameters(), lr=0.1))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"model": "net"}, TypeError, "model must be a torch.nn.Module"),
        ({"optimizer": "adam"}, TypeError, "optimizer must be a torch.optim.Optimizer"),
        ({"scheduler": 0.1}, TypeError, "scheduler must be a torch.optim.lr_scheduler"),
        ({"epoch": -1}, ValueError, "epoch must be a non-negative int"),
        ({"epoch": True}, ValueError, "epoch must be a non-negative int"),
        ({"epoch": 2.0}, ValueError, "epoch must be a non-negative int"),
        ({"generator": 3}, TypeError, "generator must be a torch.Generator"),
        ({"extra": [1]}, TypeError, "extra must be a mapping"),
        ({"extra": {"w": np.zeros(2)}}, TypeError, r"extra\['w'\] is a ndarray"),
        ({"extra": {"cfg": {"lr": object()}}}, TypeError, r"extra\['cfg'\]\['lr'\] is a object"),
        ({"path": 3}, TypeError, "path must be a str or os.PathLike"),
    ],
)
def test_save_checkpoint_rejects_bad_arguments(tmp_path, kwargs, error, message):
    arguments = {"path": tmp_path / "c.pt", "model": nn.Linear(2, 2), "epoch": 0, **kwargs}
    with pytest.raises(error, match=message):
        tc.save_checkpoint(**arguments)
    assert not (tmp_path / "c.pt").exists()


def test_load_checkpoint_reports_bad_files(tmp_path):
    model = nn.Linear(2, 2)
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        tc.load_checkpoint(tmp_path / "missing.pt", model)
    torch.save(torch.zeros(2), tmp_path / "tensor.pt")
    with pytest.raises(TypeError, match="holds a Tensor, not a checkpoint"):
        tc.load_checkpoint(tmp_path / "tensor.pt", model)
    torch.save(model.state_dict(), tmp_path / "weights.pt")
    with pytest.raises(KeyError, match=r"lacks \['format', 'epoch'"):
        tc.load_checkpoint(tmp_path / "weights.pt", model)
    saved = tc.save_checkpoint(tmp_path / "c.pt", model, epoch=0)
    torch.save({**saved, "format": 99}, tmp_path / "future.pt")
    with pytest.raises(ValueError, match="format 99 is not supported"):
        tc.load_checkpoint(tmp_path / "future.pt", model)
    with pytest.raises(RuntimeError, match="size mismatch"):
        tc.load_checkpoint(tmp_path / "c.pt", nn.Linear(2, 3))
    with pytest.raises(KeyError, match="no 'generator' entry"):
        tc.load_checkpoint(tmp_path / "c.pt", model, generator=torch.Generator())
    with pytest.raises(ValueError, match="restore_rng=False"):
        tc.load_checkpoint(tmp_path / "c.pt", model, generator=torch.Generator(), restore_rng=False)


def test_load_checkpoint_refuses_pickled_code(tmp_path):
    class Payload:
        def __reduce__(self):
            return (print, ("should never run",))

    model = nn.Linear(2, 2)
    saved = tc.save_checkpoint(tmp_path / "c.pt", model, epoch=0)
    torch.save({**saved, "extra": {"payload": Payload()}}, tmp_path / "evil.pt")
    with pytest.raises(Exception, match="Unsupported global"):
        tc.load_checkpoint(tmp_path / "evil.pt", model)


def test_set_rng_state_reports_bad_states():
    with pytest.raises(TypeError, match="state must be a mapping"):
        tc.set_rng_state([1, 2])
    with pytest.raises(KeyError, match=r"lacks \['numpy'\]"):
        tc.set_rng_state({"python": None, "torch": None, "cuda": []})
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        tc.rng_state(generator="g")
