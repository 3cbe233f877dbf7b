"""Fast constructive heuristic: one employee's roster by depth-first search.

CP-SAT needs seconds for a single employee over a year (its presolve and
feasibility jump dominate), which is too slow to start the search on the
year-long benchmark instances with 50 to 150 people. This search walks the
days in order, tries "off" or a shift in the order a score suggests (fill
what is still short, keep pace with the working-time target), and checks every
rule of that one employee incrementally; it backtracks within a node budget.
When it gives up, the caller falls back to CP-SAT for that employee.

Rules that link employees are not checked here: callers use it only when
there are none.
"""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np

from .build import static_allowed
from .problem import OFF, Problem
from .rules.successions import rest_pairs

PREF_NEED = 0.3  # weight of "still short" against the relaxation's value when rounding it


class _Rules:
    """The employee-level rules in index form."""

    def __init__(self, p: Problem, e: int):
        emp = p.inp.employees[e]
        self.D = p.D
        self.allowed = static_allowed(p)[e]
        self.length = p.length
        self.min_total = emp.min_total_minutes
        self.max_total = emp.max_total_minutes if emp.max_total_minutes is not None else 10**9
        self.max_w = emp.max_consecutive_shifts or p.D
        self.min_w = emp.min_consecutive_shifts
        self.min_o = emp.min_consecutive_days_off
        self.max_n = emp.max_consecutive_nights
        self.night = p.night
        self.max_weekends = emp.max_weekends if emp.max_weekends is not None else 10**9
        self.max_count = [emp.max_shifts.get(sid, 10**9) for sid in p.shift_ids]
        self.week_limit = emp.max_minutes_per_week
        self.weekend = [p.inp.weekend_of(d) for d in range(p.D)]
        # rank of each weekend in the horizon, to spread the allowed weekends over it
        keys = sorted({w for w in self.weekend if w is not None})
        self.weekend_rank = {w: i for i, w in enumerate(keys)}
        self.n_weekends = max(1, len(keys))
        self.week = [p.inp.week_of(d) for d in range(p.D)]
        # runs of days and of nights worked up to the day before the roster
        self.run0 = p.run_before(e)
        self.nights0 = p.run_before(e, night=True)
        # and from the day after the last one
        self.run_end = p.run_after(e)
        self.nights_end = p.run_after(e, night=True)
        # forbidden[g][s] = shifts that may not come g days after s
        self.forbidden: dict[int, dict[int, set[int]]] = defaultdict(dict)
        for s, st in enumerate(p.inp.shift_types):
            self.forbidden[1][s] = {p.shift_index[t] for t in st.forbidden_successors}
        rest = emp.min_rest_minutes if emp.min_rest_minutes is not None else p.inp.min_rest_minutes
        if rest:
            for gap, follow in rest_pairs(p, rest).items():
                for s, ts in follow.items():
                    self.forbidden[gap].setdefault(s, set()).update(ts)
        usable = [s for s in range(p.S) if self.allowed[:, s].any() and self.max_count[s] > 0]
        self.freedom = [sum(1 for t in usable if t not in self.forbidden[1].get(s, ())) / max(1, len(usable))
                        for s in range(p.S)]
        allowed_lengths = [p.length[s] for s in range(p.S) if self.allowed[:, s].any()]
        self.longest = max(allowed_lengths, default=480)
        self.typical = sum(allowed_lengths) / len(allowed_lengths) if allowed_lengths else 480
        self.best_len = [max((p.length[s] for s in range(p.S) if self.allowed[d, s]), default=0)
                         for d in range(p.D)]
        self._capacity_table()

    # run states: (working?, run length capped, run touches the start); index via _sid
    def _sid(self, working: bool, length: int, at_start: bool) -> int:
        if working:
            return (min(length, self.max_w) - 1) * 2 + at_start
        return 2 * self.max_w + (min(length, self.min_o) - 1) * 2 + at_start

    def _capacity_table(self) -> None:
        """cap[d][state, u]: most minutes days d.. can still bring, exactly under the run rules,
        the days off and the weekend limit (u weekends used so far); -inf when none is possible.
        Vectorised over states and u: one handful of numpy operations per day."""
        D = self.D
        limited = self.max_weekends < 10**9
        K = int(min(self.max_weekends, self.n_weekends)) if limited else 0
        states = [(True, L, st) for L in range(1, self.max_w + 1) for st in (False, True)] + \
                 [(False, L, st) for L in range(1, self.min_o + 1) for st in (False, True)]
        n = len(states)
        order = [self._sid(*x) for x in states]
        assert sorted(order) == list(range(n))
        states = [states[order.index(i)] for i in range(n)]
        working = np.array([w for w, _L, _s in states])
        can_off = np.array([not (w and L < self.min_w and not st) for w, L, st in states])
        can_work = np.array([not (w and L >= self.max_w) and not (not w and not st and L < self.min_o)
                             for w, L, st in states])
        off_next = np.array([self._sid(False, 1 if w else L + 1, st and not w) for w, L, st in states])
        work_next = np.array([self._sid(True, L + 1 if w else 1, st and w) for w, L, st in states])
        neg = -1e18
        nxt = np.zeros((n, K + 1))
        table: list[np.ndarray] = [nxt] * (D + 1)
        for d in range(D - 1, -1, -1):
            off_val = np.where(can_off[:, None], nxt[off_next], neg)
            if self.best_len[d] > 0:
                gain = nxt[work_next]
                wk = self.weekend[d]
                if wk is not None and limited:
                    # a new weekend unless yesterday was its Saturday and worked
                    cont = working & (d > 0) & (self.weekend[d - 1] == wk)
                    shifted = np.full_like(gain, neg)
                    shifted[:, :K] = gain[:, 1:]
                    gain = np.where(cont[:, None], gain, shifted)
                work_val = np.where(can_work[:, None] & (gain > neg / 2), gain + self.best_len[d], neg)
                cur = np.maximum(off_val, work_val)
            else:
                cur = off_val
            table[d] = cur
            nxt = cur
        self.table = table
        self.K = K

    def capacity(self, d: int, working: bool, length: int, at_start: bool, weekends_used: int) -> float:
        """Most minutes days d.. can bring after a run (working?, length, at_start) ending on d-1."""
        if d >= self.D:
            return 0.0
        if d == 0:
            working, length, at_start = False, self.min_o, True
        u = min(weekends_used, self.K)
        return float(self.table[d][self._sid(working, max(1, length), at_start), u])


