"""Max-flow min-cost assignment with OR-Tools, with exact arc pruning.

Network: source -> person (capacity max_assignments; with the load term, one
unit arc per slot at increasing cost) -> need (capacity 1, cost of the pair)
-> sink (capacity places). ``SimpleMinCostFlow.solve_max_flow_with_min_cost``
first finds the maximum flow and then the cheapest flow of that value, which
is exactly "fill as many places as possible, then minimise cost".

City-scale instances have millions of eligible pairs, but an optimum almost
only uses each need's cheapest few. The solver therefore starts from the
``2 * places + 100`` cheapest arcs of each need and proves the result optimal
for the full arc set with LP duality: node potentials from a Bellman-Ford
pass over the residual network give every left-out arc a reduced cost; if
none is negative, adding them all cannot improve the flow. Arcs that fail
are added and the flow re-solved. If the potentials do not settle in a
bounded number of passes, the full arc set is solved instead. Either way the
answer is the optimum over all eligible pairs, never a heuristic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from .index import NeedTable, PeopleIndex
from .models import Weights
from .terms import Load, first_slot_costs


def default_keep(places: np.ndarray) -> np.ndarray:
    """Arcs kept per need before pricing. The floor matters more than the factor: on the
    Beijing bench 3 * places + 50 left a few contested needs short (a second solve),
    2 * places + 100 proves optimal in one round."""
    return 2 * places + 100


_MAX_PRICING_ROUNDS = 8
_MAX_BELLMAN_FORD_PASSES = 2_000


class FlowError(RuntimeError):
    """OR-Tools did not return an optimal flow (should not happen for valid input)."""


@dataclass
class FlowStats:
    arcs_total: int = 0
    arcs_solved: int = 0
    rounds: int = 0
    bf_passes: list[int] = field(default_factory=list)
    proof: str = ""  # "all arcs", "pricing", or "fallback: ..."
    flow_s: float = 0.0
    price_s: float = 0.0
    flow_cpu_s: float = 0.0
    price_cpu_s: float = 0.0

    def add(self, what: str, since: tuple[float, float]) -> None:
        """Add wall and CPU seconds elapsed since ``since`` (from ``clock()``) to a stage."""
        wall, cpu = clock()
        setattr(self, f"{what}_s", getattr(self, f"{what}_s") + wall - since[0])
        setattr(self, f"{what}_cpu_s", getattr(self, f"{what}_cpu_s") + cpu - since[1])


def clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


@dataclass
class _Network:
    persons: np.ndarray  # person rows in the network, node u = position
    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    n_arc_person_need: int
    n_nodes: int
    s: int
    t: int


def _network(idx: PeopleIndex, needs: NeedTable, p: np.ndarray, j: np.ndarray, cost: np.ndarray,
             degree: np.ndarray, w: Weights) -> _Network:
    """Flow network over the arcs (p, j); ``degree`` counts every eligible arc of each person row."""
    persons = np.nonzero(np.bincount(p, minlength=idx.size))[0]
    node = np.full(idx.size, -1, dtype=np.int64)
    node[persons] = np.arange(len(persons))
    n_u, n_j = len(persons), needs.size
    s, t = n_u + n_j, n_u + n_j + 1
    # A person cannot take more needs than they have arcs to.
    cap = np.minimum(idx.cap[persons], degree[persons])
    if Load.active(idx, needs, w):
        # One unit arc per slot, each dearer than the last: a convex cost.
        owner = np.repeat(np.arange(n_u, dtype=np.int64), cap)
        slot = np.arange(len(owner), dtype=np.int64) - np.repeat(np.cumsum(cap) - cap, cap)
        src_heads, src_caps = owner, np.ones(len(owner), dtype=np.int64)
        src_costs = Load.slot_costs(idx, persons[owner], slot, w)
    else:
        src_heads, src_caps, src_costs = np.arange(n_u, dtype=np.int64), cap, np.zeros(n_u, dtype=np.int64)
    need_rows = np.nonzero(needs.places > 0)[0]
    tails = np.concatenate([node[p], np.full(len(src_heads), s), n_u + need_rows])
    heads = np.concatenate([n_u + j, src_heads, np.full(len(need_rows), t)])
    caps = np.concatenate([np.ones(len(p), dtype=np.int64), src_caps, needs.places[need_rows]])
    costs = np.concatenate([cost, src_costs, np.zeros(len(need_rows), dtype=np.int64)])
    return _Network(persons, tails, heads, caps, costs, len(p), n_u + n_j + 2, s, t)


def cheapest_per_need(j: np.ndarray, rank_cost: np.ndarray, keep_n: np.ndarray) -> np.ndarray:
    """Mask of the ``keep_n[j]`` cheapest arcs of each need (ties broken arbitrarily but deterministically)."""
    n = len(j)
    order = None
    if n > 1 and np.any(j[1:] < j[:-1]):
        order = np.argsort(j.astype(np.uint16) if len(keep_n) <= 1 << 16 else j, kind="stable")
        j, rank_cost = j[order], rank_cost[order]
    bounds = np.searchsorted(j, np.arange(len(keep_n) + 1))
    counts = np.diff(bounds)
    keep = np.ones(n, dtype=bool)
    for r in np.nonzero(counts > keep_n)[0].tolist():
        a, b, k = int(bounds[r]), int(bounds[r + 1]), int(keep_n[r])
        keep[a:b] = False
        if k > 0:
            keep[a + np.argpartition(rank_cost[a:b], k - 1)[:k]] = True
    if order is not None:
        unsorted = np.empty(n, dtype=bool)
        unsorted[order] = keep
        keep = unsorted
    return keep


def _solve(net: _Network, supply: int) -> np.ndarray:
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.caps, net.costs)
    smcf.set_node_supply(net.s, supply)
    smcf.set_node_supply(net.t, -supply)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise FlowError(f"min-cost flow status {status.name}")
    return smcf.flows(np.arange(smcf.num_arcs()))


def potentials(net: _Network, flows: np.ndarray, max_abs_cost: int, supply: int,
               max_passes: int | None = None) -> tuple[np.ndarray | None, int]:
    """Shortest-path potentials of the residual network, or None if they do not settle.

    The lexicographic objective is the min-cost circulation with a return arc
    sink -> source of cost -M, M larger than any cost difference: the flow
    is optimal iff the residual network has no negative cycle, and then
    distances d from a virtual root satisfy d[head] <= d[tail] + cost on
    every residual arc. ``max_abs_cost`` must bound the arcs that will be
    priced too, so that M also dominates augmenting paths through them.
    """
    fwd = flows < net.caps
    bwd = flows > 0
    # M above the cost difference of any two flows (at most supply units each, a unit
    # costing at most max_abs_cost), so one more unit always wins; the n_nodes term
    # keeps it above any simple path's cost as well.
    big = (max(max_abs_cost, int(np.abs(net.costs).max(initial=0))) + 1) * (net.n_nodes + 2 * supply + 2)
    tails = np.concatenate([net.tails[fwd], net.heads[bwd], [net.t]])
    heads = np.concatenate([net.heads[fwd], net.tails[bwd], [net.s]])
    costs = np.concatenate([net.costs[fwd], -net.costs[bwd], [-big]])
    if flows.any():
        tails, heads, costs = np.append(tails, net.s), np.append(heads, net.t), np.append(costs, big)
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    into, first = np.unique(heads, return_index=True)
    max_passes = max_passes or _MAX_BELLMAN_FORD_PASSES
    d = np.zeros(net.n_nodes, dtype=np.int64)
    for passes in range(1, max_passes + 1):
        best = np.minimum.reduceat(d[tails] + costs, first)
        better = best < d[into]
        if not better.any():
            return d, passes
        d[into[better]] = best[better]
    return None, max_passes


def assign(idx: PeopleIndex, needs: NeedTable, p: np.ndarray, j: np.ndarray, cost: np.ndarray,
           w: Weights, prune: bool = True, stats: FlowStats | None = None) -> np.ndarray:
    """Indices of the arcs (p[i], j[i]) in a lexicographically optimal assignment.

    ``cost`` holds each arc's cost; the load term is added on supply arcs.
    The overlap rule for people with ``max_assignments > 1`` is not applied
    here (see ``solve``).
    """
    stats = stats if stats is not None else FlowStats()
    n = len(p)
    stats.arcs_total = n
    if n == 0:
        stats.proof = "no arcs"
        return np.zeros(0, dtype=np.int64)
    degree = np.bincount(p, minlength=idx.size)
    has_arcs = np.bincount(j, minlength=needs.size) > 0
    supply = int(min(needs.places[has_arcs].sum(), np.minimum(idx.cap, degree).sum()))
    load_on = Load.active(idx, needs, w)
    max_abs_cost = int(np.abs(cost).max()) + (w.load * int(idx.load.max(initial=0) + idx.cap.max(initial=1))
                                                if load_on else 0)
    keep = np.ones(n, dtype=bool)
    if prune:
        # Cheapest first per need, counting the person's first-slot load cost,
        # so that the kept arcs are the ones an optimum is most likely to use.
        rank_cost = cost + w.load * idx.load[p] if load_on else cost
        keep = cheapest_per_need(j, rank_cost, default_keep(needs.places))
    if keep.all():
        prune = False

    for rnd in range(1, _MAX_PRICING_ROUNDS + 1):
        sel = np.nonzero(keep)[0]
        t0 = clock()
        # People with no kept arc cannot carry flow: _network leaves them out.
        net = _network(idx, needs, p[sel], j[sel], cost[sel], degree, w)
        flows = _solve(net, supply)
        stats.add("flow", t0)
        stats.rounds, stats.arcs_solved = rnd, len(sel)
        chosen = sel[flows[:net.n_arc_person_need] > 0]
        if not prune:
            stats.proof = stats.proof or "all arcs"
            return chosen
        t0 = clock()
        d, passes = potentials(net, flows, max_abs_cost, supply)
        stats.bf_passes.append(passes)
        if d is None:
            stats.add("price", t0)
            stats.proof = "fallback: potentials did not settle"
            keep[:] = True
            prune = False
            continue
        # People outside the network are reached only from the source, over
        # their first supply arc: d(s) + its cost is a valid potential.
        d_person = d[net.s] + first_slot_costs(idx, needs, np.arange(idx.size), w)
        d_person[net.persons] = d[:len(net.persons)]
        out = np.nonzero(~keep)[0]
        reduced = cost[out] + d_person[p[out]] - d[len(net.persons) + j[out]]
        bad = out[reduced < 0]
        stats.add("price", t0)
        if len(bad) == 0:
            stats.proof = "pricing"
            return chosen
        keep[bad] = True
    # Pricing keeps finding arcs: settle it with every arc.
    stats.proof = "fallback: pricing rounds exhausted"
    t0 = clock()
    net = _network(idx, needs, p, j, cost, degree, w)
    flows = _solve(net, supply)
    stats.add("flow", t0)
    stats.arcs_solved = n
    return np.nonzero(flows[:net.n_arc_person_need] > 0)[0]
