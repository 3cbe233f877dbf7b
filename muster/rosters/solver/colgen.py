"""Column generation: a strong bound and good building blocks for rosters.

The master chooses one personal schedule (a *column*) per employee so as to
pay the least for cover and personal costs (requests, changes); its linear
relaxation is solved with GLOP. Pricing finds, for each employee, the schedule
that meets all of that employee's hard rules and has the most negative
reduced cost under the master's duals; it is a small CP-SAT model (the
employee's variables only, with the run-length flow). Pricing runs on
`workers` threads, one CP-SAT worker each.

The Lagrangian bound (master value plus every employee's best reduced cost)
is a valid lower bound; near convergence it is within a fraction of a percent
of the best known values. The columns then feed a small integer master solved
by CP-SAT, which yields a good roster for the large neighbourhood search.

Only for inputs without hard rules linking employees (hard headcounts,
skills, night mix) and without pair or fairness costs: those are left to the
whole-model search.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from .build import static_allowed
from .context import Context, Region
from .problem import OFF, Problem
from .rules import rules_for

SCALE = 1000  # reduced costs are scaled to integers for CP-SAT


def applicable(p: Problem) -> bool:
    inp = p.inp
    if inp.pairs or any(f.weight for f in inp.fairness) or inp.night_needs_age_at_most is not None:
        return False
    return not any(c.hard_min or c.skills for c in p.cover.values())


class _Pricer:
    """The pricing model of one employee, built once; only its objective changes."""

    def __init__(self, p: Problem, e: int, base: np.ndarray):
        self.e = e
        allowed = static_allowed(p)
        ctx = Context(p, Region([e], 0, p.D, p.D), base, allowed=allowed, soft=False)
        ctx.cache["static_allowed"] = allowed
        ctx.cache["use_flow"] = True
        for rule in rules_for(p, soft=False):
            rule.add(ctx)
        self.ctx = ctx
        self.cells = [(d, s, v) for (_e, d), xs in ctx._x.items() for s, v in enumerate(xs)
                      if not isinstance(v, int)]
        self.vars = [v for _d, _s, v in self.cells]
        self.last: np.ndarray | None = None

    def price(self, coef: np.ndarray, time_limit: float, seed: int) -> tuple[list[np.ndarray], float, bool]:
        """Schedules found (best last), a lower bound on the scaled objective, and whether it is proven."""
        m = self.ctx.model
        m.minimize(cp_model.LinearExpr.weighted_sum(
            self.vars, [int(round(coef[d, s] * SCALE)) for d, s, _v in self.cells]))
        m.clear_hints()
        if self.last is not None:
            for d, s, v in self.cells:
                m.add_hint(v, bool(self.last[d] == s))
        rows: list[np.ndarray] = []
        cells = self.cells
        D = coef.shape[0]

        class _Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                row = np.full(D, OFF, dtype=np.int32)
                for d, s, v in cells:
                    if self.boolean_value(v):
                        row[d] = s
                rows.append(row)

        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = time_limit
        solver.parameters.random_seed = seed
        status = solver.solve(m, _Collect())
        if rows:
            self.last = rows[-1]
        proven = status == cp_model.OPTIMAL
        bound = solver.best_objective_bound if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else -math.inf
        if status == cp_model.INFEASIBLE:
            bound = math.inf
        return rows, bound, proven


class ColumnGeneration:
    def __init__(self, p: Problem, incumbent: np.ndarray, workers: int = 2, seed: int = 0):
        self.p = p
        self.workers = max(1, workers)
        self.seed = seed
        # personal cost of an employee-day: off_cost if off, shift_cost[s] if on shift s
        self.off_cost = np.zeros((p.E, p.D))
        self.shift_cost = np.zeros((p.E, p.D, p.S))
        for e, d, s, w in p.on_requests:
            self.off_cost[e, d] += w
            self.shift_cost[e, d, :] += w
            self.shift_cost[e, d, s] -= w
        for e, d, s, w in p.off_requests:
            if s == OFF:
                self.shift_cost[e, d, :] += w
            else:
                self.shift_cost[e, d, s] += w
        if p.previous is not None and p.inp.previous.change_weight:
            w = p.inp.previous.change_weight
            for e in range(p.E):
                for d in range(p.D):
                    before = int(p.previous[e, d])
                    if before == -2:
                        continue
                    if before == OFF:
                        self.shift_cost[e, d, :] += w
                    else:
                        self.off_cost[e, d] += w
                        self.shift_cost[e, d, :] += w
                        self.shift_cost[e, d, before] -= w
        self.pricers = [_Pricer(p, e, incumbent) for e in range(p.E)]
        self.cover_keys = sorted(p.cover)
        lp = pywraplp.Solver.CreateSolver("GLOP")
        self.lp = lp
        self.conv = [lp.Constraint(1.0, 1.0) for _ in range(p.E)]
        self.rows: dict[tuple[int, int], pywraplp.Constraint] = {}
        for key in self.cover_keys:
            c = p.cover[key]
            row = lp.Constraint(float(c.requirement), float(c.requirement))
            under = lp.NumVar(0.0, lp.infinity(), "")
            over = lp.NumVar(0.0, lp.infinity(), "")
            row.SetCoefficient(under, 1.0)
            row.SetCoefficient(over, -1.0)
            lp.Objective().SetCoefficient(under, float(c.under_weight))
            lp.Objective().SetCoefficient(over, float(c.over_weight))
            self.rows[key] = row
        lp.Objective().SetMinimization()
        self.columns: list[list[tuple[np.ndarray, pywraplp.Variable]]] = [[] for _ in range(p.E)]
        self._seen: list[set[bytes]] = [set() for _ in range(p.E)]
        self.lp_value: float | None = None
        self.bound: float = -math.inf
        self.iterations = 0
        self._lock = threading.Lock()
        self.add_roster(incumbent)

    # --- columns

    def cost(self, e: int, row: np.ndarray) -> float:
        on = row >= 0
        days = np.arange(self.p.D)
        return float(self.off_cost[e][~on].sum() + self.shift_cost[e, days[on], row[on]].sum())

    def add_column(self, e: int, row: np.ndarray) -> bool:
        key = row.tobytes()
        if key in self._seen[e]:
            return False
        self._seen[e].add(key)
        var = self.lp.NumVar(0.0, self.lp.infinity(), "")
        self.lp.Objective().SetCoefficient(var, self.cost(e, row))
        self.conv[e].SetCoefficient(var, 1.0)
        for d, s in enumerate(row.tolist()):
            if s >= 0:
                r = self.rows.get((d, s))
                if r is not None:
                    r.SetCoefficient(var, 1.0)
        self.columns[e].append((row.copy(), var))
        return True

    def add_roster(self, a: np.ndarray) -> None:
        for e in range(self.p.E):
            self.add_column(e, a[e])

    # --- the loop

    def solve_master(self) -> tuple[np.ndarray, np.ndarray]:
        self.lp.Solve()
        self.lp_value = self.lp.Objective().Value()
        pi = np.zeros((self.p.D, self.p.S))
        for (d, s), row in self.rows.items():
            pi[d, s] = row.dual_value()
        mu = np.array([c.dual_value() for c in self.conv])
        return pi, mu

    def run(self, deadline: float, pricing_time: float = 0.5, on_bound=None) -> None:
        """Generate columns until no employee prices out or the deadline."""
        p = self.p
        pool = ThreadPoolExecutor(self.workers)
        center: np.ndarray | None = None  # duals with the best Lagrangian bound so far
        alpha = 0.0  # smoothing off: early centres are poor when pricing is not proven
        try:
            while time.monotonic() < deadline:
                self.iterations += 1
                pi_lp, mu = self.solve_master()
                # Wentges smoothing: price at a point between the best-bound duals and the LP's
                pi = pi_lp if center is None else alpha * center + (1 - alpha) * pi_lp
                left = deadline - time.monotonic()
                if left <= 0.05:
                    break
                limit = min(pricing_time, left)

                def job(e: int, pi=pi, limit=limit):
                    coef = self.shift_cost[e] - self.off_cost[e][:, None] - pi
                    rows, bound, proven = self.pricers[e].price(coef, limit, self.seed + self.iterations)
                    return e, rows, bound, proven

                results = list(pool.map(job, range(p.E)))
                added = 0
                all_proven = True
                for e, rows, _bound, proven in results:
                    all_proven &= proven
                    for row in rows[-8:]:
                        rc = self.cost(e, row) - sum(pi_lp[d, s] for d, s in enumerate(row.tolist()) if s >= 0) - mu[e]
                        if rc < -1e-6:
                            added += self.add_column(e, row)
                if all_proven:
                    # valid when every employee was priced to optimality at the same duals
                    lagr = self._lagrangian(pi, results)
                    if lagr > self.bound:
                        self.bound = lagr
                        center = pi.copy()
                        if on_bound is not None:
                            on_bound(self.bound)
                if added == 0:
                    if alpha > 0 and center is not None:
                        alpha = 0.0  # mis-priced: price at the LP duals next time
                        continue
                    break
        finally:
            pool.shutdown(wait=True)

    def _lagrangian(self, pi: np.ndarray, results) -> float:
        """Lagrangian dual value L(pi) = sum_ds req*pi + sum_e min over schedules of (cost - pi.a)."""
        p = self.p
        total = 0.0
        for (d, s), _row in self.rows.items():
            c = p.cover[(d, s)]
            # cover slack terms: min over u, o >= 0 of wu*u + wo*o - pi*(u - o): -inf unless -wo <= pi <= wu
            if pi[d, s] > c.under_weight + 1e-9 or pi[d, s] < -c.over_weight - 1e-9:
                return -math.inf
            total += c.requirement * pi[d, s]
        # shifts with no cover row: working them costs nothing in the master
        for e, _rows, bound, _proven in results:
            total += bound / SCALE + float(self.off_cost[e].sum()) - p.D * 0.5 / SCALE
        return total

    # --- integer master

    def integer_master(self, time_limit: float, hint: np.ndarray | None, workers: int) -> np.ndarray | None:
        """Best combination of the generated columns (one per employee)."""
        p = self.p
        m = cp_model.CpModel()
        lam = [[m.new_bool_var("") for _ in self.columns[e]] for e in range(p.E)]
        for e in range(p.E):
            m.add_exactly_one(lam[e])
        terms, coefs = [], []
        uses: dict[tuple[int, int], list] = {}
        for e in range(p.E):
            for j, (row, _v) in enumerate(self.columns[e]):
                c = int(round(self.cost(e, row)))
                if c:
                    terms.append(lam[e][j])
                    coefs.append(c)
                for d, s in enumerate(row.tolist()):
                    if s >= 0 and (d, s) in p.cover:
                        uses.setdefault((d, s), []).append(lam[e][j])
        for key in self.cover_keys:
            c = p.cover[key]
            count = cp_model.LinearExpr.sum(uses.get(key, []))
            under = m.new_int_var(0, c.requirement, "")
            over = m.new_int_var(0, p.E, "")
            m.add(count + under - over == c.requirement)
            terms += [under, over]
            coefs += [c.under_weight, c.over_weight]
        m.minimize(cp_model.LinearExpr.weighted_sum(terms, coefs))
        if hint is not None:
            for e in range(p.E):
                for j, (row, _v) in enumerate(self.columns[e]):
                    m.add_hint(lam[e][j], bool(np.array_equal(row, hint[e])))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = max(0.1, time_limit)
        status = solver.solve(m)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        a = np.full((p.E, p.D), OFF, dtype=np.int32)
        for e in range(p.E):
            for j, (row, _v) in enumerate(self.columns[e]):
                if solver.boolean_value(lam[e][j]):
                    a[e] = row
        return a
