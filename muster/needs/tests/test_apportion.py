import pytest
from hypothesis import given
from hypothesis import strategies as st

from muster.needs.apportion import largest_remainder


def test_market_example():
    households = [524, 830, 1210, 640, 300, 980, 455, 720, 610, 1105, 390, 870]
    shares = largest_remainder(360, households)
    assert sum(shares) == 360
    whole = sum(households)
    for s, h in zip(shares, households, strict=True):
        assert abs(s - 360 * h / whole) < 1


def test_small_cases():
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(5, [0, 0]) == [3, 2]
    assert largest_remainder(0, [3, 4]) == [0, 0]
    assert largest_remainder(7, [2, 5]) == [2, 5]
    with pytest.raises(ValueError):
        largest_remainder(3, [])


@given(st.integers(0, 5000), st.lists(st.integers(0, 10_000), min_size=1, max_size=40))
def test_sums_and_stays_within_one_of_quota(total, weights):
    shares = largest_remainder(total, weights)
    assert sum(shares) == total and all(s >= 0 for s in shares)
    ws = weights if sum(weights) else [1] * len(weights)
    for s, w in zip(shares, ws, strict=True):
        q = total * w / sum(ws)
        assert q - 1 < s < q + 1
