"""Pooled swab testing: Dorfman and nested (hierarchical) multi-round pooling.

A scheme is a chain of pool sizes ``n1 > n2 > ... > nm > 1`` in which each size
divides the one before. Round 1 tests every pool of ``n1``; a positive pool is
split into pools of ``n2`` that are tested in round 2, and so on; the last
round tests the people of each positive ``nm`` pool in single tubes. ``m = 1``
is Dorfman's two-round scheme (5-in-1, 10-in-1), ``m = 0`` is individual
testing. Swabs are assumed independent, each positive with the prevalence, and
the assay perfect (no dilution loss): the planning figures, not a lab model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_MAX_POOL = 200
DEFAULT_STAGES = 2
# A pool of 1,000 swabs is far beyond any approved ratio; the cap keeps the
# exhaustive search over divisor chains well under a second.
POOL_SIZE_LIMIT = 1000
# 2**10 > POOL_SIZE_LIMIT, so no chain can use more pooled rounds than this.
STAGES_LIMIT = 11


class PoolPlanInput(BaseModel):
    """What the pool planner needs: a prevalence and what the lab may run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prevalence: float = Field(gt=0, lt=1, description="Expected share of positive swabs, strictly in (0, 1).")
    max_pool: int = Field(
        default=DEFAULT_MAX_POOL,
        ge=1,
        le=POOL_SIZE_LIMIT,
        description="Largest first-round pool the lab may run.",
    )
    stages: int = Field(
        default=DEFAULT_STAGES,
        ge=1,
        le=STAGES_LIMIT,
        description="Most testing rounds allowed, the last being single tubes (2 = Dorfman).",
    )
    allowed: tuple[int, ...] | None = Field(
        default=None,
        description="Lab-approved first-round ratios (e.g. 1, 5, 10, 20); None allows every size.",
    )

    @field_validator("allowed")
    @classmethod
    def _allowed_positive(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("needs at least one ratio")
        if any(size < 1 for size in value):
            raise ValueError("every ratio must be at least 1")
        return tuple(sorted(set(value)))


class PoolRound(BaseModel):
    """One testing round of a scheme, with its share of the cost."""

    model_config = ConfigDict(frozen=True)

    round: int = Field(description="1-based round number.")
    pool_size: int = Field(description="Swabs per tube in this round; 1 for single tubes.")
    tests_per_person: float = Field(description="Expected tubes this round, per person sampled.")
    p_reached: float = Field(description="Chance a given person's swab is tested in this round.")
    p_positive: float = Field(description="Chance a tube of this round is positive.")


class PoolPlan(BaseModel):
    """The cheapest scheme found, with its expected cost."""

    model_config = ConfigDict(frozen=True)

    pool_sizes: list[int] = Field(description="Pool size per pooled round; [] means individual testing.")
    tests_per_person: float = Field(description="Expected tubes per person, all rounds together.")
    rounds: int = Field(description="Testing rounds used, single tubes included.")
    entropy_lower_bound: float = Field(description="No zero-error scheme can use fewer tests per person.")
    prevalence: float
    max_pool: int
    stages: int
    allowed: list[int] | None
    per_round: list[PoolRound]


def positive_probability(prevalence: float, size: int) -> float:
    """Chance that a pool of ``size`` independent swabs holds at least one positive."""
    # expm1/log1p keep precision at the low prevalences where pooling matters.
    return -math.expm1(size * math.log1p(-prevalence))


def entropy_lower_bound(prevalence: float) -> float:
    """Binary entropy of the prevalence in bits: the least tests per person any
    zero-error scheme (adaptive or not) can need on average."""
    p = prevalence
    if p <= 0 or p >= 1:
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def dorfman_cost(prevalence: float, pool_size: int) -> float:
    """Expected tests per person for Dorfman pooling: ``1/n + 1 - (1-p)^n``.

    A "pool" of one is individual testing and costs exactly one test.
    """
    if pool_size < 1:
        raise ValueError("pool_size must be at least 1")
    if pool_size == 1:
        return 1.0
    return nested_cost(prevalence, [pool_size])


def check_chain(pool_sizes: Sequence[int]) -> None:
    """Raise ``ValueError`` unless the sizes form a valid nested chain:
    every size above 1, strictly decreasing, each dividing the one before."""
    previous: int | None = None
    for size in pool_sizes:
        if size < 2:
            raise ValueError(f"pool sizes must be at least 2, got {size}")
        if previous is not None and (size >= previous or previous % size):
            raise ValueError(f"pool size {size} must be smaller than and divide {previous}")
        previous = size


def nested_cost(prevalence: float, pool_sizes: Sequence[int]) -> float:
    """Expected tests per person for a nested scheme ``n1 > n2 > ... > nm``
    followed by single tubes:
    ``1/n1 + sum_{i>=2} P(n_{i-1} positive)/n_i + P(n_m positive)``.
    An empty chain is individual testing (cost 1).
    """
    return sum(r.tests_per_person for r in round_breakdown(prevalence, pool_sizes))


def round_breakdown(prevalence: float, pool_sizes: Sequence[int]) -> list[PoolRound]:
    """Per-round expected tubes per person for a nested scheme (see :func:`nested_cost`)."""
    check_chain(pool_sizes)
    sizes = [*pool_sizes, 1]
    rounds: list[PoolRound] = []
    p_reached = 1.0
    for index, size in enumerate(sizes):
        if index:
            # A swab reaches this round only if its previous-round pool was positive.
            p_reached = positive_probability(prevalence, sizes[index - 1])
        rounds.append(
            PoolRound(
                round=index + 1,
                pool_size=size,
                tests_per_person=p_reached / size,
                p_reached=p_reached,
                p_positive=positive_probability(prevalence, size),
            )
        )
    return rounds


def _divisors_below(limit: int) -> list[list[int]]:
    """``divisors[n]`` = proper divisors of ``n`` greater than 1, ascending."""
    divisors: list[list[int]] = [[] for _ in range(limit + 1)]
    for d in range(2, limit // 2 + 1):
        for multiple in range(2 * d, limit + 1, d):
            divisors[multiple].append(d)
    return divisors


def _first_round_candidates(inp: PoolPlanInput) -> list[int]:
    sizes = range(2, inp.max_pool + 1) if inp.allowed is None else inp.allowed
    return [n for n in sizes if 2 <= n <= inp.max_pool]


def plan_pools(inp: PoolPlanInput) -> PoolPlan:
    """The cheapest nested scheme with at most ``inp.stages`` testing rounds.

    Searches every chain of pool sizes whose first size is at most ``max_pool``
    (and in ``allowed``, if given) and where each size divides the one before,
    not only powers of 3; fewer rounds, down to individual testing, are always
    considered. Exact dynamic programme over (pool size, rounds left).
    On exact ties the fewer rounds, then the smaller pools, win.
    """
    p = inp.prevalence
    candidates = _first_round_candidates(inp) if inp.stages >= 2 else []
    divisors = _divisors_below(max(candidates, default=1))
    q = [positive_probability(p, n) for n in range(max(candidates, default=1) + 1)]
    memo: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {}

    def tail(n: int, rounds_left: int) -> tuple[float, tuple[int, ...]]:
        """Least expected tests per person after round testing pools of ``n``,
        with ``rounds_left`` rounds to go (the last single tubes)."""
        key = (n, rounds_left)
        if key in memo:
            return memo[key]
        best: tuple[float, tuple[int, ...]] = (q[n], ())
        if rounds_left >= 2:
            for d in divisors[n]:
                sub_cost, sub_chain = tail(d, rounds_left - 1)
                cost = q[n] / d + sub_cost
                if cost < best[0]:
                    best = (cost, (d, *sub_chain))
        memo[key] = best
        return best

    best_cost = 1.0
    best_chain: tuple[int, ...] = ()
    for n1 in candidates:
        sub_cost, sub_chain = tail(n1, inp.stages - 1)
        cost = 1.0 / n1 + sub_cost
        if cost < best_cost:
            best_cost, best_chain = cost, (n1, *sub_chain)

    per_round = round_breakdown(p, best_chain)
    return PoolPlan(
        pool_sizes=list(best_chain),
        tests_per_person=math.fsum(r.tests_per_person for r in per_round),
        rounds=len(per_round),
        entropy_lower_bound=entropy_lower_bound(p),
        prevalence=p,
        max_pool=inp.max_pool,
        stages=inp.stages,
        allowed=list(inp.allowed) if inp.allowed is not None else None,
        per_round=per_round,
    )


def validate_pool_plan(inp: PoolPlanInput, plan: PoolPlan, tolerance: float = 1e-12) -> list[str]:
    """Check a plan against its input independently of how it was found.

    Returns the problems found; an empty list means the plan is admissible and
    its cost is what it claims.
    """
    problems: list[str] = []
    try:
        check_chain(plan.pool_sizes)
    except ValueError as exc:
        problems.append(str(exc))
        return problems
    if plan.rounds != len(plan.pool_sizes) + 1:
        problems.append(f"rounds {plan.rounds} does not match {len(plan.pool_sizes)} pooled rounds")
    if plan.rounds > inp.stages:
        problems.append(f"uses {plan.rounds} rounds, at most {inp.stages} allowed")
    if plan.pool_sizes:
        first = plan.pool_sizes[0]
        if first > inp.max_pool:
            problems.append(f"first pool {first} exceeds max_pool {inp.max_pool}")
        if inp.allowed is not None and first not in inp.allowed:
            problems.append(f"first pool {first} is not an allowed ratio {list(inp.allowed)}")
    cost = nested_cost(inp.prevalence, plan.pool_sizes)
    if abs(cost - plan.tests_per_person) > tolerance:
        problems.append(f"claimed cost {plan.tests_per_person} but the scheme costs {cost}")
    if cost > 1.0 + tolerance:
        problems.append(f"cost {cost} is worse than individual testing")
    if cost < entropy_lower_bound(inp.prevalence) - tolerance:
        problems.append(f"cost {cost} is below the entropy bound, impossible")
    return problems
