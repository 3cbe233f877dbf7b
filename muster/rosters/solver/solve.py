"""Engine entry point: solve a roster under a time limit.

The search runs in phases in one process (two CP-SAT workers by default):

1. *small rosters* (up to a few thousand shift variables): the whole model,
   with the run-length flow formulation for a strong bound; these usually
   finish proven optimal;
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
import os
import random
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np

from .build import build, run, static_allowed
from .context import Region
from .greedy import greedy_roster
from .lp import lp_values, solve_lp
from .model import Roster, RosterInput
from .problem import OFF, Problem
from .result import Progress, SolveResult, SolveStatus
from .validate import validate

ProgressCallback = Callable[[Progress], bool | None]

# CP-SAT's full-problem subsolver: the LP search with every cut (linearization
# level 2); with two workers the second runs the first-solution and LNS helpers.
# Measured on the benchmark it finds both the bounds and the rosters far sooner
# than the default LP search.
FULL_PARAMS = {"subsolvers": ["max_lp", "default_lp"]}
SUB_PARAMS: dict = {"subsolvers": ["max_lp"]}
LP_BOUND_MAX = 20000  # largest model (in shift variables) whose relaxation is solved for a bound
LP_BOUND_SHARE = 0.25  # of the time limit, at most 15 s
FULL_MODEL_MAX = 200000  # beyond this the whole model is never built
RINS_FINAL_SHARE = 0.0  # of the time limit for a closing relaxation-induced solve (off: did not pay)
LNS_EPOCH = 15.0  # seconds before the neighbourhood statistics restart
LNS_SUB_TIME = 1.0  # seconds per sub-model (doubled on large rosters)
LNS_PARALLEL = 1  # sub-models solved side by side (each with one CP-SAT worker)


@dataclass
class _State:
    p: Problem
    t0: float
    deadline: float
    best: np.ndarray | None = None
    best_obj: int | None = None
    bound: int | None = None
    optimal: bool = False
    on_progress: ProgressCallback | None = None
    stopped: bool = False
    hint: np.ndarray | None = None  # guide for the first search when there is no valid roster yet
    lp_pref: np.ndarray | None = None  # x[e, d, s] of the linear relaxation, when solved
    lns_totals: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)

    @property
    def incumbent(self) -> np.ndarray:
        """The best roster so far: the improving phases run only once construction found one."""
        if self.best is None:
            raise RuntimeError("no roster to improve yet")
        return self.best

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def offer(self, a: np.ndarray, phase: str) -> bool:
        """Keep `a` if it is valid and no worse than the best; True if strictly better."""
        rep = validate(self.p.inp, self.p.to_roster(a))
        if not rep.valid:
            self.stats["rejected_invalid"] = self.stats.get("rejected_invalid", 0) + 1
            return False
        if self.best_obj is not None and rep.objective > self.best_obj:
            return False
        better = self.best_obj is None or rep.objective < self.best_obj
        self.best, self.best_obj = a.copy(), rep.objective
        if better:
            self.report(phase)
        return better

    def report(self, phase: str) -> None:
        if self.on_progress is None or self.best_obj is None:
            return
        msg = Progress(seconds=round(self.elapsed(), 3), objective=self.best_obj, lower_bound=self.bound,
                       phase=phase)
        if self.on_progress(msg) is False:
            self.stopped = True

    def done(self) -> bool:
        if self.bound is not None and self.best_obj is not None and self.best_obj <= self.bound:
            self.optimal = True
        return self.optimal or self.stopped or self.left() <= 0.05


def _model_size(p: Problem) -> int:
    return int(static_allowed(p).sum())


def _independent(p: Problem) -> bool:
    """No hard rule links two employees: each one's roster can be chosen on its own."""
    return not (p.inp.night_needs_age_at_most is not None or any(c.hard_min or c.skills for c in p.cover.values()))


def construct(st: _State, workers: int, seed: int, budget: float) -> str:
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
    if _model_size(p) <= 60000:
        ctx = build(p, soft=False)
        res = run(ctx, min(budget, st.left()), workers=workers, seed=seed, hint=st.hint,
                  params={"stop_after_first_solution": True})
        if res.array is not None:
            st.offer(res.array, "construct")
        return res.status
    return rolling_horizon(st, workers, seed, budget)


