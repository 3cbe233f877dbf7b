"""Engine entry point: solve a roster under a time limit.

The search runs in phases in one process (two CP-SAT workers by default):

1. *small rosters* (up to a few thousand shift variables): the whole model,
   with the run-length flow formulation for a strong bound, for a share of
   the time; these usually finish proven optimal, and when they do not, the
   neighbourhoods (4) take over from its roster and keep its bound;
2. *construct*: a first roster meeting every hard rule. When no hard rule
   links employees, a depth-first greedy builds each person's roster in turn
   (CP-SAT only where it gives up); otherwise the whole model without costs,
   or a rolling horizon when that is too large;
3. *bound*: on mid-size rosters the linear relaxation of the whole model
   (GLOP) gives the lower bound, and rounding it person by person gives a
   second start that already has the right shape;
4. *lns*: large neighbourhood search until the deadline: free a window of
   days, a group of people, a block of both, the same few weekdays of every
   week (weekend limits and per-type maxima tie the weeks together, so a
   better roster often needs a new pattern of who works which weekends), or
   the cells where the roster disagrees with the relaxation; fix the rest; re-solve the sub-model with a
   short limit and keep it when it is no worse. Windows and people are aimed
   at the costly cells; sizes adapt to how fast sub-models solve, and the
   kinds that pay get picked more often.

Every roster returned has been through the independent validator.
"""

from __future__ import annotations

import gc
import math
import time

import numpy as np

from .build import build, run
from .context import Region
from .greedy import greedy_roster
from .lns import lns, rins_solve
from .lp import lp_values, solve_lp
from .model import Roster, RosterInput
from .problem import OFF, Problem
from .result import SolveResult, SolveStatus
from .state import SUB_PARAMS, ProgressCallback, State, model_size
from .validate import validate

# CP-SAT's full-problem subsolver: the LP search with every cut (linearization
# level 2); with two workers the second runs the first-solution and LNS helpers.
# Measured on the benchmark it finds both the bounds and the rosters far sooner
# than the default LP search.
FULL_PARAMS = {"subsolvers": ["max_lp", "default_lp"]}
LP_BOUND_MAX = 20000  # largest model (in shift variables) whose relaxation is solved for a bound
LP_BOUND_SHARE = 0.25  # of the time limit, at most 15 s
FULL_MODEL_MAX = 200000  # beyond this the whole model is never built
RINS_FINAL_SHARE = 0.0  # of the time limit for a closing relaxation-induced solve (off: did not pay)
LNS_EPOCH = 15.0  # seconds before the neighbourhood statistics restart
SMALL_MAX = 3000  # largest model (in shift variables) solved whole first
SMALL_FULL_SHARE = 0.4  # of the time limit for that first whole-model solve (then neighbourhoods)


def _independent(p: Problem) -> bool:
    """No hard rule links two employees: each one's roster can be chosen on its own."""
    return not (p.inp.night_needs_age_at_most is not None or any(c.hard_min or c.skills for c in p.cover.values()))


def construct(st: State, workers: int, seed: int, budget: float) -> str:
    """A first roster meeting every hard rule.

    When no hard rule links employees, one employee at a time, each taking
    what the earlier ones left short (greedy search, CP-SAT for anyone it
    cannot place); otherwise the whole model without costs (CP-SAT's
    feasibility jump finds one in a second or so), or a rolling horizon when
    that is too large.
    """
    p = st.p
    if _independent(p):
        return construct_by_staff(st, seed, budget)
    if model_size(p) <= 60000:
        ctx = build(p, soft=False)
        res = run(ctx, min(budget, st.left()), workers=workers, seed=seed, hint=st.hint,
                  params={"stop_after_first_solution": True})
        if res.array is not None:
            st.offer(res.array, "construct")
        return res.status
    return rolling_horizon(st, workers, seed, budget)


def construct_by_staff(st: State, seed: int, budget: float) -> str:
    """Every employee's roster on its own: the greedy search first, CP-SAT where it gives up."""
    p = st.p
    t_end = time.monotonic() + budget
    a, failed = greedy_roster(p, seed, base=None)
    st.stats["construct"] = f"greedy, {len(failed)} by CP-SAT"
    for i, e in enumerate(failed):
        if st.stopped:
            return "UNKNOWN"
        # any schedule of this person (CP-SAT's feasibility jump, so two workers)
        ctx = build(p, Region([e], 0, p.D, p.D), a, soft=False)
        limit = max(1.0, min(max(t_end - time.monotonic(), 0) / (len(failed) - i) * 2, st.left()))
        res = run(ctx, limit, workers=2, seed=seed + i, params={"stop_after_first_solution": True})
        if res.array is None and res.status != "INFEASIBLE" and st.left() > 1:
            res = run(ctx, st.left(), workers=2, seed=seed + i, params={"stop_after_first_solution": True})
        if res.array is None:
            # no schedule at all for this person (or no time): the whole model decides
            st.stats["construct_failed_employee"] = p.emp_ids[e]
            return "INFEASIBLE" if res.status == "INFEASIBLE" else "UNKNOWN"
        a = res.array
    st.offer(a, "construct")
    return "FEASIBLE"


