"""The Curtois & Qu adapter, the solve-curtois command and the benchmark instances."""

from __future__ import annotations

import json

import pytest

from muster.rosters.solver import solve, validate
from muster.rosters.solver.cli import main
from muster.rosters.solver.curtois import DATA_DIR, best_known, load_curtois, parse_curtois

INSTANCE1 = DATA_DIR / "Instance1.txt"


def test_parse_instance1():
    inp = load_curtois(INSTANCE1)
    assert inp.name == "Instance1" and inp.num_days == 14
    assert [s.id for s in inp.shift_types] == ["D"]
    assert len(inp.employees) == 8
    a = inp.employees[0]
    assert (a.max_shifts, a.max_total_minutes, a.min_total_minutes) == ({"D": 14}, 4320, 3360)
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts, a.min_consecutive_days_off, a.max_weekends) == (
        5, 2, 2, 1)
    assert a.days_off == [0]
    assert len(inp.on_requests) == 21 and len(inp.off_requests) == 5 and len(inp.cover) == 14
    assert inp.cover[1].requirement == 7 and inp.cover[1].under_weight == 100


def test_parse_successors_and_comments():
    text = """# comment
SECTION_HORIZON
7

SECTION_SHIFTS
E,480,
L,480,E|D
D,600,

SECTION_STAFF
A,E=7|L=0|D=3,2400,960,5,1,1,1
"""
    inp = parse_curtois(text)
    assert [s.forbidden_successors for s in inp.shift_types] == [[], ["E", "D"], []]
    assert inp.employees[0].max_shifts == {"E": 7, "L": 0, "D": 3}


def test_best_known_values_shipped():
    assert best_known()["Instance1"] == 607 and best_known()["Instance4"] == 1716


def test_instance1_solved_to_the_best_known_value():
    inp = load_curtois(INSTANCE1)
    res = solve(inp, 30)
    assert res.status == "OPTIMAL" and res.objective == 607 and res.roster is not None
    assert validate(inp, res.roster).objective == 607


def test_solve_curtois_command_prints_one_json_object(capsys):
    assert main([str(INSTANCE1), "--time-limit", "20", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["instance"] == "Instance1" and out["status"] in ("OPTIMAL", "FEASIBLE")
    assert out["valid"] is True and out["violations"] == []
    assert set(out["roster"]) == set("ABCDEFGH") and all(len(r) == 14 for r in out["roster"].values())
    assert out["objective"] >= 607 and out["lower_bound"] <= out["objective"]


def test_missing_file_is_an_error(tmp_path):
    assert main([str(tmp_path / "nope.txt")]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Instance2", "Instance3", "Instance4"])
def test_small_instances_reach_best_known(name):
    inp = load_curtois(DATA_DIR / f"{name}.txt")
    res = solve(inp, 60)
    assert res.valid and res.objective == best_known()[name]
