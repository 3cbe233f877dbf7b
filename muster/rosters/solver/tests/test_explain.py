"""Infeasibility explanations: a minimal set of conflicting rules, in plain words."""

from __future__ import annotations

from muster.rosters.solver import explain_infeasibility, solve
from muster.rosters.solver.explain import minimal_conflict
from muster.rosters.solver.problem import Problem

from .helpers import instance

NIGHT = {"id": "N", "name": "Night", "length_minutes": 330, "start_minute": 60}


def test_night_headcount_with_age_limit_in_words():
    inp = instance(7, [{"id": "li", "name": "Li", "age": 75}, {"id": "wang", "name": "Wang", "age": 80},
                       {"id": "zhang", "name": "Zhang", "age": 45}, {"id": "chen", "name": "Chen", "age": 38,
                                                                      "days_off": [1]}],
                   shifts=[NIGHT], cover=[{"day": 1, "shift": "N", "requirement": 2, "hard_min": 2}],
                   no_night_over_age=70)
    expl = explain_infeasibility(inp, time_limit=10)
    assert expl is not None and expl.minimal
    assert expl.summary.startswith("Tuesday Night 01:00–06:30 needs 2 people; only 1 is available "
                                   "and aged 70 or under")
    assert "Li and Wang are over 70 and may not work nights" in expl.summary
    assert "Chen off that day" in expl.summary
    assert {c.rule for c in expl.conflicts} == {"cover_min", "night_age", "days_off"}


def test_conflict_is_minimal_and_leaves_out_innocent_rules():
    # Ann's leave and her minimum hours clash; Bob's rules are fine and must not be named
    inp = instance(3, [{"id": "ann", "name": "Ann", "min_total_minutes": 3 * 480, "days_off": [2]},
                       {"id": "bob", "name": "Bob", "days_off": [0], "max_consecutive_shifts": 1}])
    found = minimal_conflict(Problem.of(inp), 10)
    assert found is not None
    core, minimal = found
    assert minimal
    assert sorted(k[0] for k in core) == ["days_off", "min_minutes"]
    assert all(k[1] == 0 for k in core)


def test_solve_reports_infeasible_with_explanation():
    inp = instance(2, [{"id": "A", "max_total_minutes": 480}],
                   cover=[{"day": d, "shift": "D", "requirement": 1, "hard_min": 1} for d in range(2)])
    res = solve(inp, 10)
    assert res.status == "INFEASIBLE" and res.roster is None
    assert res.explanation is not None
    assert "A may work at most 8 h in total" in res.explanation.summary


def test_feasible_input_has_no_explanation():
    assert explain_infeasibility(instance(2), time_limit=5) is None
