"""Pool planning: the issue's test vectors, the divisor-chain search, the validator."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from muster.testing.planning import (
    PoolPlanInput,
    check_chain,
    dorfman_cost,
    entropy_lower_bound,
    nested_cost,
    plan_pools,
    positive_probability,
    round_breakdown,
    validate_pool_plan,
)


def direct_cost(p: float, chain: list[int]) -> float:
    """The issue's formula, written out independently of the engine."""
    if not chain:
        return 1.0
    cost = 1 / chain[0]
    for previous, size in zip(chain, chain[1:], strict=False):
        cost += (1 - (1 - p) ** previous) / size
    return cost + 1 - (1 - p) ** chain[-1]


def all_chains(max_pool: int, pooled_rounds: int) -> list[list[int]]:
    """Every nested chain with first size <= max_pool and at most this many pooled rounds."""
    chains: list[list[int]] = [[]]

    def extend(chain: list[int]) -> None:
        chains.append(chain)
        if len(chain) < pooled_rounds:
            for d in range(2, chain[-1]):
                if chain[-1] % d == 0:
                    extend([*chain, d])

    if pooled_rounds:
        for n in range(2, max_pool + 1):
            extend([n])
    return chains


def brute_force(p: float, max_pool: int, stages: int) -> tuple[float, list[int]]:
    return min((direct_cost(p, c), c) for c in all_chains(max_pool, stages - 1))


# -- test vectors from the issue --------------------------------------------


def test_dorfman_optimum_at_one_percent_is_eleven() -> None:
    plan = plan_pools(PoolPlanInput(prevalence=0.01))
    assert plan.pool_sizes == [11]
    assert round(plan.tests_per_person, 4) == 0.1956
    assert plan.rounds == 2


def test_eleven_beats_ten_unrounded_at_one_percent() -> None:
    # Both round to 0.1956; the optimum must still be decided on the exact values.
    assert dorfman_cost(0.01, 11) < dorfman_cost(0.01, 10)
    assert dorfman_cost(0.01, 11) < dorfman_cost(0.01, 12)


@pytest.mark.parametrize(("prevalence", "expected"), [(0.01, 0.1956), (0.001, 0.1100), (0.02, 0.2829)])
def test_ten_in_one_cost(prevalence: float, expected: float) -> None:
    assert round(dorfman_cost(prevalence, 10), 4) == expected
    assert dorfman_cost(prevalence, 10) == pytest.approx(0.1 + 1 - (1 - prevalence) ** 10, abs=1e-15)


def test_nested_27_9_3_at_two_percent() -> None:
    assert round(nested_cost(0.02, [27, 9, 3]), 4) == 0.1980
    assert nested_cost(0.02, [27, 9, 3]) == pytest.approx(direct_cost(0.02, [27, 9, 3]), abs=1e-15)


def test_four_stages_at_two_percent_finds_27_9_3() -> None:
    plan = plan_pools(PoolPlanInput(prevalence=0.02, stages=4))
    assert plan.pool_sizes == [27, 9, 3]
    assert round(plan.tests_per_person, 4) == 0.1980
    assert plan.rounds == 4


def test_max_pool_ten_at_one_percent_gives_ten_in_one() -> None:
    plan = plan_pools(PoolPlanInput(prevalence=0.01, max_pool=10))
    assert plan.pool_sizes == [10]
    assert round(plan.tests_per_person, 4) == 0.1956


# -- costs -------------------------------------------------------------------


def test_pool_of_one_is_individual_testing() -> None:
    assert dorfman_cost(0.3, 1) == 1.0
    assert nested_cost(0.3, []) == 1.0


def test_positive_probability_matches_complement() -> None:
    assert positive_probability(0.01, 10) == pytest.approx(1 - 0.99**10, rel=1e-12)
    assert positive_probability(1e-9, 5) == pytest.approx(5e-9, rel=1e-6)


def test_round_breakdown_sums_to_cost() -> None:
    rounds = round_breakdown(0.02, [27, 9, 3])
    assert [r.pool_size for r in rounds] == [27, 9, 3, 1]
    assert rounds[0].p_reached == 1.0
    assert rounds[1].p_reached == pytest.approx(positive_probability(0.02, 27))
    assert math.fsum(r.tests_per_person for r in rounds) == pytest.approx(nested_cost(0.02, [27, 9, 3]))


@pytest.mark.parametrize("chain", [[10, 3], [9, 9], [9, 12], [1], [10, 1], [0]])
def test_invalid_chains_rejected(chain: list[int]) -> None:
    with pytest.raises(ValueError):
        check_chain(chain)
    with pytest.raises(ValueError):
        nested_cost(0.01, chain)


def test_entropy_bound_values() -> None:
    assert entropy_lower_bound(0.5) == pytest.approx(1.0)
    assert entropy_lower_bound(0.01) == pytest.approx(0.0807931, abs=1e-6)


