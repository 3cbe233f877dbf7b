"""Each cost term: the solver pays exactly what the validator charges, and no more than it must."""

from __future__ import annotations

from muster.rosters.solver import SolveStatus

from .helpers import instance, solved

NIGHT = {"id": "N", "length_minutes": 480, "start_minute": 22 * 60}
DAY = {"id": "D", "length_minutes": 480, "start_minute": 8 * 60}


def penalties(res) -> dict[str, int]:
    return {p.rule: p.amount for p in res.penalties}


def test_under_cover_costs_its_weight_per_person_short():
    inp = instance(1, [{"id": "A"}, {"id": "B"}], cover=[{"day": 0, "shift": "D", "requirement": 3,
                                                         "under_weight": 40}])
    res = solved(inp)
    assert res.status == SolveStatus.OPTIMAL and res.objective == 40
    assert res.roster == {"A": ["D"], "B": ["D"]}


def test_over_cover_costs_its_weight_per_person_too_many():
    inp = instance(1, [{"id": "A", "min_total_minutes": 480}, {"id": "B", "min_total_minutes": 480}],
                   cover=[{"day": 0, "shift": "D", "requirement": 1, "over_weight": 7}])
    assert solved(inp).objective == 7


def test_cover_is_met_when_possible():
    inp = instance(2, [{"id": "A"}, {"id": "B"}], cover=[{"day": d, "shift": "D", "requirement": 1}
                                                         for d in range(2)])
    res = solved(inp)
    assert res.objective == 0
    assert [sum(res.roster[e][d] == "D" for e in "AB") for d in range(2)] == [1, 1]


def test_on_request_granted_when_free():
    inp = instance(2, [{"id": "A"}], on_requests=[{"employee": "A", "day": 1, "shift": "D", "weight": 3}])
    res = solved(inp)
    assert res.objective == 0 and res.roster["A"][1] == "D"


def test_on_request_refused_costs_its_weight():
    inp = instance(2, [{"id": "A", "days_off": [1]}],
                   on_requests=[{"employee": "A", "day": 1, "shift": "D", "weight": 3}])
    res = solved(inp)
    assert res.objective == 3 and penalties(res) == {"on_requests": 3}


def test_off_request_for_one_shift():
    inp = instance(1, [{"id": "A"}, {"id": "B"}], cover=[{"day": 0, "shift": "D", "requirement": 1}],
                   off_requests=[{"employee": "A", "day": 0, "shift": "D", "weight": 2}])
    res = solved(inp)
    assert res.objective == 0 and res.roster == {"A": [""], "B": ["D"]}


def test_off_request_for_the_whole_day_refused():
    inp = instance(1, [{"id": "A"}], cover=[{"day": 0, "shift": "D", "requirement": 1, "hard_min": 1}],
                   off_requests=[{"employee": "A", "day": 0, "weight": 2}])
    res = solved(inp)
    assert res.objective == 2 and penalties(res) == {"off_requests": 2}


def test_minimal_change_keeps_the_published_roster():
    prev = {"A": ["D", "", "D"], "B": ["", "D", ""]}
    inp = instance(3, [{"id": "A"}, {"id": "B"}],
                   cover=[{"day": d, "shift": "D", "requirement": 1} for d in range(3)],
                   previous={"assignments": prev, "change_weight": 5})
    res = solved(inp)
    assert res.objective == 0 and res.roster == prev


def test_minimal_change_pays_only_for_what_must_change():
    prev = {"A": ["D", "D", "D"], "B": ["", "", ""]}
    # A is now off on day 1: exactly two cells change (A off, B on)
    inp = instance(3, [{"id": "A", "days_off": [1]}, {"id": "B"}],
                   cover=[{"day": d, "shift": "D", "requirement": 1} for d in range(3)],
                   previous={"assignments": prev, "change_weight": 5})
    res = solved(inp)
    assert res.objective == 10 and penalties(res) == {"changes": 10}
    assert res.roster == {"A": ["D", "", "D"], "B": ["", "D", ""]}


def test_pair_works_together_when_cheaper():
    inp = instance(2, [{"id": "A"}, {"id": "B"}],
                   cover=[{"day": d, "shift": "D", "requirement": 1, "over_weight": 1} for d in range(2)],
                   pairs=[{"employees": ["A", "B"], "weight": 4}])
    res = solved(inp)
    # together: one too many each day (1); apart: 4 each day
    assert res.objective == 2 and res.roster["A"] == res.roster["B"] == ["D", "D"]


def test_pair_apart_costs_weight_per_shift():
    inp = instance(1, [{"id": "A"}, {"id": "B", "days_off": [0]}],
                   cover=[{"day": 0, "shift": "D", "requirement": 1}], pairs=[{"employees": ["A", "B"], "weight": 4}])
    res = solved(inp)
    assert res.objective == 4 and penalties(res) == {"pairs": 4}


def test_night_fairness_spreads_nights():
    inp = instance(4, [{"id": "A"}, {"id": "B"}], shifts=[NIGHT],
                   cover=[{"day": d, "shift": "N", "requirement": 1, "hard_min": 1, "over_weight": 1}
                          for d in range(4)],
                   fairness=[{"kind": "night", "weight": 10}])
    res = solved(inp)
    assert res.objective == 0
    assert res.roster["A"].count("N") == res.roster["B"].count("N") == 2


def test_weekend_fairness_counts_weekends():
    inp = instance(14, [{"id": "A"}, {"id": "B", "days_off": [5, 6]}], shifts=[DAY],
                   cover=[{"day": d, "shift": "D", "requirement": 1, "hard_min": 1} for d in (5, 6, 12, 13)],
                   fairness=[{"kind": "weekend", "weight": 3}])
    res = solved(inp)
    # A must take the first weekend; B takes the second to even out
    assert res.objective == 0 and res.roster["B"][12] == "D"
