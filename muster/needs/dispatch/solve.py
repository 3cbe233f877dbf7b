"""Entry points: ``solve`` (the optimum) and ``greedy`` (the nearest-first baseline)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import cpsat, flow
from .eligibility import Arcs, eligible_arcs
from .index import NeedTable, PeopleIndex
from .models import Assignment, Instance, Proposal, Status, Unfilled
from .reasons import reason
from .terms import Load, arc_costs


@dataclass
class SolveStats:
    """Where the time went and how optimality was established."""

    people: int = 0
    needs: int = 0
    places: int = 0
    arcs: int = 0
    index_s: float = 0.0
    arcs_s: float = 0.0
    solve_s: float = 0.0
    output_s: float = 0.0
    flow: flow.FlowStats = field(default_factory=flow.FlowStats)
    cpsat: str = ""

    @property
    def total_s(self) -> float:
        return self.index_s + self.arcs_s + self.solve_s + self.output_s


@dataclass
class Prepared:
    """An instance turned into columns and eligible arcs, ready for any solver."""

    instance: Instance
    index: PeopleIndex
    needs: NeedTable
    arcs: Arcs
    cost: np.ndarray


def prepare(instance: Instance, index: PeopleIndex | None = None, stats: SolveStats | None = None) -> Prepared:
    """Index the people (unless ``index`` is given: it must be built from ``instance.people``)
    and enumerate every eligible (person, need) pair with its cost."""
    stats = stats if stats is not None else SolveStats()
    t0 = time.perf_counter()
    if index is None:
        index = PeopleIndex.build(instance.people, instance.max_km)
    needs = NeedTable.build(instance.needs, index, span_table=True)
    t1 = time.perf_counter()
    arcs = eligible_arcs(index, needs, instance.max_km * 1000.0)
    cost = arc_costs(index, needs, arcs, instance.weights)
    t2 = time.perf_counter()
    stats.index_s += t1 - t0
    stats.arcs_s += t2 - t1
    stats.people, stats.needs = index.size, needs.size
    stats.places, stats.arcs = int(needs.places.sum()), len(arcs)
    return Prepared(instance, index, needs, arcs, cost)


def _proposal(prep: Prepared, chosen: np.ndarray, status: Status) -> Proposal:
    inst, idx, needs, arcs = prep.instance, prep.index, prep.needs, prep.arcs
    chosen = np.asarray(chosen, dtype=np.int64)
    p, j, m, c = arcs.p[chosen], arcs.j[chosen], arcs.m[chosen], prep.cost[chosen]
    order = np.lexsort((idx.orig[p], m, j))
    p, j, m, c = p[order], j[order], m[order], c[order]
    if Load.active(idx, needs, inst.weights):
        # The k-th need a person takes costs load * (shifts + k); charge it
        # to the assignments in output order so the parts add up to the total.
        by_person = np.argsort(p, kind="stable")
        ps = p[by_person]
        slot = np.empty(len(p), dtype=np.int64)
        slot[by_person] = np.arange(len(p)) - np.searchsorted(ps, ps, side="left")
        c = c + Load.slot_costs(idx, p, slot, inst.weights)
    assignments = [
        Assignment(need=needs.ids[jj], person=idx.person(pp).id, m=int(mm), cost=int(cc),
                   reason=reason(inst.needs[jj], idx.person(pp), int(mm)))
        for pp, jj, mm, cc in zip(p.tolist(), j.tolist(), m.tolist(), c.tolist(), strict=True)
    ]
    got = np.bincount(j, minlength=needs.size)
    unfilled = [Unfilled(need=needs.ids[r], open=int(needs.places[r] - got[r]))
                for r in np.nonzero(got < needs.places)[0].tolist()]
    return Proposal(filled=len(assignments), total_m=int(m.sum()), cost=int(c.sum()),
                    assignments=assignments, status=status, unfilled=unfilled)


def solve_detailed(instance: Instance, *, index: PeopleIndex | None = None, time_limit_s: float = 30.0,
                   prune: bool = True) -> tuple[Proposal, SolveStats]:
    """Like :func:`solve`, also returning timings and how optimality was proven."""
    stats = SolveStats()
    prep = prepare(instance, index, stats)
    idx, needs, arcs, cost, w = prep.index, prep.needs, prep.arcs, prep.cost, instance.weights
    t0 = time.perf_counter()
    chosen = flow.assign(idx, needs, arcs.p, arcs.j, cost, w, prune=prune, stats=stats.flow)
    status: Status = "optimal"
    multi = idx.cap[arcs.p[chosen]] > 1
    if multi.any():
        sel = chosen[multi]
        if len(cpsat.overlapping_people(arcs.p[sel], needs.start_us[arcs.j[sel]], needs.end_us[arcs.j[sel]])):
            # The flow optimum double-books someone; its value still bounds the
            # true optimum, and a repaired copy is a good first guess.
            hint = chosen[cpsat.repair(arcs.p[chosen], needs.start_us[arcs.j[chosen]],
                                       needs.end_us[arcs.j[chosen]])]
            remaining = time_limit_s - (time.perf_counter() - t0)
            result = cpsat.assign(idx, needs, arcs.p, arcs.j, cost, w, hint, remaining)
            chosen, stats.cpsat = result.chosen, result.status
            status = "optimal" if result.optimal else "feasible"
    stats.solve_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    proposal = _proposal(prep, chosen, status)
    stats.output_s = time.perf_counter() - t0
    return proposal, stats


def solve(instance: Instance, *, index: PeopleIndex | None = None, time_limit_s: float = 30.0) -> Proposal:
    """Propose who reports where: fill the most places, then at the least cost.

    ``index`` may be a :class:`PeopleIndex` already built from
    ``instance.people`` (e.g. one shared with ``suggest``). ``time_limit_s``
    bounds the CP-SAT fallback used only when someone with
    ``max_assignments > 1`` would otherwise be double-booked; the proposal's
    ``status`` says whether the optimum was proven.
    """
    return solve_detailed(instance, index=index, time_limit_s=time_limit_s)[0]


def greedy(instance: Instance, *, index: PeopleIndex | None = None, prep: Prepared | None = None) -> Proposal:
    """Baseline: needs in input order, each takes its nearest eligible free people.

    Respects the same rules as ``solve`` (eligibility, ``max_assignments``,
    no overlapping needs for one person); only the choice is myopic.
    """
    prep = prep or prepare(instance, index)
    idx, needs, arcs = prep.index, prep.needs, prep.arcs
    order = np.lexsort((idx.orig[arcs.p], arcs.m, arcs.j))
    js = arcs.j[order]
    bounds = np.searchsorted(js, np.arange(needs.size + 1))
    left = idx.cap.copy()
    busy: dict[int, list[tuple[int, int]]] = {}
    chosen: list[int] = []
    p_sorted = arcs.p[order].tolist()
    for r in range(needs.size):
        want = int(needs.places[r])
        s, e = int(needs.start_us[r]), int(needs.end_us[r])
        for k in range(bounds[r], bounds[r + 1]):
            if want == 0:
                break
            pp = p_sorted[k]
            if left[pp] == 0:
                continue
            spans = busy.get(pp)
            if spans and any(a < e and s < b for a, b in spans):
                continue
            left[pp] -= 1
            busy.setdefault(pp, []).append((s, e))
            chosen.append(int(order[k]))
            want -= 1
    return _proposal(prep, np.asarray(chosen, dtype=np.int64), "heuristic")
