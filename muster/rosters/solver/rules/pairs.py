"""People who want to work together: each day and shift one works without the other costs."""

from __future__ import annotations

from ..context import Context
from .base import Rule


class Pairs(Rule):
    name = "pairs"
    hard = False

    def applies(self, p) -> bool:
        return bool(p.inp.pairs)

    def add(self, ctx: Context) -> None:
        p = ctx.p
        m = ctx.model
        for pair in p.inp.pairs:
            if not pair.weight:
                continue
            a, b = (p.emp_index[x] for x in pair.employees)
            for d in range(ctx.lo, min(ctx.hi, ctx.cut)):
                if not (ctx.is_free(a, d) or ctx.is_free(b, d)):
                    continue
                for s in range(p.S):
                    xa, xb = ctx.x(a, d, s), ctx.x(b, d, s)
                    if isinstance(xa, int) and isinstance(xb, int):
                        ctx.penalize(self.name, abs(xa - xb), pair.weight)
                        continue
                    apart = m.new_bool_var(f"apart{a}_{b}_{d}_{s}")
                    m.add(apart >= xa - xb)
                    m.add(apart >= xb - xa)
                    ctx.penalize(self.name, apart, pair.weight)
