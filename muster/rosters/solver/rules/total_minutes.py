"""Minimum and maximum working time of each employee over the horizon."""

from __future__ import annotations

from ..context import Context, wsum
from ..problem import Problem
from .base import Rule
from .words import hours


class TotalMinutes(Rule):
    name = "total_minutes"
    keys = ("min_minutes", "max_minutes")

    def add(self, ctx: Context) -> None:
        p = ctx.p
        longest = max(p.length)
        for e in ctx.free_emps:
            emp = p.inp.employees[e]
            if not emp.min_total_minutes and emp.max_total_minutes is None:
                continue
            terms = [(ctx.x(e, d, s), p.length[s]) for d in ctx.free_days(e) for s in range(p.S)]
            total = wsum(terms) + ctx.base_minutes(e)
            if emp.min_total_minutes:
                ctx.add(total >= ctx.prorate_min(emp.min_total_minutes, longest, e), ("min_minutes", e))
            if emp.max_total_minutes is not None:
                ctx.add(total <= ctx.prorate_max(emp.max_total_minutes, longest, e), ("max_minutes", e))

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        if key[0] == "min_minutes":
            return f"{emp.label} must work at least {hours(emp.min_total_minutes)} in total"
        return f"{emp.label} may work at most {hours(emp.max_total_minutes or 0)} in total"
