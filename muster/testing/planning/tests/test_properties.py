"""Property tests (hypothesis) for the engines, checked against their validators."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from muster.testing.planning import (
    DeskPlanInput,
    LabPlanInput,
    PoolPlanInput,
    entropy_lower_bound,
    plan_desks,
    plan_lab,
    plan_pools,
    validate_desk_plan,
    validate_lab_plan,
    validate_pool_plan,
)

# Keep the search small so a hundred examples stay well under a second each.
prevalences = st.floats(min_value=1e-5, max_value=0.6, allow_nan=False)
max_pools = st.integers(min_value=1, max_value=80)


@settings(max_examples=60, deadline=None)
@given(prevalence=prevalences, max_pool=max_pools, stages=st.integers(min_value=1, max_value=6))
def test_pool_plan_is_valid_and_above_entropy_bound(prevalence: float, max_pool: int, stages: int) -> None:
    inp = PoolPlanInput(prevalence=prevalence, max_pool=max_pool, stages=stages)
    plan = plan_pools(inp)
    assert validate_pool_plan(inp, plan) == []
    assert plan.tests_per_person >= entropy_lower_bound(prevalence) - 1e-12
    assert plan.tests_per_person <= 1.0


@settings(max_examples=60, deadline=None)
@given(prevalence=prevalences, max_pool=max_pools, stages=st.integers(min_value=1, max_value=5))
def test_one_more_stage_is_never_worse(prevalence: float, max_pool: int, stages: int) -> None:
    fewer = plan_pools(PoolPlanInput(prevalence=prevalence, max_pool=max_pool, stages=stages))
    more = plan_pools(PoolPlanInput(prevalence=prevalence, max_pool=max_pool, stages=stages + 1))
    assert more.tests_per_person <= fewer.tests_per_person + 1e-15


@settings(max_examples=40, deadline=None)
@given(prevalence=prevalences, max_pool=st.integers(min_value=2, max_value=60))
def test_raising_the_pool_cap_is_never_worse(prevalence: float, max_pool: int) -> None:
    low = plan_pools(PoolPlanInput(prevalence=prevalence, max_pool=max_pool, stages=3))
    high = plan_pools(PoolPlanInput(prevalence=prevalence, max_pool=max_pool + 1, stages=3))
    assert high.tests_per_person <= low.tests_per_person + 1e-15


# At most 120,000 people x 120 s / 3,600 s = 4,000 Erlangs, under the raised cap.
desk_inputs = st.fixed_dictionaries({
    "people": st.integers(min_value=1, max_value=100_000),
    "hours": st.floats(min_value=1, max_value=24),
    "service_seconds": st.floats(min_value=5, max_value=120),
    "max_mean_wait_minutes": st.floats(min_value=0.1, max_value=30),
    "max_desks": st.just(5_000),
})


@settings(max_examples=60, deadline=None)
@given(fields=desk_inputs, extra=st.integers(min_value=1, max_value=20_000))
def test_desks_monotone_in_people(fields: dict, extra: int) -> None:
    smaller = DeskPlanInput(**fields)
    larger = DeskPlanInput(**{**fields, "people": fields["people"] + extra})
    small_plan, large_plan = plan_desks(smaller), plan_desks(larger)
    assert validate_desk_plan(smaller, small_plan) == []
    assert validate_desk_plan(larger, large_plan) == []
    assert large_plan.desks >= small_plan.desks


@settings(max_examples=40, deadline=None)
@given(
    people=st.integers(min_value=1, max_value=300_000),
    prevalence=st.floats(min_value=1e-4, max_value=0.2),
    pool=st.sampled_from([(), (5,), (10,), (20, 5)]),
    turnaround=st.floats(min_value=8, max_value=72),
)
def test_lab_plan_is_valid(people: int, prevalence: float, pool: tuple[int, ...], turnaround: float) -> None:
    inp = LabPlanInput(people=people, prevalence=prevalence, pool_sizes=pool, turnaround_hours=turnaround)
    plan = plan_lab(inp)
    assert validate_lab_plan(inp, plan) == []
