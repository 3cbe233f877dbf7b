"""Max-flow min-cost assignment with OR-Tools, with exact arc pruning.

Network: source -> person (capacity max_assignments; with the load term, one
unit arc per slot at increasing cost) -> need (capacity 1, cost of the pair)
-> sink (capacity places). ``SimpleMinCostFlow.solve_max_flow_with_min_cost``
first finds the maximum flow and then the cheapest flow of that value, which
is exactly "fill as many places as possible, then minimise cost".

City-scale instances have millions of eligible pairs, but an optimum almost
only uses each need's cheapest few. The solver therefore starts from the
``3 * places + 50`` cheapest arcs of each need and proves the result optimal
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
    """Arcs kept per need before pricing: generous for the places to fill."""
    return 3 * places + 50


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


@dataclass
class _Network:
    persons: np.ndarray  # person rows with at least one arc, node u = position
    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    n_arc_person_need: int
    n_nodes: int
    s: int
    t: int


def _network(idx: PeopleIndex, needs: NeedTable, p: np.ndarray, j: np.ndarray, cost: np.ndarray,
             persons: np.ndarray, degree: np.ndarray, w: Weights) -> _Network:
    n_u = len(persons)
    n_j = needs.size
    s, t = n_u + n_j, n_u + n_j + 1
    u = np.searchsorted(persons, p)
    cap = np.minimum(idx.cap[persons], degree)
    if Load.active(idx, needs, w):
        # One unit arc per slot, each dearer than the last: a convex cost.
        owner = np.repeat(np.arange(n_u, dtype=np.int64), cap)
        slot = np.arange(len(owner), dtype=np.int64) - np.repeat(np.cumsum(cap) - cap, cap)
        src_heads, src_caps = owner, np.ones(len(owner), dtype=np.int64)
        src_costs = Load.slot_costs(idx, persons[owner], slot, w)
    else:
        src_heads, src_caps, src_costs = np.arange(n_u, dtype=np.int64), cap, np.zeros(n_u, dtype=np.int64)
    need_rows = np.nonzero(needs.places > 0)[0]
    tails = np.concatenate([u, np.full(len(src_heads), s), n_u + need_rows])
    heads = np.concatenate([n_u + j, src_heads, np.full(len(need_rows), t)])
    caps = np.concatenate([np.ones(len(u), dtype=np.int64), src_caps, needs.places[need_rows]])
    costs = np.concatenate([cost, src_costs, np.zeros(len(need_rows), dtype=np.int64)])
    return _Network(persons, tails, heads, caps, costs, len(u), n_u + n_j + 2, s, t)


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
    # M above any simple path's cost (n_nodes arcs) and any flow's cost (supply units, each
    # one person-need arc plus one supply arc), so one more unit always wins.
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
    persons, degree = np.unique(p, return_counts=True)
    supply = int(min(needs.places[np.unique(j)].sum(), np.minimum(idx.cap[persons], degree).sum()))

    max_abs_cost = int(np.abs(cost).max()) + (w.load * int(idx.load.max(initial=0) + idx.cap.max(initial=1))
                                                if Load.active(idx, needs, w) else 0)
    keep = np.ones(n, dtype=bool)
    if prune:
        # Cheapest first per need, counting the person's first-slot load cost,
        # so that the kept arcs are the ones an optimum is most likely to use.
        rank_cost = cost + (w.load * idx.load[p] if Load.active(idx, needs, w) else 0)
        lo = int(rank_cost.min())
        key = j * (int(rank_cost.max()) - lo + 1) + (rank_cost - lo)
        order = np.argsort(key, kind="stable")
        js = j[order]
        group_start = np.searchsorted(js, js, side="left")
        rank = np.arange(n) - group_start
        keep[order] = rank < default_keep(needs.places[js])
    if keep.all():
        prune = False

    for rnd in range(1, _MAX_PRICING_ROUNDS + 1):
        sel = np.nonzero(keep)[0]
        t0 = time.perf_counter()
        # People with no kept arc cannot carry flow: leave them out of the network.
        in_net, in_degree = np.unique(p[sel], return_counts=True)
        net = _network(idx, needs, p[sel], j[sel], cost[sel], in_net,
                       degree[np.searchsorted(persons, in_net)], w)
        flows = _solve(net, supply)
        stats.flow_s += time.perf_counter() - t0
        stats.rounds, stats.arcs_solved = rnd, len(sel)
        chosen = sel[flows[:net.n_arc_person_need] > 0]
        if not prune:
            stats.proof = stats.proof or "all arcs"
            return chosen
        t0 = time.perf_counter()
        d, passes = potentials(net, flows, max_abs_cost, supply)
        stats.bf_passes.append(passes)
        if d is None:
            stats.price_s += time.perf_counter() - t0
            stats.proof = "fallback: potentials did not settle"
            keep[:] = True
            prune = False
            continue
        out = np.nonzero(~keep)[0]
        # Potentials of people left out of the network: only the source reaches
        # them, through their first supply arc (cost 0, or the load term).
        d_person = np.minimum(0, d[net.s] + first_slot_costs(idx, needs, persons, w))
        at = np.searchsorted(in_net, persons)
        inside = at < len(in_net)
        inside[inside] = in_net[at[inside]] == persons[inside]
        d_person[inside] = d[at[inside]]
        reduced = cost[out] + d_person[np.searchsorted(persons, p[out])] - d[len(in_net) + j[out]]
        bad = out[reduced < 0]
        stats.price_s += time.perf_counter() - t0
        if len(bad) == 0:
            stats.proof = "pricing"
            return chosen
        keep[bad] = True
    # Pricing keeps finding arcs: settle it with every arc.
    stats.proof = "fallback: pricing rounds exhausted"
    net = _network(idx, needs, p, j, cost, persons, degree, w)
    t0 = time.perf_counter()
    flows = _solve(net, supply)
    stats.flow_s += time.perf_counter() - t0
    stats.arcs_solved = n
    return np.nonzero(flows[:net.n_arc_person_need] > 0)[0]
