"""Minimal change: when re-solving a published roster, each changed employee-day costs."""

from __future__ import annotations

from ..context import Context
from ..problem import OFF
from .base import Rule


class PreviousRoster(Rule):
    name = "changes"
    hard = False

    def applies(self, p) -> bool:
        return p.previous is not None and p.inp.previous.change_weight > 0

    def add(self, ctx: Context) -> None:
        p = ctx.p
        if p.inp.previous is None or p.previous is None:  # the rule does not apply
            return
        w, previous = p.inp.previous.change_weight, p.previous
        for e, d in list(ctx.free_cells()):
            if d >= ctx.cut:
                continue
            before = int(previous[e, d])
            if before == -2:
                continue
            if before == OFF:
                ctx.penalize(self.name, ctx.work(e, d), w)
            else:
                ctx.penalize(self.name, 1 - ctx.x(e, d, before), w)