def greedy_employee(p: Problem, e: int, need: np.ndarray, rng: random.Random,
                    node_limit: int = 20000, pref: np.ndarray | None = None) -> np.ndarray | None:
    """A roster row for employee e meeting all of e's rules, or None.

    `need[d, s]` > 0 where shift s on day d is still short: the search prefers
    to fill those. With `pref[d, s]` (e.g. the LP relaxation's values for this
    employee) the search follows it instead: it rounds the relaxation into a
    schedule that meets every rule of the employee.
    """
    r = _Rules(p, e)
    D, S = p.D, p.S
    top = r.capacity(0, False, 1, True, 0)
    if top < r.min_total:
        return None  # cannot work enough at all under the run rules and days off
    target = (r.min_total + min(r.max_total, top)) / 2 if r.max_total < 10**9 else max(r.min_total, 0)
    row = [OFF] * D
    counts = [0] * S
    week_minutes: dict[int, int] = defaultdict(int)
    weekends: dict[int, int] = defaultdict(int)  # weekend -> days worked in it
    state = {"minutes": 0, "weekends": 0, "nodes": 0}

    def run_before(d: int) -> tuple[bool, int, bool]:
        """(working?, length, touches the start) of the run ending on day d-1."""
        if d == 0:
            return (True, r.run0, True) if r.run0 else (False, 0, True)
        working = row[d - 1] != OFF
        k = d - 1
        while k >= 0 and (row[k] != OFF) == working:
            k -= 1
        return working, d - 1 - k + (r.run0 if k < 0 and working else 0), k < 0

    def nights_before(d: int) -> int:
        n = 0
        while d - n - 1 >= 0 and row[d - n - 1] != OFF and r.night[row[d - n - 1]]:
            n += 1
        return n + (r.nights0 if n == d else 0)

    def options(d: int) -> list[int]:
        working, length, at_start = run_before(d)
        can_off = not (working and length < r.min_w and not at_start)
        can_work = not (working and length >= r.max_w) and not (
            not working and d > 0 and not at_start and length < r.min_o)
        if can_work and d == D - 1 and r.run_end and (length + 1 if working else 1) + r.run_end > r.max_w:
            can_work = False  # the run would go on past the limit into the days after
        shifts = []
        weekend_heavy = False
        if can_work:
            wk = r.weekend[d]
            if wk is not None and weekends[wk] == 0:
                if state["weekends"] >= r.max_weekends:
                    can_work = False
                else:
                    # spread the weekends: past the pro-rata share, rather rest
                    share = r.max_weekends * (r.weekend_rank[wk] + 1) / r.n_weekends
                    weekend_heavy = state["weekends"] >= int(share) + 1
        if can_work:
            for s in range(S):
                if not r.allowed[d, s] or counts[s] >= r.max_count[s]:
                    continue
                if state["minutes"] + r.length[s] > r.max_total:
                    continue
                if r.week_limit is not None and week_minutes[r.week[d]] + r.length[s] > r.week_limit:
                    continue
                if r.max_n is not None and r.night[s] and nights_before(d) + 1 + (
                        r.nights_end if d == D - 1 else 0) > r.max_n:
                    continue
                bad = False
                for gap, follow in r.forbidden.items():
                    if d - gap >= 0 and row[d - gap] != OFF and s in follow.get(row[d - gap], ()):
                        bad = True
                        break
                if not bad:
                    shifts.append(s)
        # order: keep pace with the working-time target with some hysteresis (long runs, short
        # breaks use the days best), then fill what is short, with a little noise
        pace = target * (d + 1) / D - state["minutes"]
        slack = 2 * r.typical
        if working:
            prefer_work = pace > -slack
        else:
            prefer_work = pace > -slack / 2 and not weekend_heavy
        if rng.random() < 0.1:
            prefer_work = not prefer_work
        if pref is not None:
            row_pref = pref[d]
            # the relaxation's choice, nudged towards what is still short (its values are fractional)
            scored = sorted((-row_pref[s] - PREF_NEED * bool(need[d, s] > 0) - 0.05 * rng.random(), s)
                            for s in shifts)
            order = [s for _k, s in scored]
            if can_off:
                # off where the relaxation mostly rests (ties: keep pace)
                off = 1.0 - float(row_pref.sum())
                top = -scored[0][0] if scored else -1.0
                if off > top + (0.0 if prefer_work else -0.2):
                    order.insert(0, OFF)
                else:
                    order.append(OFF)
            return order
        # shifts that leave the next day open and whose budget lasts come first
        scored = [(-2.0 * bool(need[d, s] > 0) - r.freedom[s]
                   - (1.0 if r.max_count[s] >= D else (r.max_count[s] - counts[s]) / r.max_count[s])
                   + (0.0 if r.max_count[s] >= D or counts[s] < r.max_count[s] * (d + 1) / D + 1 else 2.0)
                   - 1.5 * (1 if pace > 0 else -1) * r.length[s] / r.longest
                   - 0.5 * rng.random(), s) for s in shifts]
        scored.sort()
        order = [s for _k, s in scored]
        if can_off:
            if prefer_work:
                order.append(OFF)
            else:
                order.insert(0, OFF)
        return order

    def put(d: int, s: int, sign: int) -> None:
        if s == OFF:
            return
        counts[s] += sign
        state["minutes"] += sign * r.length[s]
        week_minutes[r.week[d]] += sign * r.length[s]
        wk = r.weekend[d]
        if wk is not None:
            if sign > 0 and weekends[wk] == 0:
                state["weekends"] += 1
            weekends[wk] += sign
            if sign < 0 and weekends[wk] == 0:
                state["weekends"] -= 1

    # iterative depth-first search: stack of remaining options per day
    stack: list[list[int]] = []
    d = 0
    while True:
        if d == D:
            if state["minutes"] >= r.min_total:
                return np.array(row, dtype=np.int32)
            d -= 1  # too few minutes: backtrack
        elif len(stack) == d:
            stack.append(options(d))
        state["nodes"] += 1
        if state["nodes"] > node_limit or d < 0:
            return None
        opts = stack[d]
        put(d, row[d], -1)
        row[d] = OFF
        found = False
        while opts:
            s = opts.pop(0)
            row[d] = s
            put(d, s, +1)
            # prune: the runs must still close and the minimum must still be reachable
            working, length, at_start = run_before(d + 1)
            if state["minutes"] + r.capacity(d + 1, working, length, at_start, state["weekends"]) < r.min_total:
                put(d, s, -1)
                row[d] = OFF
                continue
            found = True
            break
        if found:
            d += 1
        else:
            stack.pop()
            d -= 1
            if d < 0:
                return None


