import random

import numpy as np
import pytest
import torch

import torchcourse as tc


def draws():
    return random.random(), np.random.rand(), torch.rand(3).tolist()


def test_same_seed_same_numbers_from_every_generator():
    tc.set_seed(123)
    first = draws()
    tc.set_seed(123)
    assert draws() == first


def test_different_seed_different_numbers():
    tc.set_seed(1)
    first = draws()
    tc.set_seed(2)
    second = draws()
    assert all(a != b for a, b in zip(first, second))


def test_numpy_integer_seed_is_accepted():
    tc.set_seed(np.int64(7))
    a = torch.rand(2)
    tc.set_seed(7)
    assert torch.equal(a, torch.rand(2))


def test_deterministic_flag_toggles_torch_setting():
    try:
        tc.set_seed(0, deterministic=True)
        assert torch.are_deterministic_algorithms_enabled()
    finally:
        tc.set_seed(0)
    assert not torch.are_deterministic_algorithms_enabled()


@pytest.mark.parametrize("seed", [1.5, "3", None, True])
def test_seed_of_wrong_type_names_what_is_expected(seed):
    with pytest.raises(TypeError, match=r"seed must be an int in \[0, 4294967295\]"):
        tc.set_seed(seed)


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_seed_out_of_range_names_the_range(seed):
    with pytest.raises(ValueError, match=r"seed must be an int in \[0, 4294967295\]"):
        tc.set_seed(seed)


def test_deterministic_must_be_bool():
    with pytest.raises(TypeError, match="deterministic must be True or False"):
        tc.set_seed(0, deterministic="yes")
