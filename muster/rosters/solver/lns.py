"""Large neighbourhood search: free part of the best roster, fix the rest, re-solve the sub-model.

Windows of days, groups of people, blocks of both, the same weekdays of every week, or the cells
where the roster disagrees with the linear relaxation; aimed at the costly cells, sized by how fast
sub-models solve, and the kinds that pay picked more often (see `solve.py` for the phases).
"""

from __future__ import annotations

import os
import random
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

import numpy as np

from .build import build, run, static_allowed
from .context import Region
from .problem import Problem
from .state import SUB_PARAMS, State, model_size

LNS_SUB_TIME = 1.0  # seconds per sub-model (doubled on large rosters)
LNS_PARALLEL = 1  # sub-models solved side by side (each with one CP-SAT worker)


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


def others_busy(window: float = 0.2) -> float:
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


def lns(st: State, workers: int, seed: int, parallel: int | None = None) -> None:
    """Large neighbourhood search until the deadline (see the module docstring).

    Sub-models are small, and CP-SAT spends a second worker mostly on helpers
    there, so `workers` sub-models are solved side by side with one worker
    each. A result computed on an older best roster is re-applied onto the
    current one (its free cells copied) and kept if that is valid and no worse;
    otherwise the older-based roster itself is offered.
    """
    p = st.p
    rng = random.Random(seed)
    per_cell = max(1.0, model_size(p) / (p.E * p.D))
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
        parallel = LNS_PARALLEL if others_busy() > 0.5 else workers
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


SWEEP_SUB_TIME = 1.0  # seconds for one employee's roster in a sweep (it usually takes a tenth of that)
SWEEP_MIN_GAIN = 0.10  # another sweep only after one that cut the cost by at least this share


def sweep(st: State, seed: int, budget: float, parallel: int = 1) -> int:
    """Each employee's whole roster re-solved in turn with everyone else fixed; returns the sweeps run.

    One employee is a tiny model (CP-SAT proves its best roster in a tenth of a second even for
    120 people and 18 shift types), and a first roster built person by person leaves most
    people far from their best answer to the others: one pass over the staff took Instance13's
    greedy start from 27,813 to 7,959 in 10 s, which the neighbourhoods below needed 21 s for.
    A pass that gains little means the roster is a local optimum for single people: moves
    between people are then the neighbourhoods' work, so the sweeps stop.

    With `parallel` > 1, that many employees are solved side by side (one CP-SAT worker each):
    a result computed while another person's new roster came in is that one row copied onto the
    best roster, kept if it is still no worse.
    """
    p = st.p
    rng = random.Random(seed)
    t_end = min(st.deadline, time.monotonic() + budget)
    sweeps, start, t_start = 0, st.best_obj, time.monotonic()
    parallel = max(1, parallel)

    def task(e: int, base: np.ndarray, limit: float, task_seed: int):
        return run(build(p, Region([e], 0, p.D, p.D), base), limit, workers=1, seed=task_seed, hint=base,
                   params=SUB_PARAMS)

    pool = ThreadPoolExecutor(parallel)
    try:
        while not st.done() and time.monotonic() < t_end:
            before = st.best_obj
            order = list(range(p.E))
            rng.shuffle(order)
            running: dict = {}
            i = 0
            while i < len(order) or running:
                while i < len(order) and len(running) < parallel:
                    left = t_end - time.monotonic()
                    if st.done() or left <= 0.05:
                        i = len(order)
                        break
                    base = st.incumbent
                    running[pool.submit(task, order[i], base, min(SWEEP_SUB_TIME, left), seed + i)] = (order[i], base)
                    i += 1
                if not running:
                    break
                done, _pending = wait(list(running), return_when=FIRST_COMPLETED)
                for fut in done:
                    e, base = running.pop(fut)
                    res = fut.result()
                    if res.array is None or np.array_equal(res.array[e], base[e]):
                        continue
                    if base is st.incumbent:
                        st.offer(res.array, "sweep")
                    else:  # another row changed meanwhile: this person's new row onto the best roster
                        merged = st.incumbent.copy()
                        merged[e] = res.array[e]
                        st.offer(merged, "sweep")
            sweeps += 1
            # `<=`: a pass that leaves a roster costing nothing unchanged must end the sweeps too
            if before is None or st.best_obj is None or before - st.best_obj <= SWEEP_MIN_GAIN * before:
                break
    finally:
        pool.shutdown(wait=True)
    st.stats["sweeps"] = f"{sweeps}, {start} -> {st.best_obj} in {time.monotonic() - t_start:.1f}s, {parallel} at a time"
    return sweeps


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


def _free_cells(p: Problem, region: Region) -> np.ndarray:
    if region.mask is not None:
        return region.mask.astype(bool)
    free = np.zeros((p.E, p.D), dtype=bool)
    rows = list(range(p.E)) if region.employees is None else list(region.employees)
    free[np.ix_(np.asarray(rows, dtype=np.int64), np.arange(region.lo, region.hi))] = True
    return free


def _rins(p: Problem, h: _Hood, rng: random.Random, st: State) -> Region:
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


def _weekdays(p: Problem, h: _Hood, rng: random.Random, st: State, focus: _Focus) -> Region:
    """`h.size` consecutive weekdays (half the time around the weekend) on every week; when that
    is too many cells, on a span of weeks around a costly day, or for some of the staff."""
    k = max(1, min(7, round(h.size)))
    first = rng.randrange(7) if rng.random() < 0.5 else (5 - rng.randrange(k)) % 7
    chosen = {(first + i) % 7 for i in range(k)}
    days = np.array([p.inp.weekday(d) in chosen for d in range(p.D)])
    per_cell = max(1.0, model_size(p) / (p.E * p.D))
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


def _pick(p: Problem, h: _Hood, rng: random.Random, st: State, focus: _Focus) -> Region:
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
