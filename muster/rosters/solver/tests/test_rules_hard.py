"""Each hard rule: a roster exists when it can be met, and none when it cannot (named in the explanation)."""

from __future__ import annotations

from muster.rosters.solver import SolveStatus

from .helpers import assert_infeasible, cover_every_day, instance, solved

E_L = [  # early 06:00-14:00, late 14:00-22:00; a late may not be followed by an early
    {"id": "E", "length_minutes": 480, "start_minute": 6 * 60},
    {"id": "L", "length_minutes": 480, "start_minute": 14 * 60, "forbidden_successors": ["E"]},
]
NIGHT = [{"id": "N", "name": "Night", "length_minutes": 480, "start_minute": 22 * 60}]


def must(day: int, shift: str = "D", n: int = 1) -> dict:
    return {"day": day, "shift": shift, "requirement": n, "hard_min": n}


def test_days_off_respected():
    inp = instance(3, [{"id": "A", "days_off": [1]}, {"id": "B"}], cover=[must(d) for d in range(3)])
    res = solved(inp)
    assert res.roster["A"][1] == "" and res.roster["B"][1] == "D"


def test_days_off_conflict_with_headcount():
    inp = instance(3, [{"id": "A", "days_off": [1]}], cover=[must(1)])
    summary = assert_infeasible(inp, "days_off", "cover_min")
    assert "only 0 are available" in summary and "A off that day" in summary


def test_shift_maximum_respected():
    inp = instance(3, [{"id": "A", "max_shifts": {"D": 2}}, {"id": "B"}], cover=[must(d) for d in range(3)])
    res = solved(inp)
    assert res.roster["A"].count("D") <= 2


def test_shift_maximum_conflict():
    inp = instance(3, [{"id": "A", "max_shifts": {"D": 2}}], cover=[must(d) for d in range(3)])
    assert_infeasible(inp, "shift_max")


def test_forbidden_successor_respected():
    inp = instance(3, [{"id": "A"}], shifts=E_L, cover=[must(0, "L"), must(2, "E")])
    assert solved(inp).roster["A"] == ["L", "", "E"]


def test_forbidden_successor_conflict():
    inp = instance(2, [{"id": "A"}], shifts=E_L, cover=[must(0, "L"), must(1, "E")])
    summary = assert_infeasible(inp, "succession", "cover_min")
    assert "may not be followed" in summary


def test_min_rest_respected():
    shifts = [{"id": "E", "length_minutes": 480, "start_minute": 6 * 60},
              {"id": "L", "length_minutes": 480, "start_minute": 14 * 60}]
    inp = instance(2, [{"id": "A"}], shifts=shifts, cover=[must(0, "L"), must(1, "E")], min_rest_minutes=8 * 60)
    assert solved(inp).roster["A"] == ["L", "E"]


def test_min_rest_conflict():
    shifts = [{"id": "E", "length_minutes": 480, "start_minute": 6 * 60},
              {"id": "L", "length_minutes": 480, "start_minute": 14 * 60}]
    inp = instance(2, [{"id": "A", "min_rest_minutes": 11 * 60}], shifts=shifts,
                   cover=[must(0, "L"), must(1, "E")])
    assert "11 h of rest" in assert_infeasible(inp, "min_rest")


def test_min_total_minutes_met():
    inp = instance(3, [{"id": "A", "min_total_minutes": 2 * 480}])
    assert solved(inp).roster["A"].count("D") >= 2


def test_min_total_minutes_conflict():
    inp = instance(3, [{"id": "A", "min_total_minutes": 3 * 480, "days_off": [1]}])
    assert_infeasible(inp, "min_minutes", "days_off")


def test_max_total_minutes_conflict():
    inp = instance(3, [{"id": "A", "max_total_minutes": 480}], cover=[must(0), must(2)])
    assert_infeasible(inp, "max_minutes", "cover_min")


def test_max_consecutive_respected():
    inp = instance(5, [{"id": "A", "max_consecutive_shifts": 2, "min_total_minutes": 4 * 480}])
    assert solved(inp).roster["A"] == ["D", "D", "", "D", "D"]


