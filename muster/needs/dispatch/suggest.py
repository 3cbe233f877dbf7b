"""Suggestions for one new need against a prebuilt people index."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
from pydantic import BaseModel

from .eligibility import filter_pairs
from .index import NeedTable, PeopleIndex
from .models import Need, Weights
from .reasons import reason
from .terms import arc_costs, first_slot_costs


class Suggestion(BaseModel):
    person: str
    m: int
    cost: int
    reason: str


def suggest(need: Need, people_index: PeopleIndex, k: int = 20, *, max_km: float | None = None,
            weights: Weights | None = None, exclude: Collection[str] = ()) -> list[Suggestion]:
    """The ``k`` cheapest eligible people for ``need``, cheapest first.

    Eligibility and cost are exactly those of ``solve`` (cost of a first
    assignment, with the load term if people carry loads); ties go to the
    nearer person, then to the earlier one in the indexed list. ``max_km`` defaults to the radius the
    index was built for; ``exclude`` lists person ids already taken.
    """
    idx = people_index
    weights = weights or Weights()
    radius_m = idx.radius_m if max_km is None else max_km * 1000.0
    needs = NeedTable.build([need], idx)
    if k <= 0 or not needs.possible[0]:
        return []
    rows = np.zeros(1, dtype=np.int64)
    parts = [filter_pairs(idx, needs, p, j, radius_m) for j, p in idx.candidate_chunks(needs, rows, radius_m)]
    if not parts:
        return []
    arcs = parts[0] if len(parts) == 1 else type(parts[0])(
        *(np.concatenate([getattr(a, f) for a in parts]) for f in ("p", "j", "m")))
    if exclude:
        out = [r for r in (idx.row(pid) for pid in exclude) if r is not None]
        arcs = arcs.take(~np.isin(arcs.p, np.asarray(out, dtype=np.int64)))
    cost = arc_costs(idx, needs, arcs, weights) + first_slot_costs(idx, needs, arcs.p, weights)
    top = np.lexsort((idx.orig[arcs.p], arcs.m, cost))[:k]
    return [
        Suggestion(person=idx.person(p).id, m=int(m), cost=int(c), reason=reason(need, idx.person(p), int(m)))
        for p, m, c in zip(arcs.p[top].tolist(), arcs.m[top].tolist(), cost[top].tolist(), strict=True)
    ]
