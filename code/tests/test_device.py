import pytest
import torch

import torchcourse as tc


def test_auto_picks_cuda_exactly_when_available():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert tc.get_device().type == expected


def test_cpu_is_always_cpu():
    assert tc.get_device("cpu") == torch.device("cpu")


def test_tensors_can_be_created_on_the_device():
    device = tc.get_device()
    assert torch.ones(2, device=device).device.type == device.type


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_gpu_says_why():
    with pytest.raises(RuntimeError, match=r"torch.cuda.is_available\(\) is False"):
        tc.get_device("cuda")


@pytest.mark.parametrize("prefer", ["gpu", "CUDA", "", None, 0])
def test_unknown_choice_lists_the_valid_ones(prefer):
    with pytest.raises(ValueError, match="prefer must be one of 'auto', 'cpu', 'cuda'"):
        tc.get_device(prefer)
