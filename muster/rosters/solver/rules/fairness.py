"""Fair shares of night and weekend work: cost = weight x (most - fewest) in the group."""

from __future__ import annotations

from ..context import Context, lsum
from ..problem import Problem
from .base import Rule
from .weekends import weekend_worked


def fairness_group(p: Problem, kind: str, employees: list[str] | None, allowed) -> list[int]:
    """Employees sharing the work: the listed ones, else all who may take such work at all."""
    if employees is not None:
        return [p.emp_index[x] for x in employees]
    if kind == "weekend":
        days = [d for w in p.weekends for d in w]
        return [e for e in range(p.E) if allowed[e, days].any()]
    nights = [s for s in range(p.S) if p.night[s]]
    return [e for e in range(p.E) if allowed[e][:, nights].any()]


class Fairness(Rule):
    name = "fairness"
    hard = False

    def applies(self, p) -> bool:
        return any(f.weight for f in p.inp.fairness)

    def add(self, ctx: Context) -> None:
        p = ctx.p
        m = ctx.model
        for i, f in enumerate(p.inp.fairness):
            if not f.weight:
                continue
            group = fairness_group(p, f.kind, f.employees, ctx.cache["static_allowed"])
            if len(group) < 2:
                continue
            counts = []
            for e in group:
                if f.kind == "night":
                    nights = [s for s in range(p.S) if p.night[s]]
                    terms = [ctx.x(e, d, s) for d in ctx.free_days(e) for s in nights]
                    counts.append(lsum(terms) + sum(ctx.base_count(e, s) for s in nights))
                else:
                    counts.append(lsum(weekend_worked(ctx, e, w) for w in range(len(p.weekends))
                                       if p.weekends[w][0] < ctx.cut))
            top = len(p.weekends) if f.kind == "weekend" else ctx.cut
            most = m.new_int_var(0, top, f"most{i}")
            fewest = m.new_int_var(0, top, f"fewest{i}")
            for c in counts:
                m.add(most >= c)
                m.add(fewest <= c)
            ctx.penalize(self.name, most - fewest, f.weight)
