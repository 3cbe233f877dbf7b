"""The validator on hand-made rosters: every broken hard rule in words, and the cost from scratch."""

from __future__ import annotations

from muster.rosters.solver import validate

from .helpers import instance

SHIFTS = [{"id": "E", "length_minutes": 480, "start_minute": 6 * 60},
          {"id": "L", "length_minutes": 480, "start_minute": 14 * 60, "forbidden_successors": ["E"]},
          {"id": "N", "length_minutes": 480, "start_minute": 22 * 60}]


def rules_broken(inp, roster) -> set[str]:
    return {v.rule for v in validate(inp, roster).violations}


def test_valid_roster_has_no_violations():
    inp = instance(3, [{"id": "A"}], shifts=SHIFTS)
    assert validate(inp, {"A": ["E", "L", ""]}).valid


def test_shape_problems_are_reported():
    inp = instance(3, [{"id": "A"}, {"id": "B"}], shifts=SHIFTS)
    rep = validate(inp, {"A": ["E", "X"], "Z": ["", "", ""]})
    messages = " / ".join(v.message for v in rep.violations)
    assert "2 days" in messages and "unknown shift 'X'" in messages
    assert "B is missing" in messages and "unknown employee 'Z'" in messages


def test_each_hard_rule_in_words():
    inp = instance(14, [
        {"id": "A", "name": "Ann", "days_off": [0], "max_shifts": {"N": 0}, "max_total_minutes": 480 * 9,
         "max_consecutive_shifts": 3, "min_consecutive_shifts": 2, "min_consecutive_days_off": 2,
         "max_weekends": 0, "max_minutes_per_week": 480 * 4},
    ], shifts=SHIFTS)
    roster = {"A": ["E", "L", "E", "E", "", "N", "", "E", "E", "E", "E", "", "", "E"]}
    got = rules_broken(inp, roster)
    assert got == {"days_off", "shift_max", "succession", "max_minutes", "max_consecutive",
                   "min_consecutive", "min_days_off", "max_weekends", "week_minutes"}
    text = " ".join(v.message for v in validate(inp, roster).violations)
    assert "Ann works E on Monday (day 1), a day they cannot work" in text
    assert "Ann works E on Wednesday (day 3) straight after L" in text


def test_runs_touching_the_horizon_edges_are_exempt():
    inp = instance(5, [{"id": "A", "min_consecutive_shifts": 2, "min_consecutive_days_off": 2}], shifts=SHIFTS)
    assert validate(inp, {"A": ["E", "", "", "E", "E"]}).valid
    assert validate(inp, {"A": ["", "E", "E", "", ""]}).valid
    assert rules_broken(inp, {"A": ["", "E", "E", "", "E"]}) == {"min_days_off"}
    assert rules_broken(inp, {"A": ["", "E", "", "", "E"]}) == {"min_consecutive"}


def test_rest_age_and_cover_rules():
    inp = instance(2, [{"id": "A", "age": 75, "min_rest_minutes": 11 * 60}, {"id": "B", "age": 30}],
                   shifts=SHIFTS, no_night_over_age=70, night_needs_age_at_most=60,
                   cover=[{"day": 1, "shift": "E", "requirement": 2, "hard_min": 2,
                           "skills": {"medic": 1}}])
    got = rules_broken(inp, {"A": ["N", "E"], "B": ["", ""]})
    assert got == {"min_rest", "night_age", "night_mix", "cover_min", "cover_skill"}


def test_objective_recomputed_with_breakdown():
    inp = instance(2, [{"id": "A"}, {"id": "B"}], shifts=SHIFTS,
                   cover=[{"day": 0, "shift": "E", "requirement": 2, "under_weight": 100},
                          {"day": 1, "shift": "L", "requirement": 0, "over_weight": 3}],
                   on_requests=[{"employee": "B", "day": 0, "shift": "E", "weight": 2}],
                   off_requests=[{"employee": "A", "day": 1, "shift": "L", "weight": 5}],
                   previous={"assignments": {"A": ["E", "E"]}, "change_weight": 4},
                   pairs=[{"employees": ["A", "B"], "weight": 1}])
    rep = validate(inp, {"A": ["E", "L"], "B": ["", ""]})
    by_rule = {p.rule: p.amount for p in rep.penalties}
    # cover: one short on day 0 (100) + one too many late on day 1 (3)
    assert by_rule == {"cover": 103, "on_requests": 2, "off_requests": 5, "changes": 4, "pairs": 2}
    assert rep.objective == 116
    assert sum(i.amount for i in rep.items) == rep.objective


def test_nights_in_a_row():
    inp = instance(5, [{"id": "A", "name": "Ann", "max_consecutive_nights": 2}], shifts=SHIFTS)
    assert validate(inp, {"A": ["N", "N", "E", "N", "N"]}).valid
    rep = validate(inp, {"A": ["N", "N", "N", "", ""]})
    assert rules_broken(inp, {"A": ["N", "N", "N", "", ""]}) == {"max_nights"}
    assert "Ann works 3 nights in a row" in rep.violations[0].message


def test_days_before_the_roster_count_for_the_rules_that_look_back():
    from .helpers import instance

    shifts = [{"id": "E", "length_minutes": 480, "start_minute": 6 * 60},
              {"id": "L", "length_minutes": 480, "start_minute": 14 * 60, "forbidden_successors": ["E"]}]
    inp = instance(2, [{"id": "A", "max_consecutive_shifts": 3, "min_rest_minutes": 12 * 60}], shifts=shifts,
                   before={"A": ["E", "E", "L"]})
    rep = validate(inp, {"A": ["E", ""]})
    rules = {v.rule for v in rep.violations}
    assert rules == {"succession", "min_rest", "max_consecutive"}, [v.message for v in rep.violations]
    assert any("before the roster" in v.message for v in rep.violations)
    assert validate(inp, {"A": ["", "E"]}).valid
    assert not validate(inp, {"A": ["L", ""]}).valid  # a fourth day in a row


def test_days_before_the_roster_must_name_known_people_and_shifts():
    import pytest
    from pydantic import ValidationError

    from .helpers import instance

    with pytest.raises(ValidationError, match="unknown employee"):
        instance(1, before={"Z": ["D"]})
    with pytest.raises(ValidationError, match="unknown shift"):
        instance(1, before={"A": ["X"]})


def test_days_after_the_roster_count_too():
    from .helpers import instance

    shifts = [{"id": "E", "length_minutes": 480, "start_minute": 6 * 60},
              {"id": "L", "length_minutes": 480, "start_minute": 14 * 60, "forbidden_successors": ["E"]}]
    inp = instance(2, [{"id": "A", "max_consecutive_shifts": 3, "min_rest_minutes": 12 * 60}], shifts=shifts,
                   after={"A": ["E", "E"]})
    rep = validate(inp, {"A": ["E", "L"]})
    assert {v.rule for v in rep.violations} == {"succession", "min_rest", "max_consecutive"}, \
        [v.message for v in rep.violations]
    assert any("after the roster" in v.message for v in rep.violations)
    assert validate(inp, {"A": ["E", ""]}).valid
