"""Most weekends an employee may work (a weekend is worked if Saturday or Sunday is)."""

from __future__ import annotations

from ..context import Context, Lit, lsum
from ..problem import Problem
from .base import Rule
from .words import plural


def weekend_worked(ctx: Context, e: int, w: int) -> Lit:
    """Indicator that employee e works weekend w (days before the cut only)."""
    cache = ctx.cache.setdefault("weekend", {})
    lit = cache.get((e, w))
    if lit is not None:
        return lit
    days = [d for d in ctx.p.weekends[w] if d < ctx.cut]
    works = [ctx.work(e, d) for d in days]
    if any(isinstance(x, int) and x for x in works):
        lit = 1
    else:
        vs = [x for x in works if not isinstance(x, int)]
        if not vs:
            lit = 0
        elif len(vs) == 1:
            lit = vs[0]
        else:
            lit = ctx.model.new_bool_var(f"wk{e}_{w}")
            ctx.model.add_max_equality(lit, vs)
            ctx.hinters.append(lambda a, lit=lit, e=e, days=days: [(lit, int(any(a[e, d] >= 0 for d in days)))])
    cache[(e, w)] = lit
    return lit


class MaxWeekends(Rule):
    name = "max_weekends"

    def add(self, ctx: Context) -> None:
        p = ctx.p
        for e in ctx.free_emps:
            limit = p.inp.employees[e].max_weekends
            if limit is None or limit >= len(p.weekends):
                continue
            count = lsum(weekend_worked(ctx, e, w) for w in range(len(p.weekends))
                         if p.weekends[w][0] < ctx.cut)
            ctx.add(count <= ctx.prorate_max(limit, 1), (self.name, e))

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        return f"{emp.label} may work at most {plural(emp.max_weekends or 0, 'weekend')}"
