"""What every rule looks like.

A rule adds its constraints (hard) or cost terms (soft) to a :class:`Context`.
Hard rules split into *groups* (e.g. "Ann's days off", "cover of Tuesday
night") named by a tuple key whose first item is the rule name; explanations
name groups in words through :meth:`Rule.describe`.

Rules that only ever forbid single assignments report them through
:meth:`Rule.exclusions` so that the full model never creates those variables.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context, GroupKey
from ..problem import Problem

Exclusion = tuple[int, int | None, int | None, GroupKey]
"""(employee, day or None for every day, shift or None for every shift, group)."""


class Rule:
    name: str = ""
    hard: bool = True
    # first items of the group keys this rule uses (default: its name)
    keys: tuple[str, ...] = ()

    def group_names(self) -> tuple[str, ...]:
        return self.keys or (self.name,)

    def applies(self, p: Problem) -> bool:
        return True

    def exclusions(self, p: Problem) -> Iterator[Exclusion]:
        return iter(())

    def add(self, ctx: Context) -> None:
        """Add the rule's constraints or costs to the model."""
        if ctx.explain:
            self.add_exclusions(ctx)

    def add_exclusions(self, ctx: Context) -> None:
        p = ctx.p
        for e, d, s, key in self.exclusions(p):
            if not ctx.active(key):
                continue
            days = range(p.D) if d is None else (d,)
            for dd in days:
                if ctx.is_free(e, dd):
                    ctx.forbid(e, dd, s, key)

    def describe(self, key: GroupKey, p: Problem) -> str:
        return " ".join(str(k) for k in key)


def emp_days_near(ctx: Context, e: int, reach: int) -> range:
    """Days whose windows of `reach` days may touch a free cell of employee e."""
    lo = max(0, ctx.lo - reach)
    hi = min(ctx.cut, ctx.hi + reach)
    return range(lo, hi)
