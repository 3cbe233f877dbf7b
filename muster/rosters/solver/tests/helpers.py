"""Small instances for the engine tests."""

from __future__ import annotations

from muster.rosters.solver import RosterInput, SolveResult, SolveStatus, solve, validate
from muster.rosters.solver.explain import explain_infeasibility


def instance(num_days: int = 7, employees: list[dict] | None = None, shifts: list[dict] | None = None,
             cover: list[dict] | None = None, **extra) -> RosterInput:
    """A roster input with sensible defaults: one 8-hour day shift, no limits."""
    shifts = shifts if shifts is not None else [{"id": "D", "length_minutes": 480, "start_minute": 8 * 60}]
    employees = employees if employees is not None else [{"id": "A"}]
    return RosterInput.model_validate({
        "num_days": num_days, "shift_types": shifts, "employees": employees, "cover": cover or [], **extra,
    })


def cover_every_day(num_days: int, shift: str = "D", requirement: int = 1, **kw) -> list[dict]:
    return [{"day": d, "shift": shift, "requirement": requirement, **kw} for d in range(num_days)]


class Solved(SolveResult):
    """A result that has a roster (the type says so, for the tests that read it)."""

    roster: dict[str, list[str]]


def solved(inp: RosterInput, time_limit: float = 10.0) -> Solved:
    """Solve, require a roster, and check it against the independent validator."""
    res = solve(inp, time_limit, explain=False)
    assert res.roster is not None, (res.status, res.explanation)
    rep = validate(inp, res.roster)
    assert rep.valid, [v.message for v in rep.violations]
    assert rep.objective == res.objective
    return Solved.model_construct(**dict(res))


def assert_infeasible(inp: RosterInput, *rules: str) -> str:
    """The hard rules cannot all hold, and the explanation names each of `rules`."""
    res = solve(inp, 10.0, explain=False)
    assert res.status == SolveStatus.INFEASIBLE, res.status
    expl = explain_infeasibility(inp, time_limit=10.0)
    assert expl is not None
    named = {c.rule for c in expl.conflicts}
    for rule in rules:
        assert rule in named, (rule, named, expl.summary)
    return expl.summary
