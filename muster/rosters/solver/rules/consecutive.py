"""Runs of working days and days off.

Short runs are forbidden with sliding-window clauses over the work
indicators rather than an automaton: the windows are short (a handful of days)
and clauses propagate well and give a tight LP.

Runs that touch the start or the end of the horizon are exempt from the
minimum lengths (the people worked or rested before and after it); the
maximum run length has no such exemption, and a run that began before the
roster (RosterInput.before) counts its earlier days, and one that goes on
after it (RosterInput.after) its later ones.
"""

from __future__ import annotations

from ..context import Context, lsum, neg
from ..problem import Problem
from .base import Rule
from .words import plural


def flow_applies(ctx: Context) -> bool:
    """Whether RunFlow encodes the run rules of the free employees in this model."""
    return bool(ctx.cache.get("use_flow")) and not ctx.explain


class _RunRule(Rule):
    """A rule on runs inside the horizon (`add_runs`, rows the run flow implies) and, optionally,
    on runs that began before it or go on after it (`add_edges`, rows it does not imply)."""

    def add(self, ctx: Context) -> None:
        n0 = len(ctx.model.proto.constraints)
        self.add_runs(ctx)
        if flow_applies(ctx):
            # the flow's LP already implies these rows: keep them out of the LP
            ctx.cache.setdefault("lp_redundant", set()).update(range(n0, len(ctx.model.proto.constraints)))
        self.add_edges(ctx)

    def add_runs(self, ctx: Context) -> None:
        raise NotImplementedError  # abstract: every run rule says what its runs may be

    def add_edges(self, ctx: Context) -> None:
        """Rows for runs that cross the start or the end of the horizon; none by default."""


class MaxConsecutiveShifts(_RunRule):
    name = "max_consecutive"

    def add_runs(self, ctx: Context) -> None:
        for e in ctx.free_emps:
            k = ctx.p.inp.employees[e].max_consecutive_shifts
            if k is None or k >= ctx.cut:
                continue
            key = (self.name, e)
            # any k + 1 consecutive days hold at most k working days
            for d in range(max(0, ctx.lo - k), min(ctx.hi, ctx.cut - k)):
                ctx.add(lsum(ctx.work(e, d + i) for i in range(k + 1)) <= k, key)

    def add_edges(self, ctx: Context) -> None:
        for e in ctx.free_emps:
            k = ctx.p.inp.employees[e].max_consecutive_shifts
            if k is None:
                continue
            key = (self.name, e)
            # a run that began before the roster: r days already worked leave k - r
            r = min(ctx.p.run_before(e), k)
            if r and ctx.lo <= k - r:
                ctx.add(lsum(ctx.work(e, i) for i in range(min(k - r + 1, ctx.cut))) <= k - r, key)
            # and one that goes on after it
            r = min(ctx.p.run_after(e), k)
            D = ctx.p.D
            if r and ctx.cut == D and ctx.hi > D - (k - r + 1):
                ctx.add(lsum(ctx.work(e, d) for d in range(max(0, D - (k - r + 1)), D)) <= k - r, key)

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        return f"{emp.label} may work at most {plural(emp.max_consecutive_shifts or 0, 'day')} in a row"


class MaxConsecutiveNights(Rule):
    """At most k night shifts on any k + 1 consecutive days (e.g. k = 1: no two nights in a row)."""

    name = "max_nights"

    def applies(self, p: Problem) -> bool:
        return any(p.night) and any(emp.max_consecutive_nights is not None for emp in p.inp.employees)

    def add(self, ctx: Context) -> None:
        p = ctx.p
        nights = [s for s in range(p.S) if p.night[s]]
        for e in ctx.free_emps:
            k = p.inp.employees[e].max_consecutive_nights
            if k is None or (k >= ctx.cut and not p.run_before(e, night=True) and not p.run_after(e, night=True)):
                continue
            key = (self.name, e)
            if not ctx.active(key):
                continue
            for d in range(max(0, ctx.lo - k), min(ctx.hi, ctx.cut - k)):
                terms = [ctx.x(e, d + i, s) for i in range(k + 1) for s in nights]
                ctx.add(lsum(terms) <= k, key)
            r = min(p.run_before(e, night=True), k)
            if r and ctx.lo <= k - r:
                terms = [ctx.x(e, i, s) for i in range(min(k - r + 1, ctx.cut)) for s in nights]
                ctx.add(lsum(terms) <= k - r, key)
            r = min(p.run_after(e, night=True), k)
            if r and ctx.cut == p.D and ctx.hi > p.D - (k - r + 1):
                terms = [ctx.x(e, d, s) for d in range(max(0, p.D - (k - r + 1)), p.D) for s in nights]
                ctx.add(lsum(terms) <= k - r, key)

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        return f"{emp.label} may work at most {plural(emp.max_consecutive_nights or 0, 'night')} in a row"


def _forbid_short_runs(ctx: Context, e: int, k: int, working: bool, key) -> None:
    """Forbid runs of 1..k-1 days (working or off) strictly inside the horizon."""
    for j in range(1, k):
        # pattern: other at d, run on d+1..d+j, other at d+j+1
        for d in range(max(0, ctx.lo - j - 1), min(ctx.hi, ctx.cut - j - 1)):
            lits = []
            for i in range(j + 2):
                w = ctx.work(e, d + i)
                inside = 0 < i <= j
                # the clause is the negation of the pattern
                lits.append(neg(w) if inside == working else w)
            ctx.clause(lits, key)


