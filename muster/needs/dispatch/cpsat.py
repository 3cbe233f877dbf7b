"""Exact fallback for people who may take several needs that overlap in time.

A person with ``max_assignments > 1`` may hold several needs only if no two
of them overlap. That side constraint breaks the flow structure, so when
the flow optimum (which ignores it) happens to violate it, the same
lexicographic problem is solved with CP-SAT in two phases: maximise places
filled, then fix that number and minimise cost. A time limit is always set
and the status always checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from .index import NeedTable, PeopleIndex
from .models import Weights
from .terms import Load


def overlapping_people(p: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Person rows holding two chosen needs that overlap in time ([start, end) intervals)."""
    rows, counts = np.unique(p, return_counts=True)
    multi = np.isin(p, rows[counts > 1])
    p, start, end = p[multi], start[multi], end[multi]
    order = np.lexsort((start, p))
    ps, ss, es = p[order], start[order], end[order]
    # Sorted by start within a person, a clash is a start before the latest end so far.
    clash = np.zeros(len(ps), dtype=bool)
    latest = 0
    for i in range(len(ps)):
        if i and ps[i] == ps[i - 1]:
            clash[i] = ss[i] < latest
            latest = max(latest, int(es[i]))
        else:
            latest = int(es[i])
    return np.unique(ps[clash])


def repair(p: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Drop chosen arcs until no person holds overlapping needs (earliest end first)."""
    keep = np.zeros(len(p), dtype=bool)
    last_end: dict[int, int] = {}
    for i in np.lexsort((end, p)):
        if start[i] >= last_end.get(int(p[i]), -(2 ** 62)):
            keep[i] = True
            last_end[int(p[i])] = int(end[i])
    return np.nonzero(keep)[0]


@dataclass
class CpSatResult:
    chosen: np.ndarray
    optimal: bool
    status: str


def assign(idx: PeopleIndex, needs: NeedTable, p: np.ndarray, j: np.ndarray, cost: np.ndarray, w: Weights,
           hint: np.ndarray, time_limit_s: float, workers: int = 2) -> CpSatResult:
    """Lexicographic optimum over arcs (p, j) with the no-overlap rule, via CP-SAT."""
    n = len(p)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(n)]
    by_need: dict[int, list[int]] = {}
    by_person: dict[int, list[int]] = {}
    for i in range(n):
        by_need.setdefault(int(j[i]), []).append(i)
        by_person.setdefault(int(p[i]), []).append(i)
    for jj, arcs in by_need.items():
        model.add(sum(x[i] for i in arcs) <= int(needs.places[jj]))
    load_on = Load.active(idx, needs, w)
    objective = [int(cost[i]) * x[i] for i in range(n)]
    for pp, arcs in by_person.items():
        cap = min(int(idx.cap[pp]), len(arcs))
        taken = sum(x[i] for i in arcs)
        model.add(taken <= cap)
        if cap > 1:
            # At every need start, the arcs whose needs are running then clash pairwise.
            spans = sorted(arcs, key=lambda i: needs.start_us[j[i]])
            for a, i in enumerate(spans):
                s = needs.start_us[j[i]]
                running = [k for k in spans[:a] if needs.end_us[j[k]] > s]
                if running:
                    model.add_at_most_one([x[k] for k in running] + [x[i]])
        if load_on:
            slots = [model.new_bool_var(f"y{pp}_{k}") for k in range(cap)]
            model.add(sum(slots) == taken)
            for before, after in zip(slots, slots[1:], strict=False):
                model.add_implication(after, before)
            base = int(idx.load[pp])
            objective += [w.load * (base + k) * y for k, y in enumerate(slots)]
    hinted = set(int(i) for i in hint)
    for i in range(n):
        model.add_hint(x[i], i in hinted)

    def run(limit: float) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(limit, 0.1)
        solver.parameters.num_workers = workers
        return solver, solver.solve(model)

    model.maximize(sum(x))
    solver, status = run(time_limit_s / 2)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CpSatResult(hint, False, solver.status_name(status))
    filled = int(round(solver.objective_value))
    phase1_optimal = status == cp_model.OPTIMAL
    first = np.array([i for i in range(n) if solver.boolean_value(x[i])], dtype=np.int64)
    model.clear_hints()
    for i in range(n):
        model.add_hint(x[i], solver.boolean_value(x[i]))
    model.add(sum(x) >= filled)
    model.minimize(sum(objective))
    solver, status = run(time_limit_s / 2)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CpSatResult(first, False, solver.status_name(status))
    chosen = np.array([i for i in range(n) if solver.boolean_value(x[i])], dtype=np.int64)
    return CpSatResult(chosen, phase1_optimal and status == cp_model.OPTIMAL, solver.status_name(status))