def construct_by_staff(st: _State, seed: int, budget: float) -> str:
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


def rolling_horizon(st: _State, workers: int, seed: int, budget: float, soft: bool = True) -> str:
    """First roster a few weeks at a time, each window solved with a week of look-ahead.

    Horizon-wide limits are prorated to the modelled prefix (see
    Context.prorate_*); a window that cannot be completed re-opens the
    previous one.
    """
    p = st.p
    size_per_day = max(1, _model_size(p) // p.D)
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


def full_solve(st: _State, workers: int, seed: int, limit: float) -> str:
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
    if res.bound is not None:
        st.bound = max(st.bound or 0, res.bound)
    if res.status == "OPTIMAL" and res.array is not None:
        st.optimal = True
        st.bound = st.best_obj
    return res.status


def lp_bound(st: _State, limit: float, guide: bool = True, seed: int = 0) -> None:
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


@dataclass
class _Hood:
    """One kind of neighbourhood, with its adaptive size and sub-solve time."""

    name: str
    size: float
    lo: float
    hi: float
    time: float
    tries: int = 0
    wins: int = 0
    gain: float = 1.0  # decayed improvement per second, for choosing the next kind
    spent: float = 0.0

    def score(self) -> float:
        return self.gain + 1e-3


def _others_busy(window: float = 0.2) -> float:
    """Cores kept busy by other processes right now (0.0 when it cannot be told).

    The load average would count this process's own solving a moment ago (a benchmark
    that solves one instance after another would see itself as load), so it measures the
    machine's busy time over a short window and takes off this process's CPU time.
    """
    def busy() -> float | None:
        try:
            with open("/proc/stat") as f:
                fields = [float(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        hz = os.sysconf("SC_CLK_TCK")
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
        return (sum(fields) - idle) / hz

    b0, c0, t0 = busy(), time.process_time(), time.monotonic()
    if b0 is None:
        return 0.0
    time.sleep(window)
    b1, c1, t1 = busy(), time.process_time(), time.monotonic()
    if b1 is None:
        return 0.0
    return max(0.0, ((b1 - b0) - (c1 - c0)) / max(t1 - t0, 1e-3))


def lns(st: _State, workers: int, seed: int, parallel: int | None = None) -> None:
    """Large neighbourhood search until the deadline (see the module docstring).

    Sub-models are small, and CP-SAT spends a second worker mostly on helpers
    there, so `workers` sub-models are solved side by side with one worker
    each. A result computed on an older best roster is re-applied onto the
    current one (its free cells copied) and kept if that is valid and no worse;
    otherwise the older-based roster itself is offered.
    """
    p = st.p
    rng = random.Random(seed)
    per_cell = max(1.0, _model_size(p) / (p.E * p.D))
    base_time = LNS_SUB_TIME * (1.0 if p.E * p.D * per_cell < 20000 else 2.0)
    hoods = [
        # all employees over a window of days: fixes cover day by day
        _Hood("days", max(2.0, min(p.D, 600 / (p.E * per_cell))), 2, p.D, base_time),
        # a few employees over the whole horizon: moves whole runs between people
        _Hood("staff", max(2.0, min(p.E, 250 / (p.D * per_cell))), 2, p.E, base_time),
        # more employees over a shorter window
        _Hood("block", 8.0, 3, max(p.E, p.D), base_time),
        # the same few weekdays all over the horizon: limits on weekends, on shifts of a type and
        # on hours tie each week to the others, and a better roster often needs a new pattern
        # of who works which weekends, taken from several weeks at once
        _Hood("weekdays", 4.0, 3, 6, 3 * base_time),
    ]
    if st.lp_pref is not None:
        # cells where the best roster disagrees with the linear relaxation (relaxation-induced)
        hoods.append(_Hood("rins", 300.0, 40, p.E * p.D, 3 * base_time))
    focus: _Focus | None = None
    focus_obj = None
    it = 0

    def task(region: Region, base: np.ndarray, limit: float, flow: bool, task_seed: int):
        t_start = time.monotonic()
        ctx = build(p, region, base, flow=flow)
        res = run(ctx, limit, workers=1, seed=task_seed, hint=base, params=SUB_PARAMS)
        return res, time.monotonic() - t_start

    if parallel is None:
        # side by side only when the machine has idle cores: under load the stale bases cost more
        # than the extra worker brings
        parallel = LNS_PARALLEL if _others_busy() > 0.5 else workers
    parallel = max(1, min(workers, parallel))
    pool = ThreadPoolExecutor(parallel)
    running: dict = {}
    try:
        while True:
            while len(running) < parallel and not st.done():
                if st.left() < 0.05:
                    break
                it += 1
                h = rng.choice(hoods) if rng.random() < 0.3 else max(hoods, key=lambda x: x.score())
                if focus is None or focus_obj != st.best_obj:
                    focus, focus_obj = _Focus(p, st.incumbent), st.best_obj
                region = _pick(p, h, rng, st, focus)
                base = st.incumbent.copy()
                fut = pool.submit(task, region, base, min(h.time, st.left()), h.name == "staff", seed + it)
                running[fut] = (h, region, base, st.best_obj)
            if not running:
                break
            done, _pending = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in done:
                h, region, base, base_obj = running.pop(fut)
                res, spent = fut.result()
                before = st.best_obj
                h.tries += 1
                h.spent += spent
                if res.array is not None and not np.array_equal(res.array, base):
                    if base_obj == st.best_obj and np.array_equal(base, st.incumbent):
                        st.offer(res.array, f"lns/{h.name}")
                    else:
                        # the best moved on meanwhile: graft this region's cells onto it
                        free = _free_cells(p, region)
                        merged = np.where(free, res.array, st.incumbent)
                        if not st.offer(merged, f"lns/{h.name}"):
                            st.offer(res.array, f"lns/{h.name}")
                gain = (before or 0) - (st.best_obj or 0)
                if gain > 0:
                    h.wins += 1
                h.gain = 0.7 * h.gain + 0.3 * gain / max(spent, 0.05)
                if res.status == "OPTIMAL":
                    # solved in time: try a larger neighbourhood next time
                    h.size = min(h.hi, h.size * 1.1)
                else:
                    h.size = max(h.lo, h.size * 0.95)
    finally:
        pool.shutdown(wait=True)
    st.stats["lns_iterations"] = int(st.stats.get("lns_iterations", 0)) + it
    for h in hoods:
        wins, tries, spent = st.lns_totals.get(h.name, (0, 0, 0.0))
        st.lns_totals[h.name] = (wins + h.wins, tries + h.tries, spent + h.spent)
        wins, tries, spent = st.lns_totals[h.name]
        st.stats[f"lns_{h.name}"] = f"{wins}/{tries} wins, {spent:.1f}s, last size {h.size:.1f}"


class _Focus:
    """Where the best roster pays: cover cells short or over, and people whose requests are refused."""

    def __init__(self, p: Problem, a: np.ndarray):
        self.cells: list[tuple[int, int]] = []
        self.weights: list[float] = []
        self.short: list[tuple[int, int]] = []
        for (d, s), c in p.cover.items():
            n = int((a[:, d] == s).sum())
            cost = max(0, c.requirement - n) * c.under_weight + max(0, n - c.requirement) * c.over_weight
            if cost:
                self.cells.append((d, s))
                self.weights.append(float(cost))
                if n < c.requirement:
                    self.short.append((d, s))

    def day(self, rng: random.Random) -> int | None:
        if not self.cells:
            return None
        return rng.choices(self.cells, weights=self.weights)[0][0]

    def people(self, p: Problem, a: np.ndarray, k: int, rng: random.Random) -> list[int]:
        """People who could take a short shift, people with spare budget for its type, and people
        who work that type nearby (so that chains of moves fit in one neighbourhood)."""
        if not self.cells:
            return sorted(rng.sample(range(p.E), k))
        d, s = rng.choices(self.cells, weights=self.weights)[0]
        allowed = static_allowed(p)
        sid = p.shift_ids[s]
        lo, hi = max(0, d - 7), min(p.D, d + 8)
        could = [e for e in range(p.E) if allowed[e, d, s] and a[e, d] != s]
        spare = [e for e in could
                 if int((a[e] == s).sum()) < p.inp.employees[e].max_shifts.get(sid, p.D)]
        nearby = [e for e in range(p.E) if a[e, d] != s and (a[e, lo:hi] == s).any()]
        on = [e for e in range(p.E) if a[e, d] == s]
        pools = [spare, nearby, could] if (d, s) in self.short else [on, could]
        chosen: set[int] = set()
        for pool in pools:
            free = [e for e in pool if e not in chosen]
            chosen.update(rng.sample(free, min(len(free), max(1, (k - len(chosen) + 1) // 2))))
            if len(chosen) >= k:
                break
        rest = [e for e in range(p.E) if e not in chosen]
        chosen.update(rng.sample(rest, min(len(rest), max(0, k - len(chosen)))))
        return sorted(chosen)[:max(k, 1)] if len(chosen) > k else sorted(chosen)


def rins_solve(st: _State, workers: int, seed: int, limit: float) -> bool:
    """Re-solve every cell where the best roster disagrees with the relaxation; True if it improved."""
    p = st.p
    a, pref, before = st.incumbent, st.lp_pref, st.best_obj
    if pref is None or before is None:  # no relaxation was solved
        return False
    E, D = p.E, p.D
    chosen = pref[np.arange(E)[:, None], np.arange(D)[None, :], np.maximum(a, 0)]
    value = np.where(a >= 0, chosen, 1.0 - pref.sum(axis=2))
    mask = value < 0.5
    if not mask.any():
        return False
    res = run(build(p, Region.cells(mask), a, flow=True), limit, workers=workers, seed=seed, hint=a,
              params=SUB_PARAMS)
    if res.array is not None:
        st.offer(res.array, "rins")
    st.stats["rins_final"] = f"{int(mask.sum())} cells, {before} -> {st.best_obj}"
    return st.best_obj is not None and st.best_obj < before and res.status == "OPTIMAL"


def _free_cells(p: Problem, region: Region) -> np.ndarray:
    if region.mask is not None:
        return region.mask.astype(bool)
    free = np.zeros((p.E, p.D), dtype=bool)
    rows = list(range(p.E)) if region.employees is None else list(region.employees)
    free[np.ix_(np.asarray(rows, dtype=np.int64), np.arange(region.lo, region.hi))] = True
    return free


def _rins(p: Problem, h: _Hood, rng: random.Random, st: _State) -> Region:
    a = st.incumbent
    E, D = p.E, p.D
    pref = st.lp_pref
    if pref is None:
        raise RuntimeError("the rins neighbourhood needs the linear relaxation")
    chosen = pref[np.arange(E)[:, None], np.arange(D)[None, :], np.maximum(a, 0)]
    value = np.where(a >= 0, chosen, 1.0 - pref.sum(axis=2))
    # where the relaxation disagrees, or is unsure (random threshold for variety), plus a
    # random sprinkle so that repeated picks differ
    mask = (value < rng.uniform(0.5, 0.95)) | (np.random.default_rng(rng.randrange(2**31)).random((E, D)) < 0.03)
    total = int(mask.sum())
    size = int(h.size)
    if total > size:
        keep = np.zeros_like(mask)
        if rng.random() < 0.5:
            # whole rows of some employees
            rows = list(range(E))
            rng.shuffle(rows)
            n = 0
            for e in rows:
                keep[e] = mask[e]
                n += int(mask[e].sum())
                if n >= size:
                    break
        else:
            # a window of days, as wide as the size allows
            per_day = max(1.0, total / D)
            w = max(1, min(D, int(size / per_day)))
            lo = rng.randrange(0, D - w + 1)
            keep[:, lo:lo + w] = mask[:, lo:lo + w]
        mask = keep
    if not mask.any():
        return Region(sorted(rng.sample(range(E), min(E, 2))), 0, D, D)
    return Region.cells(mask)


WEEKDAY_CELLS = 3000  # most free cells (times shift variables per cell) in a weekdays neighbourhood


def _weekdays(p: Problem, h: _Hood, rng: random.Random, st: _State, focus: _Focus) -> Region:
    """`h.size` consecutive weekdays (half the time around the weekend) on every week; when that
    is too many cells, on a span of weeks around a costly day, or for some of the staff."""
    k = max(1, min(7, round(h.size)))
    first = rng.randrange(7) if rng.random() < 0.5 else (5 - rng.randrange(k)) % 7
    chosen = {(first + i) % 7 for i in range(k)}
    days = np.array([p.inp.weekday(d) in chosen for d in range(p.D)])
    per_cell = max(1.0, _model_size(p) / (p.E * p.D))
    cap = WEEKDAY_CELLS / per_cell
    emps = list(range(p.E))
    if p.E * days.sum() > cap:
        # fewer weeks when the horizon is long, fewer people when the team is large
        span = max(7, int(cap / max(1, p.E) / max(k, 1) * 7))
        if span < p.D:
            day = focus.day(rng)
            centre = rng.randrange(p.D) if day is None else day
            lo = min(max(0, centre - span // 2), p.D - span)
            days[:lo] = False
            days[lo + span:] = False
        n = max(1, int(cap / max(1, days.sum())))
        if n < p.E:
            emps = focus.people(p, st.incumbent, n, rng)
    mask = np.zeros((p.E, p.D), dtype=bool)
    mask[np.ix_(np.asarray(emps, dtype=np.int64), np.flatnonzero(days))] = True
    return Region.cells(mask)


def _pick(p: Problem, h: _Hood, rng: random.Random, st: _State, focus: _Focus) -> Region:
    if h.name == "rins":
        return _rins(p, h, rng, st)
    targeted = rng.random() < 0.6
    if h.name == "days":
        w = max(1, min(p.D, round(h.size)))
        day = focus.day(rng) if targeted else None
        lo = rng.randrange(0, p.D - w + 1) if day is None else min(max(0, day - rng.randrange(w)), p.D - w)
        return Region(None, lo, lo + w, p.D)
    if h.name == "weekdays":
        return _weekdays(p, h, rng, st, focus)
    if h.name == "staff":
        k = max(1, min(p.E, round(h.size)))
        emps = focus.people(p, st.incumbent, k, rng) if targeted else sorted(rng.sample(range(p.E), k))
        return Region(emps, 0, p.D, p.D)
    # block: a square-ish patch of people x days around the same number of cells
    k = max(1, min(p.E, round(h.size * 0.8)))
    w = max(1, min(p.D, round(h.size * 1.25)))
    day = focus.day(rng) if targeted else None
    lo = rng.randrange(0, p.D - w + 1) if day is None else min(max(0, day - rng.randrange(w)), p.D - w)
    emps = focus.people(p, st.incumbent, k, rng) if targeted else sorted(rng.sample(range(p.E), k))
    return Region(emps, lo, lo + w, p.D)


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
    st = _State(p, t0, t0 + time_limit, on_progress=on_progress)
    if hint is not None:
        # a previous roster may break today's rules: then it only guides the search
        st.hint = _hint_array(p, hint)
        if st.hint is not None:
            st.offer(st.hint, "hint")
    size = _model_size(p)
    st.stats["variables"] = size
    if size <= 3000:
        # small: the whole model usually proves the best roster within seconds
        status = full_solve(st, workers, seed, st.left())
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


def _infeasible(inp: RosterInput, st: _State, explain: bool) -> SolveResult:
    explanation = None
    if explain:
        from .explain import explain_infeasibility

        explanation = explain_infeasibility(inp, time_limit=max(5.0, min(30.0, st.left())))
    return SolveResult(status=SolveStatus.INFEASIBLE, seconds=round(st.elapsed(), 3), explanation=explanation,
                       stats=st.stats)


def _result(st: _State) -> SolveResult:
    if st.best is None:
        return SolveResult(status=SolveStatus.UNKNOWN, seconds=round(st.elapsed(), 3), stats=st.stats)
    roster = st.p.to_roster(st.best)
    rep = validate(st.p.inp, roster)
    status = SolveStatus.OPTIMAL if st.optimal and rep.valid else SolveStatus.FEASIBLE
    bound = st.bound if st.bound is None else min(st.bound, rep.objective)
    return SolveResult(status=status, objective=rep.objective, lower_bound=bound,
                       seconds=round(st.elapsed(), 3), roster=roster, penalties=rep.penalties, items=rep.items,
                       violations=rep.violations, valid=rep.valid, stats=st.stats)