def rolling_horizon(st: State, workers: int, seed: int, budget: float, soft: bool = True) -> str:
    """First roster a few weeks at a time, each window solved with a week of look-ahead.

    Horizon-wide limits are prorated to the modelled prefix (see
    Context.prorate_*); a window that cannot be completed re-opens the
    previous one.
    """
    p = st.p
    size_per_day = max(1, model_size(p) // p.D)
    step = max(7, min(28, (4000 // size_per_day) // 7 * 7))
    ahead = 7 if p.D > step else 0
    base = np.full((p.E, p.D), OFF, dtype=np.int32)
    lo = 0
    retreat = 0
    t_end = time.monotonic() + budget
    while lo < p.D:
        if st.stopped:
            return "UNKNOWN"
        start = max(0, lo - retreat * step)
        cut = min(p.D, lo + step + ahead)
        ctx = build(p, Region(None, start, cut, cut), base, soft=soft)
        remaining_windows = max(1, math.ceil((p.D - lo) / step))
        limit = max(1.0, (t_end - time.monotonic()) / remaining_windows)
        limit = min(limit, st.left())
        res = run(ctx, limit, workers=workers, seed=seed, params=SUB_PARAMS)
        if res.array is None:
            if retreat < 2 and start > 0 and st.left() > 1:
                retreat += 1
                continue
            st.stats["construct_failed_at_day"] = lo
            return "UNKNOWN"
        retreat = 0
        keep = min(p.D, lo + step) if cut < p.D else p.D
        base[:, start:keep] = res.array[:, start:keep]
        lo = keep
    st.stats["construct_step"] = step
    st.offer(base, "construct")
    return "FEASIBLE"


def full_solve(st: State, workers: int, seed: int, limit: float) -> str:
    p = st.p
    ctx = build(p, flow=True)
    t_start = time.monotonic()

    def on_solution(a: np.ndarray, obj: int, bound: float) -> bool | None:
        if st.best_obj is None or obj < st.best_obj:
            st.offer(a, "full")
        return False if st.stopped else None

    res = run(ctx, min(limit, st.left()), workers=workers, seed=seed,
              hint=st.best if st.best is not None else st.hint, params=FULL_PARAMS,
              on_solution=on_solution)
    st.stats["full_seconds"] = round(st.stats.get("full_seconds", 0) + time.monotonic() - t_start, 2)
    if res.array is not None:
        st.offer(res.array, "full")
    bound = res.bound
    if bound is None and res.status == "UNKNOWN" and res.solver is not None:
        # no roster within its share, but the bound it proved still holds (kept for the rosters the
        # later phases find; never shown without one)
        b = res.solver.best_objective_bound
        if math.isfinite(b) and b > 0:
            bound = int(math.ceil(b - 1e-6))
    if bound is not None:
        st.bound = max(st.bound or 0, bound)
    if res.status == "OPTIMAL" and res.array is not None:
        st.optimal = True
        st.bound = st.best_obj
    return res.status


def lp_bound(st: State, limit: float, guide: bool = True, seed: int = 0) -> None:
    """Lower bound from the linear relaxation of the whole model with the run-length flow."""
    t_start = time.monotonic()
    ctx = build(st.p, flow=True)
    res = solve_lp(ctx, max(0.1, min(limit - (time.monotonic() - t_start), st.left())))
    st.stats["lp_seconds"] = round(time.monotonic() - t_start, 2)
    if res.ok and res.bound is not None and res.values is not None:
        # GLOP is exact to about 1e-6 relative; never claim more than the relaxation proves
        bound = math.ceil(res.bound - 0.01 - 1e-6 * abs(res.bound))
        st.bound = max(st.bound or 0, bound)
        st.lp_pref = lp_values(ctx, res.values)
        if guide and _independent(st.p):
            # the relaxation knows the shape of good rosters (whose weekends, which nights):
            # round it employee by employee into a roster that keeps every rule
            a, failed = greedy_roster(st.p, seed, base=st.best, pref=st.lp_pref, employees=None)
            if not failed:
                st.stats["lp_start"] = validate(st.p.inp, st.p.to_roster(a)).objective
                st.offer(a, "lp-rounding")


def solve(inp: RosterInput, time_limit: float = 60.0, *, workers: int = 2, seed: int = 0,
          on_progress: ProgressCallback | None = None, hint: Roster | None = None,
          explain: bool = True) -> SolveResult:
    """Best roster found within `time_limit` seconds.

    `on_progress` is called with a :class:`Progress` each time a better roster
    is found; returning False from it stops the search (the best roster so far
    is returned). `hint` is a roster to start from (e.g. last week's). When
    the hard rules cannot all be met and `explain` is set, the result carries
    an :class:`Explanation` naming a minimal set of conflicting rules.
    """
    # What an earlier solve in this process left behind (models of hundreds of thousands of
    # objects) otherwise slows this one's search loop: Instance14 solved after Instance13 in
    # one process ended 8.8% above the best known, 0.8% after this collection.
    gc.collect()
    t0 = time.monotonic()
    p = Problem.of(inp)
    st = State(p, t0, t0 + time_limit, on_progress=on_progress)
    if hint is not None:
        # a previous roster may break today's rules: then it only guides the search
        st.hint = _hint_array(p, hint)
        if st.hint is not None:
            st.offer(st.hint, "hint")
    size = model_size(p)
    st.stats["variables"] = size
    if size <= SMALL_MAX:
        # small: the whole model usually proves the best roster within seconds; when it does not,
        # its search stalls (it runs no neighbourhoods of its own with two workers) and the
        # neighbourhoods below take over from its best roster, keeping its bound
        status = full_solve(st, workers, seed, SMALL_FULL_SHARE * time_limit)
        if status == "INFEASIBLE":
            return _infeasible(inp, st, explain)
    if st.best is None and not st.done():
        status = construct(st, workers, seed, budget=0.25 * time_limit)
        if status == "INFEASIBLE":
            return _infeasible(inp, st, explain)
    if st.best is None and not st.done() and size <= FULL_MODEL_MAX:
        status = full_solve(st, workers, seed, st.left())
        if status == "INFEASIBLE":
            return _infeasible(inp, st, explain)
    if st.best is not None and not st.done() and 3000 < size <= LP_BOUND_MAX and time_limit >= 20:
        lp_bound(st, min(LP_BOUND_SHARE * time_limit, 15.0))
    if st.best is not None and not st.done():
        if st.lp_pref is not None and RINS_FINAL_SHARE > 0:
            # neighbourhoods first, then the cells the relaxation disputes in one longer solve
            final = RINS_FINAL_SHARE * time_limit
            deadline = st.deadline
            st.deadline = deadline - final
            lns(st, workers, seed)
            st.deadline = deadline
            while not st.done():
                if not rins_solve(st, workers, seed, st.left()):
                    break
        epoch = 0
        while not st.done():
            # restart the neighbourhood statistics now and then: sizes and preferences learnt
            # early drift away from what pays later
            epoch += 1
            deadline = st.deadline
            st.deadline = min(deadline, time.monotonic() + max(LNS_EPOCH, 0.25 * time_limit))
            lns(st, workers, seed + epoch)
            st.deadline = deadline
    return _result(st)


def _hint_array(p: Problem, hint: Roster) -> np.ndarray | None:
    a = np.full((p.E, p.D), OFF, dtype=np.int32)
    for eid, days in hint.items():
        e = p.emp_index.get(eid)
        if e is None:
            continue
        for d, sid in enumerate(list(days)[: p.D]):
            a[e, d] = p.shift_index.get(sid, OFF) if sid else OFF
    return a


def _infeasible(inp: RosterInput, st: State, explain: bool) -> SolveResult:
    explanation = None
    if explain:
        from .explain import explain_infeasibility

        explanation = explain_infeasibility(inp, time_limit=max(5.0, min(30.0, st.left())))
    return SolveResult(status=SolveStatus.INFEASIBLE, seconds=round(st.elapsed(), 3), explanation=explanation,
                       stats=st.stats)


def _result(st: State) -> SolveResult:
    if st.best is None:
        return SolveResult(status=SolveStatus.UNKNOWN, seconds=round(st.elapsed(), 3), stats=st.stats)
    roster = st.p.to_roster(st.best)
    rep = validate(st.p.inp, roster)
    status = SolveStatus.OPTIMAL if st.optimal and rep.valid else SolveStatus.FEASIBLE
    bound = st.bound if st.bound is None else min(st.bound, rep.objective)
    return SolveResult(status=status, objective=rep.objective, lower_bound=bound,
                       seconds=round(st.elapsed(), 3), roster=roster, penalties=rep.penalties, items=rep.items,
                       violations=rep.violations, valid=rep.valid, stats=st.stats)