def test_max_consecutive_conflict():
    inp = instance(3, [{"id": "A", "max_consecutive_shifts": 2}], cover=[must(d) for d in range(3)])
    assert_infeasible(inp, "max_consecutive")


def test_min_consecutive_exempt_at_the_horizon_edges():
    # a one-day run on the last day touches the end of the horizon: allowed
    inp = instance(2, [{"id": "A", "min_consecutive_shifts": 2, "days_off": [0]}], cover=[must(1)])
    assert solved(inp).roster["A"] == ["", "D"]


def test_min_consecutive_conflict():
    inp = instance(3, [{"id": "A", "min_consecutive_shifts": 2, "days_off": [0, 2]}], cover=[must(1)])
    assert_infeasible(inp, "min_consecutive", "days_off", "cover_min")


def test_min_days_off_respected():
    inp = instance(4, [{"id": "A", "min_consecutive_days_off": 2}], cover=[must(0), must(3)])
    assert solved(inp).roster["A"][0] == "D"


def test_min_days_off_conflict():
    inp = instance(3, [{"id": "A", "min_consecutive_days_off": 2, "days_off": [1]}], cover=[must(0), must(2)])
    assert_infeasible(inp, "min_days_off")


def test_max_weekends_respected():
    inp = instance(14, [{"id": "A", "max_weekends": 1}, {"id": "B", "max_weekends": 1}],
                   cover=[must(5), must(12)])
    res = solved(inp)
    assert res.roster["A"][5] != res.roster["A"][12] or res.roster["A"][5] == ""


def test_max_weekends_conflict():
    inp = instance(14, [{"id": "A", "max_weekends": 1}], cover=[must(5), must(13)])
    assert "at most 1 weekend" in assert_infeasible(inp, "max_weekends")


def test_week_minutes_respected():
    inp = instance(8, [{"id": "A", "max_minutes_per_week": 2 * 480}], cover=[must(0), must(1), must(7)])
    assert solved(inp).roster["A"][:7].count("D") == 2


def test_week_minutes_conflict():
    inp = instance(7, [{"id": "A", "max_minutes_per_week": 2 * 480}], cover=[must(d) for d in range(3)])
    assert_infeasible(inp, "week_minutes")


def test_day_minutes_conflict():
    shifts = [{"id": "D", "length_minutes": 600, "start_minute": 8 * 60}]
    inp = instance(1, [{"id": "A", "max_minutes_per_day": 480}], shifts=shifts, cover=[must(0)])
    assert "daily limit" in assert_infeasible(inp, "day_minutes")


def test_day_minutes_respected():
    shifts = [{"id": "D", "length_minutes": 600, "start_minute": 8 * 60}]
    inp = instance(1, [{"id": "A", "max_minutes_per_day": 480}, {"id": "B"}], shifts=shifts, cover=[must(0)])
    assert solved(inp).roster == {"A": [""], "B": ["D"]}


def test_night_consent_conflict():
    inp = instance(1, [{"id": "A", "night_ok": False}], shifts=NIGHT, cover=[must(0, "N")])
    assert_infeasible(inp, "night_consent")


def test_night_consent_respected():
    inp = instance(1, [{"id": "A", "night_ok": False}, {"id": "B"}], shifts=NIGHT, cover=[must(0, "N")])
    assert solved(inp).roster == {"A": [""], "B": ["N"]}


def test_no_night_over_age_conflict():
    inp = instance(1, [{"id": "A", "age": 75}], shifts=NIGHT, cover=[must(0, "N")], no_night_over_age=70)
    assert "aged 70 or under" in assert_infeasible(inp, "night_age", "cover_min")


def test_no_night_over_age_respected():
    inp = instance(1, [{"id": "A", "age": 75}, {"id": "B", "age": 30}], shifts=NIGHT, cover=[must(0, "N")],
                   no_night_over_age=70)
    assert solved(inp).roster == {"A": [""], "B": ["N"]}


def test_night_never_only_older_people_conflict():
    inp = instance(1, [{"id": "A", "age": 65}, {"id": "B", "age": 72}], shifts=NIGHT, cover=[must(0, "N")],
                   night_needs_age_at_most=60)
    assert_infeasible(inp, "night_mix")


