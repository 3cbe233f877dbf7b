"""Working-time limits per day and per calendar week."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context, wsum
from ..problem import Problem
from .base import Exclusion, Rule
from .words import hours


class MaxMinutesPerDay(Rule):
    name = "day_minutes"

    def applies(self, p: Problem) -> bool:
        return any(e.max_minutes_per_day is not None for e in p.inp.employees)

    def exclusions(self, p: Problem) -> Iterator[Exclusion]:
        for e, emp in enumerate(p.inp.employees):
            if emp.max_minutes_per_day is None:
                continue
            for s in range(p.S):
                if p.length[s] > emp.max_minutes_per_day:
                    yield e, None, s, (self.name, e)

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        return f"{emp.label} may work at most {hours(emp.max_minutes_per_day or 0)} a day"


class MaxMinutesPerWeek(Rule):
    name = "week_minutes"

    def applies(self, p: Problem) -> bool:
        return any(e.max_minutes_per_week is not None for e in p.inp.employees)

    def add(self, ctx: Context) -> None:
        p = ctx.p
        for e in ctx.free_emps:
            limit = p.inp.employees[e].max_minutes_per_week
            if limit is None:
                continue
            for week in p.weeks:
                days = [d for d in week if d < ctx.cut]
                if not any(ctx.is_free(e, d) for d in days):
                    continue
                total = wsum((ctx.x(e, d, s), p.length[s]) for d in days for s in range(p.S))
                ctx.add(total <= limit, (self.name, e))

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        return f"{emp.label} may work at most {hours(emp.max_minutes_per_week or 0)} a week"
