"""Property tests: the CP-SAT rules and the independent validator agree on random small rosters."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muster.rosters.solver import SolveStatus, solve, validate
from muster.rosters.solver.build import build, run
from muster.rosters.solver.problem import Problem

from .strategies import roster_inputs, rosters_for

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def model_verdict(inp, roster, flow: bool):
    """Fix the roster in the CP-SAT model: feasible? and at what cost?"""
    p = Problem.of(inp)
    ctx = build(p, flow=flow, symmetry=False)
    a = p.to_array(roster)
    for e in range(p.E):
        for d in range(p.D):
            want = int(a[e, d])
            for s, x in enumerate(ctx.xs(e, d)):
                if isinstance(x, int):
                    if s == want and x == 0:
                        return False, None  # an assignment a hard rule excludes outright
                    continue
                ctx.model.add(x == int(s == want))
    res = run(ctx, 10.0, workers=1)
    assert res.status in ("OPTIMAL", "INFEASIBLE"), res.status
    return res.status == "OPTIMAL", res.objective


@PROPS
@given(data=st.data(), flow=st.booleans())
def test_model_and_validator_agree_on_any_roster(data, flow):
    inp = data.draw(roster_inputs())
    roster = data.draw(rosters_for(inp))
    rep = validate(inp, roster)
    feasible, objective = model_verdict(inp, roster, flow)
    assert feasible == rep.valid, [v.message for v in rep.violations]
    if feasible:
        assert objective == rep.objective


@PROPS
@given(inp=roster_inputs())
def test_solver_rosters_pass_the_validator(inp):
    res = solve(inp, 5.0, explain=False)
    assert res.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.INFEASIBLE)
    if res.roster is not None:
        rep = validate(inp, res.roster)
        assert rep.valid, [v.message for v in rep.violations]
        assert rep.objective == res.objective
        assert res.lower_bound is None or res.lower_bound <= res.objective


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inp=roster_inputs(max_employees=2, max_days=3, max_shifts=2))
def test_optimal_and_infeasible_match_brute_force(inp):
    choices = [""] + [s.id for s in inp.shift_types]
    ids = [e.id for e in inp.employees]
    best = None
    for cells in itertools.product(choices, repeat=len(ids) * inp.num_days):
        roster = {eid: list(cells[i * inp.num_days:(i + 1) * inp.num_days]) for i, eid in enumerate(ids)}
        rep = validate(inp, roster)
        if rep.valid and (best is None or rep.objective < best):
            best = rep.objective
    res = solve(inp, 10.0, explain=False)
    if best is None:
        assert res.status == SolveStatus.INFEASIBLE
    else:
        assert res.status == SolveStatus.OPTIMAL and res.objective == best