def test_night_never_only_older_people_respected():
    inp = instance(1, [{"id": "A", "age": 65}, {"id": "B", "age": 72}, {"id": "C", "age": 40}],
                   shifts=NIGHT, cover=[must(0, "N", 2)], night_needs_age_at_most=60)
    assert solved(inp).roster["C"] == ["N"]


def test_skill_count_conflict():
    inp = instance(1, [{"id": "A"}], cover=[{"day": 0, "shift": "D", "requirement": 1, "skills": {"medic": 1}}])
    assert "medic" in assert_infeasible(inp, "cover_skill")


def test_skill_count_respected():
    inp = instance(1, [{"id": "A"}, {"id": "B", "skills": ["medic"]}],
                   cover=[{"day": 0, "shift": "D", "requirement": 1, "over_weight": 5, "skills": {"medic": 1}}])
    assert solved(inp).roster == {"A": [""], "B": ["D"]}


def test_hard_headcount_met_even_at_a_cost():
    # the soft wish says nobody (over-cover costs 50), the hard minimum says one
    inp = instance(1, [{"id": "A"}], cover=[{"day": 0, "shift": "D", "requirement": 0, "over_weight": 50,
                                             "hard_min": 1}])
    res = solved(inp)
    assert res.status == SolveStatus.OPTIMAL and res.objective == 50


def test_every_day_cover_helper_is_soft():
    inp = instance(3, [{"id": "A", "days_off": [1]}], cover=cover_every_day(3))
    res = solved(inp)
    assert res.objective == 100


def test_max_consecutive_nights_respected():
    # two people, a night to cover every day: with at most 2 nights in a row they must take turns
    inp = instance(6, [{"id": "A", "max_consecutive_nights": 2}, {"id": "B", "max_consecutive_nights": 2}],
                   shifts=NIGHT + [{"id": "D", "length_minutes": 480, "start_minute": 8 * 60}],
                   cover=[must(d, "N") for d in range(6)])
    roster = solved(inp).roster
    for row in roster.values():
        assert "N,N,N" not in ",".join(row)


def test_max_consecutive_nights_only_counts_nights():
    # day shifts between nights reset nothing they should not: N D N is fine under a limit of 1
    inp = instance(3, [{"id": "A", "max_consecutive_nights": 1}],
                   shifts=NIGHT + [{"id": "D", "length_minutes": 480, "start_minute": 8 * 60}],
                   cover=[must(0, "N"), must(1, "D"), must(2, "N")])
    assert solved(inp).roster["A"] == ["N", "D", "N"]


def test_max_consecutive_nights_conflict():
    inp = instance(3, [{"id": "A", "max_consecutive_nights": 2}], shifts=NIGHT,
                   cover=[must(d, "N") for d in range(3)])
    summary = assert_infeasible(inp, "max_nights", "cover_min")
    assert "2 nights in a row" in summary


# --- the days before the roster (the published roster's last days) count for the rules that look back


def test_succession_across_the_start_respected():
    # A worked a late the day before: B takes the early on day 0
    inp = instance(1, [{"id": "A"}, {"id": "B"}], shifts=E_L, cover=[must(0, "E")], before={"A": ["", "L"]})
    assert solved(inp).roster == {"A": [""], "B": ["E"]}


def test_succession_across_the_start_conflict():
    inp = instance(1, [{"id": "A"}], shifts=E_L, cover=[must(0, "E")], before={"A": ["L"]})
    summary = assert_infeasible(inp, "succession", "cover_min")
    assert "may not be followed" in summary


def test_min_rest_across_the_start():
    shifts = [{"id": "E", "length_minutes": 480, "start_minute": 6 * 60},
              {"id": "N", "length_minutes": 600, "start_minute": 21 * 60}]
    # a night 21:00-07:00 ending on day 0 leaves no rest for an early on day 0, and 23 h before day 1's
    inp = instance(2, [{"id": "A", "min_rest_minutes": 11 * 60}], shifts=shifts, cover=[must(1, "E")],
                   before={"A": ["N"]})
    assert solved(inp).roster["A"] == ["", "E"]
    blocked = instance(2, [{"id": "A", "min_rest_minutes": 11 * 60}], shifts=shifts, cover=[must(0, "E")],
                       before={"A": ["N"]})
    assert "11 h of rest" in assert_infeasible(blocked, "min_rest", "cover_min")


