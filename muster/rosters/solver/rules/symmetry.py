"""Symmetry breaking between interchangeable employees.

Two employees with the same rules and no personal requests, pairs, previous
roster, days worked before the roster or fairness list can swap whole rosters at no cost, so the search may
require one linear "signature" of their rosters to be ordered. Only added to
the full model: sub-models fix most cells and would clash with the order.
"""

from __future__ import annotations

from collections import defaultdict

from ..context import Context, wsum
from ..problem import Problem
from .base import Rule


def interchangeable_groups(p: Problem) -> list[list[int]]:
    inp = p.inp
    personal = {r.employee for r in inp.on_requests} | {r.employee for r in inp.off_requests}
    for pair in inp.pairs:
        personal.update(pair.employees)
    for f in inp.fairness:
        personal.update(f.employees or [])
    if inp.previous is not None:
        personal.update(inp.previous.assignments)
    personal.update(eid for eid, days in (*inp.before.items(), *inp.after.items()) if any(days))
    groups: dict[str, list[int]] = defaultdict(list)
    for e, emp in enumerate(inp.employees):
        if emp.id in personal:
            continue
        sig = emp.model_dump_json(exclude={"id", "name"})
        groups[sig].append(e)
    return [g for g in groups.values() if len(g) > 1]


class Symmetry(Rule):
    name = "symmetry"
    hard = False  # never reported: it only removes equivalent rosters

    def add(self, ctx: Context) -> None:
        if not ctx.is_full or ctx.explain or not ctx.cache.get("symmetry", True):
            return
        p = ctx.p
        for group in interchangeable_groups(p):
            sigs = [wsum((ctx.x(e, d, s), d * p.S + s + 1) for d in range(p.D) for s in range(p.S))
                    for e in group]
            for a, b in zip(sigs, sigs[1:], strict=False):
                ctx.model.add(a >= b)
