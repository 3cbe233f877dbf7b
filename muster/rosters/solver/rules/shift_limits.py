"""Most shifts of each type an employee may work over the horizon."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context, lsum
from ..problem import Problem
from .base import Exclusion, Rule
from .words import plural


class ShiftMaxima(Rule):
    name = "shift_max"

    def exclusions(self, p: Problem) -> Iterator[Exclusion]:
        for e, emp in enumerate(p.inp.employees):
            for sid, limit in emp.max_shifts.items():
                if limit == 0:
                    yield e, None, p.shift_index[sid], (self.name, e, p.shift_index[sid])

    def add(self, ctx: Context) -> None:
        super().add(ctx)
        p = ctx.p
        for e in ctx.free_emps:
            for sid, limit in p.inp.employees[e].max_shifts.items():
                s = p.shift_index[sid]
                if limit == 0 or limit >= ctx.cut:
                    continue
                key = (self.name, e, s)
                free = [ctx.x(e, d, s) for d in ctx.free_days(e)]
                count = lsum(free) + ctx.base_count(e, s)
                ctx.add(count <= ctx.prorate_max(limit, 1), key)

    def describe(self, key, p: Problem) -> str:
        e, s = key[1], key[2]
        limit = p.inp.employees[e].max_shifts[p.shift_ids[s]]
        if limit == 0:
            return f"{p.emp_label(e)} may not work {p.shift_label(s)} shifts"
        return f"{p.emp_label(e)} may work at most {plural(limit, p.shift_label(s) + ' shift')}"
