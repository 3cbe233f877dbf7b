from hypothesis import given
from hypothesis import strategies as st

from muster.canvass.planning import Unit, cut, imbalance


def test_cut_keeps_units_whole_and_in_order():
    units = [Unit(b, u, 6) for b in range(4) for u in ("1", "2")]
    runs = cut(units, 4)
    assert len(runs) == 4 and imbalance(runs) == 0
    assert [u for r in runs for u in r] == units
    assert all(len({u.building for u in r}) == 1 for r in runs)  # a building is not split when it need not be


def test_cut_more_lists_than_units_gives_one_unit_each():
    runs = cut([Unit(1, "1", 5), Unit(1, "2", 3)], 5)
    assert [len(r) for r in runs] == [1, 1]


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=60), st.integers(min_value=1, max_value=12))
def test_every_unit_once_and_within_one_unit_of_the_share(sizes, lists):
    units = [Unit(i // 3, str(i % 3), n) for i, n in enumerate(sizes)]
    runs = cut(units, lists)
    flat = [u for r in runs for u in r]
    assert flat == [u for u in units if u.households]
    if flat:
        biggest = max(u.households for u in flat)
        assert len(runs) == min(lists, len(flat))
        assert imbalance(runs) <= 2 * biggest