def test_max_consecutive_counts_the_days_before():
    # 3 days worked just before, at most 4 in a row: day 0 may be worked, day 1 not
    # (A would like both days, day 0 more: without the days before A would work both)
    inp = instance(2, [{"id": "A", "max_consecutive_shifts": 4}, {"id": "B"}], cover=[must(0), must(1)],
                   before={"A": ["", "D", "D", "D"]}, on_requests=[
                       {"employee": "A", "day": 0, "shift": "D", "weight": 5},
                       {"employee": "A", "day": 1, "shift": "D", "weight": 3}])
    assert solved(inp).roster["A"] == ["D", ""]
    assert solved(inp.model_copy(update={"before": {}})).roster["A"] == ["D", "D"]
    assert_infeasible(instance(2, [{"id": "A", "max_consecutive_shifts": 4}], cover=[must(0), must(1)],
                               before={"A": ["D", "D", "D"]}), "max_consecutive", "cover_min")


def test_max_consecutive_nights_counts_the_nights_before():
    inp = instance(1, [{"id": "A", "max_consecutive_nights": 2}], shifts=NIGHT, cover=[must(0, "N")],
                   before={"A": ["N", "N"]})
    assert "2 nights in a row" in assert_infeasible(inp, "max_nights", "cover_min")
    # a day off in between resets the count
    ok = instance(1, [{"id": "A", "max_consecutive_nights": 2}], shifts=NIGHT, cover=[must(0, "N")],
                  before={"A": ["N", "N", ""]})
    assert solved(ok).roster["A"] == ["N"]


# --- and the days after it (next week's published roster, when this week is re-solved)


def test_succession_into_the_days_after():
    # A starts next week with an early: A may not work the late on the last day
    inp = instance(1, [{"id": "A"}, {"id": "B"}], shifts=E_L, cover=[must(0, "L")], after={"A": ["E"]})
    assert solved(inp).roster == {"A": [""], "B": ["L"]}
    alone = instance(1, [{"id": "A"}], shifts=E_L, cover=[must(0, "L")], after={"A": ["E"]})
    assert "may not be followed" in assert_infeasible(alone, "succession", "cover_min")


def test_min_rest_into_the_days_after():
    shifts = [{"id": "E", "length_minutes": 480, "start_minute": 6 * 60},
              {"id": "N", "length_minutes": 600, "start_minute": 21 * 60}]
    # a night on the last day ends at 07:00 the day after, when A is due at 06:00
    inp = instance(2, [{"id": "A", "min_rest_minutes": 11 * 60}], shifts=shifts, cover=[must(1, "N")],
                   after={"A": ["E"]})
    assert "11 h of rest" in assert_infeasible(inp, "min_rest", "cover_min")
    ok = instance(2, [{"id": "A", "min_rest_minutes": 11 * 60}], shifts=shifts, cover=[must(0, "N")],
                  after={"A": ["E"]})
    assert solved(ok).roster["A"] == ["N", ""]


def test_max_consecutive_counts_the_days_after():
    inp = instance(2, [{"id": "A", "max_consecutive_shifts": 4}], cover=[must(0), must(1)], after={"A": ["D", "D", "D"]})
    assert_infeasible(inp, "max_consecutive", "cover_min")
    ok = instance(2, [{"id": "A", "max_consecutive_shifts": 4}], cover=[must(0)], after={"A": ["D", "D", "D"]})
    assert solved(ok).roster["A"] == ["D", ""]


def test_max_consecutive_nights_counts_the_nights_after():
    inp = instance(1, [{"id": "A", "max_consecutive_nights": 2}], shifts=NIGHT, cover=[must(0, "N")],
                   after={"A": ["N", "N"]})
    assert "2 nights in a row" in assert_infeasible(inp, "max_nights", "cover_min")
