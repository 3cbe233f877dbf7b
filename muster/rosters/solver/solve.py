"""Engine entry point: solve a roster under a time limit.

The search runs in phases in one process (two CP-SAT workers by default):

1. *small rosters* (up to a few thousand shift variables): the whole model,
   with the run-length flow formulation for a strong bound, for a share of
   the time; these usually finish proven optimal, and when they do not, the
   neighbourhoods (5) take over from its roster and keep its bound;
2. *construct*: a first roster meeting every hard rule. When no hard rule
   links employees, a depth-first greedy builds each person's roster in turn
   (CP-SAT only where it gives up); otherwise the whole model without costs,
   or a rolling horizon when that is too large;
3. *bound*: on mid-size rosters the linear relaxation of the whole model
   (GLOP) gives the lower bound, and rounding it person by person gives a
   second start that already has the right shape. It is solved on a thread
   beside the phases below (one core of two), plain first, then with the
   run-length flow, and taken in as it arrives;
4. *sweeps*: beyond small rosters, each employee's whole roster re-solved in
   turn with everyone else fixed, while a pass over the staff still pays;
5. *lns*: large neighbourhood search until the deadline: free a window of
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
import threading
import time

import numpy as np

from .build import build, run
from .context import Region
from .greedy import greedy_roster
from .lns import lns, others_busy, sweep
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
LP_FLOW_MAX = 20000  # largest model whose relaxation with the run-length flow follows the plain one
FLOW_COST = 3.0  # the relaxation with the flow takes about this many times the plain one
FLOW_SHARE = 0.5  # of the time left, at most, for it
RELAX_POLL = 5.0  # seconds between looks at the relaxation while it runs
SWEEP_SHARE = 0.3  # of the time limit, at most, for sweeps over the staff after construction
FULL_MODEL_MAX = 200000  # beyond this the whole model is never built
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


class Relaxation:
    """The linear relaxation of the whole model, solved on a thread beside the search.

    GLOP releases the GIL while it solves, so the relaxation takes one core while the
    neighbourhoods go on with the other, instead of holding the search up: on the larger rosters
    it needs most of the time limit (Instance19's with the run-length flow: 43 s; Instance15's:
    16 s), and a relaxation cut off at a share of the time gave neither bound nor guide. The plain
    relaxation comes first (about a third of the time, a slightly weaker bound), then the one
    with the flow. Results are taken by the search thread (`collect`), which alone touches the
    state.
    """

    def __init__(self, p: Problem, deadline: float, flow_max: int):
        self.p, self.deadline = p, deadline
        self.flows = [False, True] if model_size(p) <= flow_max else [False]
        self.results: list = []  # (ctx, LPResult), appended by the thread
        self._solvers: list = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="roster-relaxation", daemon=True)

    def start(self) -> Relaxation:
        self._thread.start()
        return self

    def _run(self) -> None:
        plain_seconds = None
        for flow in self.flows:
            left = self.deadline - time.monotonic()
            if self._stop.is_set() or left < 0.5:
                return
            if flow and plain_seconds is not None and FLOW_COST * plain_seconds > FLOW_SHARE * left:
                # the tighter bound would hold a core for most of what is left: the search needs it more
                return
            ctx = build(self.p, flow=flow)
            if self._stop.is_set():
                return
            res = solve_lp(ctx, left, solvers=self._solvers)
            plain_seconds = res.seconds
            self.results.append((ctx, res))

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def collect(self, st: State, seed: int, guide: bool = True) -> None:
        """Take the relaxations solved since the last call: the bound, and with `guide` the guide
        and a rounded start (not once the time is up: rounding takes a moment)."""
        while self.results:
            ctx, res = self.results.pop(0)
            key = "lp_flow_seconds" if ctx.cache.get("use_flow") else "lp_seconds"
            st.stats[key] = round(res.seconds, 2)
            if not (res.ok and res.bound is not None and res.values is not None):
                continue
            # GLOP is exact to about 1e-6 relative; never claim more than the relaxation proves
            bound = math.ceil(res.bound - 0.01 - 1e-6 * abs(res.bound))
            st.bound = max(st.bound or 0, bound)
            if not guide:
                continue
            st.lp_pref = lp_values(ctx, res.values)
            if _independent(st.p):
                # the relaxation knows the shape of good rosters (whose weekends, which nights):
                # round it employee by employee into a roster that keeps every rule
                a, failed = greedy_roster(st.p, seed, base=st.best, pref=st.lp_pref, employees=None)
                if not failed:
                    st.stats["lp_start"] = validate(st.p.inp, st.p.to_roster(a)).objective
                    st.offer(a, "lp-rounding")

    def stop(self) -> None:
        """Interrupt the relaxation and wait for its thread (again and again: GLOP may only just be
        starting when asked)."""
        self._stop.set()
        while self._thread.is_alive():
            for solver in list(self._solvers):
                solver.InterruptSolve()
            self._thread.join(0.1)


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
    relax = None
    if st.best is not None and not st.done() and SMALL_MAX < size <= LP_BOUND_MAX and time_limit >= 20:
        relax = Relaxation(p, st.deadline, LP_FLOW_MAX).start()
    try:
        if st.best is not None and not st.done() and size > SMALL_MAX:
            # two people at a time when a core is free (not the relaxation's, nor another process's)
            alone = (relax is None or not relax.running) and others_busy() <= 0.5
            sweep(st, seed, SWEEP_SHARE * time_limit, parallel=workers if alone else 1)
        epoch = 0
        while st.best is not None and not st.done():
            # restart the neighbourhood statistics now and then: sizes and preferences learnt
            # early drift away from what pays later
            epoch += 1
            parallel = None
            if relax is not None:
                relax.collect(st, seed)
                # one core is the relaxation's while it runs
                parallel = 1 if relax.running else None
            if st.done():
                break
            deadline = st.deadline
            epoch_len = max(LNS_EPOCH, 0.25 * time_limit)
            if relax is not None and relax.running:
                epoch_len = min(epoch_len, RELAX_POLL)
            st.deadline = min(deadline, time.monotonic() + epoch_len)
            lns(st, workers, seed + epoch, parallel=parallel)
            st.deadline = deadline
    finally:
        if relax is not None:
            relax.stop()
    if relax is not None:
        # a relaxation that finished in the last epoch still bounds the roster returned
        relax.collect(st, seed, guide=False)
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
