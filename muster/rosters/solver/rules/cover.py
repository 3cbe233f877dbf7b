"""Cover: how many people each shift needs on each day.

The wish (`requirement`) is soft: each person short costs `under_weight`, each
person too many `over_weight`. A community may also declare a hard minimum
headcount (`hard_min`) and hard minimum counts of people with a skill.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..context import Context, lsum
from ..problem import Problem
from .base import Rule
from .words import plural


def headcount(ctx: Context, d: int, s: int, emps=None):
    """Number of people on shift s on day d (constants folded)."""
    cache = ctx.cache.setdefault("headcount", {})
    if emps is None and (d, s) in cache:
        return cache[(d, s)]
    if emps is None:
        expr = cache[(d, s)] = ctx.on_shift(d, s)
        return expr
    return lsum([ctx.x(e, d, s) for e in emps])


def _cover_hinter(d: int, s: int, req: int, under, over):
    def hint(a):
        n = int((a[:, d] == s).sum())
        out = []
        if not isinstance(under, int):
            out.append((under, max(0, req - n)))
        if not isinstance(over, int):
            out.append((over, max(0, n - req)))
        return out
    return hint


class CoverSoft(Rule):
    name = "cover"
    hard = False

    def add(self, ctx: Context) -> None:
        p = ctx.p
        m = ctx.model
        for (d, s), c in p.cover.items():
            if not ctx.lo <= d < min(ctx.hi, ctx.cut):
                continue
            req = c.requirement
            least, lits = ctx.on_shift_parts(d, s)
            if not lits:
                ctx.penalize("cover", max(0, req - least), c.under_weight)
                ctx.penalize("cover", max(0, least - req), c.over_weight)
                continue
            count = headcount(ctx, d, s)
            if req <= least or least + len(lits) <= req:
                # the headcount cannot cross the requirement (a model that frees a few people, such as
                # one person's roster in a sweep, is mostly such cells): short or over by a linear
                # amount, with no variable or constraint of its own
                ctx.penalize("cover", req - count if least < req else 0, c.under_weight)
                ctx.penalize("cover", count - req if least >= req else 0, c.over_weight)
                continue
            under: cp_model.IntVar | int
            over: cp_model.IntVar | int
            if c.under_weight and c.over_weight:
                under = m.new_int_var(0, req, f"under{d}_{s}")
                over = m.new_int_var(0, p.E, f"over{d}_{s}")
                m.add(count + under - over == req)
            elif c.under_weight:
                under, over = m.new_int_var(0, req, f"under{d}_{s}"), 0
                m.add(count + under >= req)
            elif c.over_weight:
                under, over = 0, m.new_int_var(0, p.E, f"over{d}_{s}")
                m.add(count - over <= req)
            else:
                continue
            ctx.hinters.append(_cover_hinter(d, s, req, under, over))
            ctx.penalize("cover", under, c.under_weight)
            ctx.penalize("cover", over, c.over_weight)


class CoverHardMin(Rule):
    name = "cover_min"
    keys = ("cover_min", "cover_skill")

    def applies(self, p: Problem) -> bool:
        return any(c.hard_min or c.skills for c in p.cover.values())

    def add(self, ctx: Context) -> None:
        p = ctx.p
        for (d, s), c in p.cover.items():
            if not ctx.lo <= d < min(ctx.hi, ctx.cut):
                continue
            if c.hard_min:
                ctx.add(headcount(ctx, d, s) >= c.hard_min, ("cover_min", d, s))
            for skill, need in c.skills.items():
                if need <= 0:
                    continue
                skilled = [e for e, emp in enumerate(p.inp.employees) if skill in emp.skills]
                ctx.add(headcount(ctx, d, s, skilled) >= need, ("cover_skill", d, s, skill))

    def describe(self, key, p: Problem) -> str:
        d, s = key[1], key[2]
        c = p.cover[(d, s)]
        where = f"{p.inp.day_label(d)} {p.shift_label(s)}"
        if key[0] == "cover_min":
            return f"{where} needs at least {plural(c.hard_min or 0, 'person')}".replace("persons", "people")
        skill = key[3]
        return f"{where} needs at least {c.skills[skill]} with the skill '{skill}'"