# -- the search --------------------------------------------------------------


def test_one_stage_is_individual_testing() -> None:
    plan = plan_pools(PoolPlanInput(prevalence=0.01, stages=1))
    assert plan.pool_sizes == []
    assert plan.tests_per_person == 1.0


def test_high_prevalence_falls_back_to_individual_testing() -> None:
    # Dorfman stops paying above 1 - 3**(-1/3), about 30.7 %.
    plan = plan_pools(PoolPlanInput(prevalence=0.35, stages=4))
    assert plan.pool_sizes == []
    assert plan.rounds == 1


def test_fewer_rounds_used_when_they_are_cheaper() -> None:
    # At 15 % another split costs more than it saves: at most 4 rounds, uses 2.
    plan = plan_pools(PoolPlanInput(prevalence=0.15, stages=4))
    assert plan.rounds < 4
    assert plan.tests_per_person == pytest.approx(brute_force(0.15, 200, 4)[0], abs=1e-12)


@pytest.mark.parametrize(
    ("prevalence", "max_pool", "stages", "expected"),
    [
        (0.012, 24, 3, [20, 4]),
        (0.0001, 24, 4, [24, 6, 2]),
        (0.03, 24, 4, [18, 6, 2]),
        (0.02, 200, 3, [16, 4]),
        (0.001, 200, 4, [180, 30, 5]),
    ],
)
def test_search_finds_non_power_of_three_chains(
    prevalence: float, max_pool: int, stages: int, expected: list[int]
) -> None:
    plan = plan_pools(PoolPlanInput(prevalence=prevalence, max_pool=max_pool, stages=stages))
    assert plan.pool_sizes == expected
    powers_of_three = [
        c for c in all_chains(max_pool, stages - 1) if all(math.log(n, 3).is_integer() for n in c)
    ]
    best_power_of_three = min(direct_cost(prevalence, c) for c in powers_of_three)
    assert plan.tests_per_person < best_power_of_three


@pytest.mark.parametrize("prevalence", [0.0005, 0.004, 0.02, 0.07, 0.2])
@pytest.mark.parametrize("stages", [2, 3, 4])
def test_search_matches_brute_force(prevalence: float, stages: int) -> None:
    cost, chain = brute_force(prevalence, 60, stages)
    plan = plan_pools(PoolPlanInput(prevalence=prevalence, max_pool=60, stages=stages))
    assert plan.tests_per_person == pytest.approx(cost, abs=1e-12)
    assert plan.pool_sizes == chain


def test_allowed_ratios_restrict_the_first_round() -> None:
    plan = plan_pools(PoolPlanInput(prevalence=0.01, allowed=(1, 5, 10, 20)))
    assert plan.pool_sizes == [10]
    plan = plan_pools(PoolPlanInput(prevalence=0.002, allowed=(5, 10, 20), stages=3))
    assert plan.pool_sizes[0] in (5, 10, 20)
    assert validate_pool_plan(PoolPlanInput(prevalence=0.002, allowed=(5, 10, 20), stages=3), plan) == []


def test_allowed_only_individual_means_individual() -> None:
    plan = plan_pools(PoolPlanInput(prevalence=0.01, allowed=(1,)))
    assert plan.pool_sizes == []


def test_allowed_above_max_pool_is_ignored() -> None:
    plan = plan_pools(PoolPlanInput(prevalence=0.01, allowed=(5, 20), max_pool=10))
    assert plan.pool_sizes == [5]


# -- input and validator -------------------------------------------------------


@pytest.mark.parametrize("prevalence", [0.0, 1.0, -0.1, 1.5])
def test_prevalence_outside_open_unit_interval_rejected(prevalence: float) -> None:
    with pytest.raises(ValidationError) as info:
        PoolPlanInput(prevalence=prevalence)
    assert info.value.errors()[0]["loc"] == ("prevalence",)


@pytest.mark.parametrize("allowed", [(), (0, 5)])
def test_bad_allowed_rejected(allowed: tuple[int, ...]) -> None:
    with pytest.raises(ValidationError):
        PoolPlanInput(prevalence=0.01, allowed=allowed)


def test_validator_accepts_plan_and_catches_tampering() -> None:
    inp = PoolPlanInput(prevalence=0.02, stages=3, max_pool=20)
    plan = plan_pools(inp)
    assert validate_pool_plan(inp, plan) == []
    assert validate_pool_plan(inp, plan.model_copy(update={"tests_per_person": 0.1}))
    assert validate_pool_plan(inp, plan.model_copy(update={"pool_sizes": [27, 9], "rounds": 3}))
    assert validate_pool_plan(inp, plan.model_copy(update={"pool_sizes": [16, 4, 2], "rounds": 4}))
    assert validate_pool_plan(inp, plan.model_copy(update={"pool_sizes": [16, 3]}))
