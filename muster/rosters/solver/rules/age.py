"""Night work and age: older people off nights, and never a night shift of only older people."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context, lsum
from ..problem import Problem
from .base import Exclusion, Rule


class NightConsent(Rule):
    name = "night_consent"

    def applies(self, p: Problem) -> bool:
        return any(p.night) and any(not e.night_ok for e in p.inp.employees)

    def exclusions(self, p: Problem) -> Iterator[Exclusion]:
        for e, emp in enumerate(p.inp.employees):
            if not emp.night_ok:
                for s in range(p.S):
                    if p.night[s]:
                        yield e, None, s, (self.name, e)

    def describe(self, key, p: Problem) -> str:
        return f"{p.emp_label(key[1])} does not do night shifts"


class NoNightOverAge(Rule):
    name = "night_age"

    def applies(self, p: Problem) -> bool:
        return p.inp.no_night_over_age is not None and any(p.night)

    def exclusions(self, p: Problem) -> Iterator[Exclusion]:
        limit = p.inp.no_night_over_age
        if limit is None:  # the rule does not apply
            return
        for e, emp in enumerate(p.inp.employees):
            if emp.age is not None and emp.age > limit:
                for s in range(p.S):
                    if p.night[s]:
                        yield e, None, s, (self.name, e)

    def describe(self, key, p: Problem) -> str:
        emp = p.inp.employees[key[1]]
        return f"{emp.label} ({emp.age}) is over {p.inp.no_night_over_age} and may not work nights"


def is_younger(emp, limit: int) -> bool:
    """Known to be at most `limit` years old (an unknown age does not count)."""
    return emp.age is not None and emp.age <= limit


class NightNotAllOld(Rule):
    name = "night_mix"

    def applies(self, p: Problem) -> bool:
        return p.inp.night_needs_age_at_most is not None and any(p.night)

    def add(self, ctx: Context) -> None:
        p = ctx.p
        limit = p.inp.night_needs_age_at_most
        if limit is None:  # the rule does not apply
            return
        young = [e for e, emp in enumerate(p.inp.employees) if is_younger(emp, limit)]
        others = [e for e in range(p.E) if e not in set(young)]
        for d in range(ctx.lo, min(ctx.hi, ctx.cut)):
            for s in range(p.S):
                if not p.night[s]:
                    continue
                young_count = None
                for e in others:
                    xo = ctx.x(e, d, s)
                    if isinstance(xo, int) and not xo:
                        continue
                    if young_count is None:
                        young_count = lsum(ctx.x(y, d, s) for y in young)
                    # whoever older works this night needs someone younger beside them
                    ctx.add(young_count >= xo, (self.name, d, s))

    def describe(self, key, p: Problem) -> str:
        d, s = key[1], key[2]
        return (f"{p.inp.day_label(d)} {p.shift_label(s)} needs someone aged "
                f"{p.inp.night_needs_age_at_most} or under whenever it is staffed")
