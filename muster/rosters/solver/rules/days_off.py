"""Days an employee must not work (leave, appointments, declared unavailability)."""

from __future__ import annotations

from collections.abc import Iterator

from ..problem import Problem
from .base import Exclusion, Rule
from .words import day_list


class DaysOff(Rule):
    name = "days_off"

    def exclusions(self, p: Problem) -> Iterator[Exclusion]:
        for e, emp in enumerate(p.inp.employees):
            for d in emp.days_off:
                yield e, d, None, (self.name, e)

    def describe(self, key, p: Problem) -> str:
        e = key[1]
        days = sorted(set(p.inp.employees[e].days_off))
        return f"{p.emp_label(e)} cannot work on {day_list(p, days)}"
