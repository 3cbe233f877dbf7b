"""Entry points: ``solve`` (the optimum) and ``greedy`` (the nearest-first baseline)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

# The modules themselves, not `from . import`: that goes through the package __init__, which imports
# this module (an import cycle).
from .cpsat import assign as cpsat_assign
from .cpsat import overlapping_people, repair
from .eligibility import Arcs, eligible_arcs
from .flow import FlowStats
from .flow import assign as flow_assign
from .index import NeedTable, PeopleIndex
from .models import Instance, Proposal, Status
from .reasons import reason
from .terms import Load, arc_costs


@dataclass
class SolveStats:
    """Where the time went and how optimality was established."""

    people: int = 0
    needs: int = 0
    places: int = 0
    arcs: int = 0
    # Wall seconds per stage, and CPU seconds (the machine may be shared).
    index_s: float = 0.0
    arcs_s: float = 0.0
    solve_s: float = 0.0
    output_s: float = 0.0
    index_cpu_s: float = 0.0
    arcs_cpu_s: float = 0.0
    solve_cpu_s: float = 0.0
    output_cpu_s: float = 0.0
    flow: FlowStats = field(default_factory=FlowStats)
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
    t0, c0 = time.perf_counter(), time.process_time()
    if index is None:
        index = PeopleIndex.build(instance.people, instance.max_km)
    elif index.size != len(instance.people) or any(
            a is not b for a, b in zip(index.people, instance.people, strict=True)):
        raise ValueError("the index was not built from this instance's people")
    needs = NeedTable.build(instance.needs, index, span_table=True)
    t1, c1 = time.perf_counter(), time.process_time()
    arcs = eligible_arcs(index, needs, instance.max_km * 1000.0)
    cost = arc_costs(index, needs, arcs, instance.weights)
    t2, c2 = time.perf_counter(), time.process_time()
    stats.index_s += t1 - t0
    stats.arcs_s += t2 - t1
    stats.index_cpu_s += c1 - c0
    stats.arcs_cpu_s += c2 - c1
    stats.people, stats.needs = index.size, needs.size
    stats.places, stats.arcs = int(needs.places.sum()), len(arcs)
    return Prepared(instance, index, needs, arcs, cost)


def stable_order(keys: np.ndarray, bound: int) -> np.ndarray:
    """Stable argsort of small non-negative ints (radix sort when they fit 16 bits)."""
    return np.argsort(keys.astype(np.uint16 if bound <= 1 << 16 else np.int64), kind="stable")


def by_need_then_distance(j: np.ndarray, m: np.ndarray, tie: np.ndarray, n_needs: int) -> np.ndarray:
    """Order of arcs by need row, then metres, then ``tie`` (the person's input position)."""
    if len(j) == 0:
        return np.zeros(0, dtype=np.int64)
    inner = np.argsort(m.astype(np.int64) * (int(tie.max()) + 1) + tie)
    return inner[stable_order(j[inner], n_needs)]


def _proposal(prep: Prepared, chosen: np.ndarray, status: Status) -> Proposal:
    inst, idx, needs, arcs = prep.instance, prep.index, prep.needs, prep.arcs
    chosen = np.asarray(chosen, dtype=np.int64)
    p, j, m, c = arcs.p[chosen], arcs.j[chosen], arcs.m[chosen], prep.cost[chosen]
    order = by_need_then_distance(j, m, idx.orig[p], needs.size)
    p, j, m, c = p[order], j[order], m[order], c[order]
    if Load.active(idx, needs, inst.weights):
        # The k-th need a person takes costs load * (shifts + k); charge it
        # to the assignments in output order so the parts add up to the total.
        by_person = np.argsort(p, kind="stable")
        ps = p[by_person]
        slot = np.empty(len(p), dtype=np.int64)
        slot[by_person] = np.arange(len(p)) - np.searchsorted(ps, ps, side="left")
        c = c + Load.slot_costs(idx, p, slot, inst.weights)
    # One validation of plain dicts (in pydantic's Rust core) is much cheaper
    # than building tens of thousands of models one by one.
    people = [idx.people[o] for o in idx.orig[p].tolist()]
    assignments = [
        {"need": needs.ids[jj], "person": ps.id, "m": mm, "cost": cc, "reason": reason(inst.needs[jj], ps, mm)}
        for ps, jj, mm, cc in zip(people, j.tolist(), m.tolist(), c.tolist(), strict=True)
    ]
    got = np.bincount(j, minlength=needs.size)
    unfilled = [{"need": needs.ids[r], "open": int(needs.places[r] - got[r])}
                for r in np.nonzero(got < needs.places)[0].tolist()]
    return Proposal.model_validate({"filled": len(assignments), "total_m": int(m.sum()), "cost": int(c.sum()),
                                    "assignments": assignments, "status": status, "unfilled": unfilled})


def solve_detailed(instance: Instance, *, index: PeopleIndex | None = None, time_limit_s: float = 30.0,
                   prune: bool = True, prepared: Prepared | None = None) -> tuple[Proposal, SolveStats]:
    """Like :func:`solve`, also returning timings and how optimality was proven.

    ``prepared`` reuses the arcs of an earlier :func:`prepare` of the same
    instance (e.g. to run ``greedy`` on the same pairs).
    """
    stats = SolveStats()
    prep = prepared or prepare(instance, index, stats)
    idx, needs, arcs, cost, w = prep.index, prep.needs, prep.arcs, prep.cost, instance.weights
    t0, c0 = time.perf_counter(), time.process_time()
    chosen = flow_assign(idx, needs, arcs.p, arcs.j, cost, w, prune=prune, stats=stats.flow)
    status: Status = "optimal"
    multi = idx.cap[arcs.p[chosen]] > 1
    if multi.any():
        sel = chosen[multi]
        if len(overlapping_people(arcs.p[sel], needs.start_us[arcs.j[sel]], needs.end_us[arcs.j[sel]])):
            # The flow optimum double-books someone; its value still bounds the
            # true optimum, and a repaired copy is a good first guess.
            hint = chosen[repair(arcs.p[chosen], needs.start_us[arcs.j[chosen]],
                                       needs.end_us[arcs.j[chosen]])]
            result = cpsat_assign(idx, needs, arcs.p, arcs.j, cost, w, hint, time_limit_s)
            chosen, stats.cpsat = result.chosen, result.status
            status = "optimal" if result.optimal else "feasible"
    t1, c1 = time.perf_counter(), time.process_time()
    proposal = _proposal(prep, chosen, status)
    t2, c2 = time.perf_counter(), time.process_time()
    stats.solve_s, stats.solve_cpu_s = t1 - t0, c1 - c0
    stats.output_s, stats.output_cpu_s = t2 - t1, c2 - c1
    return proposal, stats


def solve(instance: Instance, *, index: PeopleIndex | None = None, time_limit_s: float = 30.0) -> Proposal:
    """Propose who reports where: fill the most places, then at the least cost.

    ``index`` may be a :class:`PeopleIndex` already built from
    ``instance.people`` (e.g. one shared with ``suggest``). ``time_limit_s``
    bounds the CP-SAT fallback (half per phase), used only when someone with
    ``max_assignments > 1`` would otherwise be double-booked; the proposal's
    ``status`` says whether the optimum was proven. The flow itself is
    polynomial and needs no limit.
    """
    return solve_detailed(instance, index=index, time_limit_s=time_limit_s)[0]


def greedy(instance: Instance, *, index: PeopleIndex | None = None, prep: Prepared | None = None) -> Proposal:
    """Baseline: needs in input order, each takes its nearest eligible free people.

    Respects the same rules as ``solve`` (eligibility, ``max_assignments``,
    no overlapping needs for one person); only the choice is myopic.
    """
    prep = prep or prepare(instance, index)
    idx, needs, arcs = prep.index, prep.needs, prep.arcs
    order = by_need_then_distance(arcs.j, arcs.m, idx.orig[arcs.p], needs.size)
    p_sorted = arcs.p[order]
    bounds = np.searchsorted(arcs.j[order], np.arange(needs.size + 1))
    left = idx.cap.copy()
    multi = bool((idx.cap > 1).any())
    busy: dict[int, list[tuple[int, int]]] = {}
    chosen: list[np.ndarray] = []
    for r in range(needs.size):
        want = int(needs.places[r])
        if want == 0 or bounds[r] == bounds[r + 1]:
            continue
        free = bounds[r] + np.nonzero(left[p_sorted[bounds[r]:bounds[r + 1]]] > 0)[0]
        if multi:
            # People with several needs must not be double-booked in time.
            s, e = int(needs.start_us[r]), int(needs.end_us[r])
            ok = []
            for k in free.tolist():
                spans = busy.get(int(p_sorted[k]))
                if not spans or all(b <= s or e <= a for a, b in spans):
                    ok.append(k)
                    if len(ok) == want:
                        break
            free = np.asarray(ok, dtype=np.int64)
        take = free[:want]
        left[p_sorted[take]] -= 1
        if multi:
            for pp in p_sorted[take].tolist():
                busy.setdefault(pp, []).append((int(needs.start_us[r]), int(needs.end_us[r])))
        chosen.append(order[take])
    picked = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    return _proposal(prep, picked, "heuristic")