class MinConsecutiveShifts(_RunRule):
    name = "min_consecutive"

    def add_runs(self, ctx: Context) -> None:
        for e in ctx.free_emps:
            k = ctx.p.inp.employees[e].min_consecutive_shifts
            if k > 1:
                _forbid_short_runs(ctx, e, k, True, (self.name, e))

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        return f"{emp.label} must work at least {plural(emp.min_consecutive_shifts, 'day')} in a row once started"


class MinConsecutiveDaysOff(_RunRule):
    name = "min_days_off"

    def add_runs(self, ctx: Context) -> None:
        for e in ctx.free_emps:
            k = ctx.p.inp.employees[e].min_consecutive_days_off
            if k > 1:
                _forbid_short_runs(ctx, e, k, False, (self.name, e))

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        return f"{emp.label} must have at least {plural(emp.min_consecutive_days_off, 'day')} off in a row"


class RunFlow(Rule):
    """All three run-length rules at once as a path through each employee's days.

    A roster of one employee is a path: a working run (an arc covering days
    t..t+L-1) must be followed by an off run of at least the minimum length,
    which may then be extended a day at a time. The flow polytope of that path
    is integral, so its LP relaxation is the convex hull of the run rules: a
    much stronger bound than the clauses give. In a sub-model the path still
    spans the whole (modelled) horizon, but arcs that contradict a fixed day
    are left out, so it costs little outside the free window. The clauses stay
    in as well because they propagate faster.
    """

    name = "run_flow"
    hard = False  # never named in explanations: the clause rules carry the groups

    def add(self, ctx: Context) -> None:
        if not flow_applies(ctx):
            return
        for e in ctx.free_emps:
            self._employee(ctx, e)

    def _employee(self, ctx: Context, e: int) -> None:
        p, m = ctx.p, ctx.model
        D = ctx.cut  # days from the cut on do not exist: runs touching it are exempt
        emp = p.inp.employees[e]
        min_w = emp.min_consecutive_shifts
        max_w = emp.max_consecutive_shifts or D
        min_o = emp.min_consecutive_days_off
        out_q: list[list] = [[] for _ in range(D + 1)]
        in_q: list[list] = [[] for _ in range(D + 1)]
        out_p: list[list] = [[] for _ in range(D + 1)]
        in_p: list[list] = [[] for _ in range(D + 1)]
        covering: list[list] = [[] for _ in range(D)]
        works = [ctx.work(e, d) for d in range(D)]
        on = [isinstance(w, int) and w == 1 for w in works]  # fixed working
        off = [isinstance(w, int) and w == 0 for w in works]  # fixed or forced off
        # prefix counts to test "no fixed-off day in t..t+L-1" in O(1)
        off_acc = [0]
        on_acc = [0]
        for d in range(D):
            off_acc.append(off_acc[-1] + off[d])
            on_acc.append(on_acc[-1] + on[d])
        arcs: dict[tuple, object] = {}
        for t in range(D):
            # a working run starts after a day off and ends before one
            if not (t > 0 and on[t - 1]):
                for L in range(1, min(max_w, D - t) + 1):
                    if off_acc[t + L] - off_acc[t]:
                        break  # a day that cannot be worked: no longer run either
                    if not (t == 0 or t + L == D or L >= min_w):
                        continue
                    if t + L < D and on[t + L]:
                        continue
                    a = m.new_bool_var(f"run{e}_{t}_{L}")
                    arcs[("run", t, L)] = a
                    out_q[t].append(a)
                    in_p[t + L].append(a)
                    for d in range(t, t + L):
                        covering[d].append(a)
            if t > 0 and not off[t - 1]:
                # an off block of the minimum length after a working run (shorter at the end)
                end = min(t + min_o, D)
                if not on_acc[end] - on_acc[t]:
                    a = m.new_bool_var(f"off{e}_{t}")
                    arcs[("off", t)] = a
                    out_p[t].append(a)
                    in_q[end].append(a)
            if not on[t]:
                a = m.new_bool_var(f"ext{e}_{t}")
                arcs[("ext", t)] = a
                out_q[t].append(a)
                in_q[t + 1].append(a)
        m.add(lsum(out_q[0]) == 1)
        for t in range(1, D):
            m.add(lsum(in_q[t]) == lsum(out_q[t]))
            m.add(lsum(in_p[t]) == lsum(out_p[t]))
        m.add(lsum(in_q[D] + in_p[D]) == 1)
        for d in range(D):
            m.add(lsum(covering[d]) == works[d])
        ctx.hinters.append(lambda a: _path_hint(a[e, :D] >= 0, min_o, arcs))


def _path_hint(works, min_o: int, arcs: dict) -> list:
    """Values of the path arcs that spell out one employee's work pattern."""
    D = len(works)
    on: set[tuple] = set()
    d = 0
    while d < D:
        if works[d]:
            t = d
            while d < D and works[d]:
                d += 1
            on.add(("run", t, d - t))
            if d < D:
                on.add(("off", d))
                d = min(d + min_o, D)
        else:
            on.add(("ext", d))
            d += 1
    return [(var, int(k in on)) for k, var in arcs.items()]
