"""Employees' wishes to work, or not to work, a given shift on a given day."""

from __future__ import annotations

from ..context import Context
from ..problem import OFF
from .base import Rule


class OnRequests(Rule):
    name = "on_requests"
    hard = False

    def applies(self, p) -> bool:
        return bool(p.on_requests)

    def add(self, ctx: Context) -> None:
        for e, d, s, w in ctx.p.on_requests:
            if ctx.is_free(e, d) and d < ctx.cut:
                ctx.penalize(self.name, 1 - ctx.x(e, d, s), w)


class OffRequests(Rule):
    name = "off_requests"
    hard = False

    def applies(self, p) -> bool:
        return bool(p.off_requests)

    def add(self, ctx: Context) -> None:
        for e, d, s, w in ctx.p.off_requests:
            if ctx.is_free(e, d) and d < ctx.cut:
                ctx.penalize(self.name, ctx.work(e, d) if s == OFF else ctx.x(e, d, s), w)
