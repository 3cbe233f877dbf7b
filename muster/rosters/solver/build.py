"""Build CP-SAT models from the rules and run them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from .context import Context, GroupKey, Region
from .problem import OFF, Problem
from .rules import rules_for


def static_allowed(p: Problem) -> np.ndarray:
    """allowed[e, d, s]: False where a hard rule forbids the single assignment outright."""
    if p.allowed is not None:
        return p.allowed
    allowed = np.ones((p.E, p.D, p.S), dtype=bool)
    for rule in rules_for(p, soft=False):
        for e, d, s, _key in rule.exclusions(p):
            dd = slice(None) if d is None else d
            ss = slice(None) if s is None else s
            allowed[e, dd, ss] = False
    p.allowed = allowed
    return allowed


def build(p: Problem, region: Region | None = None, base: np.ndarray | None = None, *,
          explain: bool = False, groups: set[GroupKey] | None = None, soft: bool = True,
          flow: bool = False, symmetry: bool = True) -> Context:
    """Model of the whole roster, or of `region` with the rest fixed to `base`."""
    allowed = None if explain else static_allowed(p)
    ctx = Context(p, region, base, explain=explain, allowed=allowed, groups=groups, soft=soft)
    ctx.cache["static_allowed"] = static_allowed(p)
    ctx.cache["use_flow"] = flow
    ctx.cache["symmetry"] = symmetry
    for rule in rules_for(p, soft=soft and not explain):
        rule.add(ctx)
    ctx.finish()
    return ctx


STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.UNKNOWN: "UNKNOWN",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
}


@dataclass
class RunResult:
    status: str
    array: np.ndarray | None
    objective: int | None
    bound: int | None
    seconds: float
    solver: cp_model.CpSolver | None = None


def add_hint(ctx: Context, a: np.ndarray) -> None:
    for (e, d, s), v in ctx.var_items():
        ctx.model.add_hint(v, bool(a[e, d] == s))
    for hinter in ctx.hinters:
        for var, value in hinter(a):
            ctx.model.add_hint(var, value)
    for (e, d), w in ctx._w.items():
        if not isinstance(w, int) and (e, d) in ctx._x and sum(
                not isinstance(v, int) for v in ctx._x[(e, d)]) > 1:
            ctx.model.add_hint(w, bool(a[e, d] != OFF))


def read_array(ctx: Context, solver: cp_model.CpSolver, base: np.ndarray | None) -> np.ndarray:
    p = ctx.p
    a = np.full((p.E, p.D), OFF, dtype=np.int32) if base is None else base.copy()
    for (e, d), xs in ctx._x.items():
        a[e, d] = OFF
        for s, v in enumerate(xs):
            if not isinstance(v, int) and solver.boolean_value(v):
                a[e, d] = s
                break
    return a


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, ctx: Context, base, on_solution: Callable[[np.ndarray, int, float], bool | None]):
        super().__init__()
        self.ctx, self.base, self.on_solution = ctx, base, on_solution
        self.t0 = time.monotonic()

    def on_solution_callback(self) -> None:
        p = self.ctx.p
        a = np.full((p.E, p.D), OFF, dtype=np.int32) if self.base is None else self.base.copy()
        for (e, d), xs in self.ctx._x.items():
            a[e, d] = OFF
            for s, v in enumerate(xs):
                if not isinstance(v, int) and self.boolean_value(v):
                    a[e, d] = s
                    break
        if self.on_solution(a, int(round(self.objective_value)), self.best_objective_bound) is False:
            self.stop_search()


def run(ctx: Context, time_limit: float, *, workers: int = 2, seed: int = 0,
        hint: np.ndarray | None = None, params: dict | None = None,
        on_solution: Callable[[np.ndarray, int, float], bool | None] | None = None,
        assumptions: list | None = None) -> RunResult:
    """Solve a built model; always under a time limit."""
    t0 = time.monotonic()
    if hint is not None:
        add_hint(ctx, hint)
    if assumptions:
        ctx.model.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    sp = solver.parameters
    sp.max_time_in_seconds = max(0.01, time_limit)
    sp.num_workers = workers
    sp.random_seed = seed
    for k, v in (params or {}).items():
        if isinstance(v, list):
            field = getattr(sp, k)
            field.clear()
            field.extend(v)
        else:
            setattr(sp, k, v)
    cb = _Watcher(ctx, ctx.base, on_solution) if on_solution else None
    code = solver.solve(ctx.model, cb)
    status = STATUS.get(code, "UNKNOWN")
    arr = obj = bound = None
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        arr = read_array(ctx, solver, ctx.base)
        if ctx.soft and not ctx.explain:
            obj = int(round(solver.objective_value))
            bound = int(np.ceil(solver.best_objective_bound - 1e-6))
    return RunResult(status, arr, obj, bound, time.monotonic() - t0, solver)
