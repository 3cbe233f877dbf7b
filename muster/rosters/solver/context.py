"""The model-building context the rules write into.

One context builds either the whole model or a sub-model for large
neighbourhood search and rolling-horizon construction: a :class:`Region` says
which employees and days are free, every other cell is a constant taken from a
base roster. Rules ask the context for ``x(e, d, s)`` and ``work(e, d)`` and get
either a CP-SAT literal or the int 0/1, so one rule implementation serves the
full model and every sub-model.

In *explain* mode each hard rule group gets an assumption literal enforcing it,
so that CP-SAT can name a set of groups that cannot hold together.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import Literal

from .problem import OFF, Problem

# A Boolean variable, its negation (a Literal, not an IntVar), or a constant 0/1 outside the free region.
Lit = Literal | int
GroupKey = tuple


@dataclass
class Region:
    """Free part of the roster: `employees` (None = all) on days lo..hi-1.

    Days from `cut` on do not exist for this model: rolling-horizon
    construction uses it to solve a prefix of the horizon.
    """

    employees: Sequence[int] | None
    lo: int
    hi: int
    cut: int
    # optional E x D mask of free cells inside employees x lo..hi (scattered neighbourhoods)
    mask: np.ndarray | None = None

    @classmethod
    def full(cls, p: Problem) -> Region:
        return cls(None, 0, p.D, p.D)

    @classmethod
    def cells(cls, mask: np.ndarray) -> Region:
        """Exactly the cells set in `mask` are free."""
        rows = np.flatnonzero(mask.any(axis=1))
        cols = np.flatnonzero(mask.any(axis=0))
        D = mask.shape[1]
        if len(rows) == 0:
            return cls([], 0, 0, D, mask)
        return cls(rows.tolist(), int(cols[0]), int(cols[-1]) + 1, D, mask)


def neg(lit: Lit) -> Lit:
    if isinstance(lit, int):
        return 1 - lit
    return lit.Not()


def lsum(terms: Iterable) -> cp_model.LinearExprT:
    """Sum of literals/expressions that folds the constants."""
    const = 0
    vs = []
    for t in terms:
        if isinstance(t, int):
            const += t
        else:
            vs.append(t)
    if not vs:
        return const
    return cp_model.LinearExpr.sum(vs) + const if const else cp_model.LinearExpr.sum(vs)


def wsum(terms: Iterable[tuple[Lit, int]]) -> cp_model.LinearExprT:
    """Weighted sum of (literal, coefficient) pairs that folds the constants."""
    const = 0
    vs, cs = [], []
    for t, c in terms:
        if isinstance(t, int):
            const += t * c
        elif c:
            vs.append(t)
            cs.append(c)
    if not vs:
        return const
    expr = cp_model.LinearExpr.weighted_sum(vs, cs)
    return expr + const if const else expr


class Context:
    def __init__(self, p: Problem, region: Region | None = None, base: np.ndarray | None = None,
                 explain: bool = False, allowed: np.ndarray | None = None,
                 groups: set[GroupKey] | None = None, soft: bool = True):
        self.p = p
        self.model = cp_model.CpModel()
        self.region = region or Region.full(p)
        self.base = base
        self.explain = explain
        self.soft = soft
        # explain mode: None = guard every group; a set = only these groups hold
        self.only_groups = groups
        self.assumptions: dict[GroupKey, cp_model.IntVar] = {}
        self.objective_terms: dict[str, list[tuple[cp_model.LinearExprT, int]]] = defaultdict(list)
        self.offset = 0
        self.cache: dict = {}  # shared helper variables (e.g. weekend indicators)
        # functions giving hint values of helper variables from a full roster array
        self.hinters: list = []
        r = self.region
        self.free_emps: list[int] = list(range(p.E)) if r.employees is None else sorted(r.employees)
        self._free_mask = np.zeros(p.E, dtype=bool)
        self._free_mask[self.free_emps] = True
        if (r.employees is not None or r.lo > 0 or r.hi < r.cut) and base is None:
            raise ValueError("a partial region needs a base roster")
        self.allowed = allowed if allowed is not None else np.ones((p.E, p.D, p.S), dtype=bool)
        self._x: dict[tuple[int, int], list[cp_model.IntVar | int]] = {}
        self._w: dict[tuple[int, int], Lit] = {}
        self._days: dict[int, tuple[list, np.ndarray]] = {}  # on_shift's per-day parts
        self._make_vars()

    # --- geometry

    @property
    def lo(self) -> int:
        return self.region.lo

    @property
    def hi(self) -> int:
        return self.region.hi

    @property
    def cut(self) -> int:
        return self.region.cut

    @property
    def partial_horizon(self) -> bool:
        return self.region.cut < self.p.D

    @property
    def is_full(self) -> bool:
        r = self.region
        return r.employees is None and r.lo == 0 and r.hi == self.p.D and r.cut == self.p.D

    def is_free(self, e: int, d: int) -> bool:
        if not (self._free_mask[e] and self.region.lo <= d < self.region.hi):
            return False
        return self.region.mask is None or bool(self.region.mask[e, d])

    def all_emps(self) -> range:
        return range(self.p.E)

    def days(self) -> range:
        return range(self.region.lo, self.region.hi)

    def _make_vars(self) -> None:
        m = self.model
        mask = self.region.mask
        for e in self.free_emps:
            for d in range(self.lo, self.hi):
                if mask is not None and not mask[e, d]:
                    continue
                ok = self.allowed[e, d]
                xs: list[cp_model.IntVar | int] = []
                nvars = 0
                for s in range(self.p.S):
                    if ok[s]:
                        xs.append(m.new_bool_var(f"x{e}_{d}_{s}"))
                        nvars += 1
                    else:
                        xs.append(0)
                self._x[(e, d)] = xs
                if nvars == 0:
                    self._w[(e, d)] = 0
                elif nvars == 1:
                    self._w[(e, d)] = next(v for v in xs if not isinstance(v, int))
                else:
                    w = m.new_bool_var(f"w{e}_{d}")
                    # at most one shift a day, and work[e, d] is that shift's indicator
                    m.add(lsum(xs) == w)
                    self._w[(e, d)] = w

    @property
    def fixed(self) -> np.ndarray:
        """The base roster, read for cells outside the free region (a partial region always has one)."""
        if self.base is None:
            raise ValueError("no base roster: every cell of this model is free")
        return self.base

    def x(self, e: int, d: int, s: int) -> Lit:
        xs = self._x.get((e, d))
        if xs is not None:
            return xs[s]
        return 1 if self.fixed[e, d] == s else 0

    def on_shift(self, d: int, s: int) -> cp_model.LinearExprT:
        """How many people work shift s on day d: the free cells' variables plus the base roster's
        count on the fixed ones (a sum over every person built one `x` at a time was most of the
        time spent building a one-person model of a large roster)."""
        xss, fixed = self._day(d)
        return lsum([int(fixed[s])] + [xs[s] for xs in xss])

    def on_shift_parts(self, d: int, s: int) -> tuple[int, list]:
        """`on_shift(d, s)` as (a constant, the free cells' literals): the headcount is at least
        the constant and at most the constant plus the number of literals."""
        xss, fixed = self._day(d)
        const, lits = int(fixed[s]), []
        for xs in xss:
            if isinstance(xs[s], int):
                const += xs[s]
            else:
                lits.append(xs[s])
        return const, lits

    def _day(self, d: int) -> tuple[list, np.ndarray]:
        """Day d's free cells' shift literals, and the base roster's headcount per shift on the
        fixed cells (OFF in the last slot)."""
        day = self._days.get(d)
        if day is None:
            free = [e for e in self.free_emps if (e, d) in self._x]
            fixed = np.zeros(self.p.S + 1, dtype=np.int64)
            if self.base is not None:
                rest = np.ones(self.p.E, dtype=bool)
                rest[free] = False
                # OFF (-1) lands in the last slot
                fixed = np.bincount(self.base[rest, d] % (self.p.S + 1), minlength=self.p.S + 1)
            elif len(free) < self.p.E:
                raise ValueError("no base roster: every cell of this model is free")
            day = self._days[d] = ([self._x[(e, d)] for e in free], fixed)
        return day

    def xs(self, e: int, d: int) -> Sequence[Lit]:
        xs = self._x.get((e, d))
        if xs is not None:
            return xs
        b = int(self.fixed[e, d])
        return [1 if b == s else 0 for s in range(self.p.S)]

    def work(self, e: int, d: int) -> Lit:
        w = self._w.get((e, d))
        if w is not None:
            return w
        return 1 if self.fixed[e, d] != OFF else 0

    def free_days(self, e: int) -> list[int] | range:
        if not self._free_mask[e]:
            return range(0)
        if self.region.mask is not None:
            return [d for d in range(self.region.lo, self.region.hi) if self.region.mask[e, d]]
        return range(self.region.lo, self.region.hi)

    def _fixed_row(self, e: int) -> np.ndarray:
        """Base values of employee e on existing fixed days (free days left out)."""
        row = self.fixed[e, : self.region.cut]
        if not self._free_mask[e]:
            return row
        keep = np.ones(len(row), dtype=bool)
        free = self.free_days(e)
        if isinstance(free, range):
            keep[free.start:free.stop] = False
        else:
            keep[list(free)] = False
        return row[keep]

    def base_count(self, e: int, s: int) -> int:
        """How often the base roster gives e shift s on fixed days (s = OFF counts days off)."""
        if self.base is None:
            return 0
        return int((self._fixed_row(e) == s).sum())

    def base_minutes(self, e: int) -> int:
        if self.base is None:
            return 0
        seg = self._fixed_row(e)
        return int(self.p.length_array[seg[seg >= 0]].sum())

    def _share(self, e: int | None) -> float:
        """Part of the horizon before the cut, counted in days employee e may work."""
        if e is None:
            return self.cut / self.p.D
        avail = self.p.available_prefix(e)
        return avail[self.cut] / avail[-1] if avail[-1] else 1.0

    def prorate_max(self, limit: int, slack: int, e: int | None = None) -> int:
        """Upper bound for the days before the cut when only a prefix is modelled."""
        if not self.partial_horizon:
            return limit
        return min(limit, math.ceil(limit * self._share(e)) + slack)

    def prorate_min(self, limit: int, slack: int, e: int | None = None) -> int:
        if not self.partial_horizon:
            return limit
        return max(0, math.floor(limit * self._share(e)) - slack)

    def free_cells(self) -> Iterable[tuple[int, int]]:
        return self._x.keys()

    def var_items(self) -> Iterable[tuple[tuple[int, int, int], cp_model.IntVar]]:
        for (e, d), xs in self._x.items():
            for s, v in enumerate(xs):
                if not isinstance(v, int):
                    yield (e, d, s), v

    # --- constraints with optional assumption literals

    def active(self, key: GroupKey) -> bool:
        """False when explaining with a subset of groups that excludes this one."""
        return self.only_groups is None or key in self.only_groups

    def guard(self, key: GroupKey) -> cp_model.IntVar | None:
        if not self.explain:
            return None
        lit = self.assumptions.get(key)
        if lit is None:
            lit = self.model.new_bool_var(f"a{len(self.assumptions)}")
            self.assumptions[key] = lit
        return lit

    def add(self, bounded_expr, key: GroupKey) -> None:
        """Add a linear constraint belonging to rule group `key`."""
        if isinstance(bounded_expr, bool):
            if bounded_expr or not self.active(key):
                return
            # a constraint over constants only that fails: keep it visible to CP-SAT
            bounded_expr = self.model.new_constant(0) == 1
        if not self.active(key):
            return
        ct = self.model.add(bounded_expr)
        g = self.guard(key)
        if g is not None:
            ct.only_enforce_if(g)

    def clause(self, lits: Iterable[Lit], key: GroupKey) -> None:
        """At least one of `lits` holds (rule group `key`)."""
        if not self.active(key):
            return
        vs = []
        for lit in lits:
            if isinstance(lit, int):
                if lit:
                    return
            else:
                vs.append(lit)
        g = self.guard(key)
        if g is not None:
            vs.append(g.Not())
        if not vs:
            self.model.add_bool_or([self.model.new_constant(0)])
            return
        self.model.add_bool_or(vs)

    def forbid(self, e: int, d: int, s: int | None, key: GroupKey) -> None:
        """Employee e may not work shift s (any shift if None) on day d."""
        lit = self.work(e, d) if s is None else self.x(e, d, s)
        self.clause([neg(lit)], key)

    # --- objective

    def penalize(self, rule: str, expr: cp_model.LinearExprT, weight: int) -> None:
        if not weight:
            return
        if isinstance(expr, int):
            self.offset += weight * expr
            return
        self.objective_terms[rule].append((expr, weight))

    def objective_expr(self) -> cp_model.LinearExprT:
        exprs, coeffs = [], []
        for terms in self.objective_terms.values():
            for expr, w in terms:
                exprs.append(expr)
                coeffs.append(w)
        if not exprs:
            return self.offset
        return cp_model.LinearExpr.weighted_sum(exprs, coeffs) + self.offset

    def finish(self) -> None:
        if self.soft and not self.explain:
            self.model.minimize(self.objective_expr())