def greedy_roster(p: Problem, seed: int = 0, base: np.ndarray | None = None,
                  employees: list[int] | None = None, retries: int = 2,
                  node_limit: int = 20000, pref: np.ndarray | None = None) -> tuple[np.ndarray, list[int]]:
    """Rows for `employees` (default all, in random order), each filling what the earlier left short.

    Returns the roster and the employees the search could not place (left off).
    """
    rng = random.Random(seed)
    a = np.full((p.E, p.D), OFF, dtype=np.int32) if base is None else base.copy()
    order = list(range(p.E)) if employees is None else list(employees)
    rng.shuffle(order)
    for e in order:
        a[e] = OFF
    need = np.zeros((p.D, p.S))
    for (d, s), c in p.cover.items():
        need[d, s] = c.requirement
    for e in range(p.E):
        for d in range(p.D):
            if a[e, d] >= 0:
                need[d, a[e, d]] -= 1
    failed = []
    for e in order:
        row = None
        for attempt in range(retries + 1):
            row = greedy_employee(p, e, need, rng, node_limit=node_limit if attempt == 0 else node_limit // 2,
                                  pref=None if pref is None or attempt == retries else pref[e])
            if row is not None:
                break
        if row is None:
            failed.append(e)
            continue
        a[e] = row
        for d in range(p.D):
            if row[d] >= 0:
                need[d, row[d]] -= 1
    return a, failed
