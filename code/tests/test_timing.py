import time

import pytest

import torchcourse as tc


def test_counts_calls_and_reports_seconds_per_call():
    calls = []
    timing = tc.time_it(lambda: calls.append(1), repeat=3, number=4, warmup=2)
    assert len(calls) == 2 + 3 * 4
    assert timing.repeat == 3 and timing.number == 4
    assert 0 <= timing.best <= timing.median


def test_measures_a_known_sleep():
    timing = tc.time_it(lambda: time.sleep(0.01), repeat=3, warmup=0)
    assert 0.009 <= timing.best < 0.1


def test_str_is_readable():
    text = str(tc.Timing(best=0.001, median=0.0015, repeat=5, number=1))
    assert text == "1.5 ms per call (median of 5)"


def test_rejects_non_callables():
    with pytest.raises(TypeError, match="fn must be a callable"):
        tc.time_it(3)


@pytest.mark.parametrize("kwargs, label", [({"repeat": 0}, "repeat"), ({"number": 1.5}, "number"),
                                           ({"warmup": -1}, "warmup"), ({"repeat": True}, "repeat")])
def test_rejects_bad_counts(kwargs, label):
    with pytest.raises(ValueError, match=f"{label} must be an int"):
        tc.time_it(lambda: None, **kwargs)
