"""Which shift may follow which: forbidden successors and minimum rest between shifts."""

from __future__ import annotations

from collections import defaultdict

from ..context import Context, lsum
from ..problem import OFF, Problem
from .base import Rule
from .words import hours

DAY = 24 * 60


def _rest_of(p: Problem, e: int) -> int | None:
    rest = p.inp.employees[e].min_rest_minutes
    return p.inp.min_rest_minutes if rest is None else rest


def rest_pairs(p: Problem, min_rest: int) -> dict[int, dict[int, set[int]]]:
    """gap in days -> shift s -> shifts t that start too soon after s ends."""
    out: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    st = p.inp.shift_types
    for a, sa in enumerate(st):
        end = sa.start_minute + sa.length_minutes
        gap = 1
        while gap * DAY - end < min_rest + 0 and gap <= 7:
            for b, sb in enumerate(st):
                if gap * DAY + sb.start_minute - end < min_rest:
                    out[gap][a].add(b)
            gap += 1
    return out


def _add_pairs(ctx: Context, e: int, gap: int, follow: dict[int, set[int]], key_of) -> None:
    """x[e,d,s] + sum(x[e,d+gap,t] for t that may not follow s) <= 1 for each s."""
    by_set: dict[frozenset[int], list[int]] = defaultdict(list)
    for s, ts in follow.items():
        if ts:
            by_set[frozenset(ts)].append(s)
    for d in range(max(0, ctx.lo - gap), min(ctx.hi, ctx.cut - gap)):
        for banned, ss in by_set.items():
            nxt = [ctx.x(e, d + gap, t) for t in banned]
            if ctx.explain:
                # one group per preceding shift type so the explanation can name it
                for s in ss:
                    ctx.add(lsum([ctx.x(e, d, s)] + nxt) <= 1, key_of(s))
            else:
                # one shift a day makes the merged row valid and stronger
                ctx.add(lsum([ctx.x(e, d, s) for s in ss] + nxt) <= 1, key_of(ss[0]))


class Successions(Rule):
    name = "succession"

    def applies(self, p: Problem) -> bool:
        return any(s.forbidden_successors for s in p.inp.shift_types)

    def exclusions(self, p: Problem):
        # the last shift worked before the roster starts decides what day 0 may hold
        for e, days in p.before.items():
            t = days[-1]
            if t != OFF:
                for sid in p.inp.shift_types[t].forbidden_successors:
                    yield e, 0, p.shift_index[sid], (self.name, t)
        # and the first shift after it what the last day may hold
        for e, days in p.after.items():
            t = days[0]
            if t != OFF:
                for s, st in enumerate(p.inp.shift_types):
                    if p.shift_ids[t] in st.forbidden_successors:
                        yield e, p.D - 1, s, (self.name, s)

    def add(self, ctx: Context) -> None:
        super().add(ctx)
        p = ctx.p
        follow = {s: {p.shift_index[t] for t in st.forbidden_successors}
                  for s, st in enumerate(p.inp.shift_types)}
        for e in ctx.free_emps:
            _add_pairs(ctx, e, 1, follow, lambda s: (self.name, s))

    def describe(self, key, p: Problem) -> str:
        s = key[1]
        nxt = [p.shift_label(p.shift_index[t]) for t in p.inp.shift_types[s].forbidden_successors]
        return f"a {p.shift_label(s)} shift may not be followed the next day by " + " or ".join(nxt)


class MinRest(Rule):
    name = "min_rest"

    def applies(self, p: Problem) -> bool:
        return p.inp.min_rest_minutes is not None or any(
            e.min_rest_minutes is not None for e in p.inp.employees)

    def exclusions(self, p: Problem):
        # shifts worked before the roster starts: too little rest before the first days
        for e, days in p.before.items():
            rest = _rest_of(p, e)
            if not rest:
                continue
            pairs = rest_pairs(p, rest)
            for back, t in enumerate(reversed(days), start=1):
                if t == OFF:
                    continue
                for gap, follow in pairs.items():
                    d = gap - back
                    if 0 <= d < p.D:
                        for s in follow.get(t, ()):
                            yield e, d, s, (self.name, e)
        # shifts already set after the roster ends: too little rest after the last days
        for e, days in p.after.items():
            rest = _rest_of(p, e)
            if not rest:
                continue
            pairs = rest_pairs(p, rest)
            for ahead, t in enumerate(days):
                if t == OFF:
                    continue
                for gap, follow in pairs.items():
                    d = p.D + ahead - gap
                    if 0 <= d < p.D:
                        for s, ts in follow.items():
                            if t in ts:
                                yield e, d, s, (self.name, e)

    def add(self, ctx: Context) -> None:
        super().add(ctx)
        p = ctx.p
        cache: dict[int, dict] = {}
        for e in ctx.free_emps:
            rest = p.inp.employees[e].min_rest_minutes
            if rest is None:
                rest = p.inp.min_rest_minutes
            if not rest:
                continue
            if rest not in cache:
                cache[rest] = rest_pairs(p, rest)
            for gap, follow in cache[rest].items():
                _add_pairs(ctx, e, gap, follow, lambda s, e=e: (self.name, e))

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        rest = emp.min_rest_minutes if emp.min_rest_minutes is not None else p.inp.min_rest_minutes
        return f"{emp.label} needs at least {hours(rest or 0)} of rest between shifts"
