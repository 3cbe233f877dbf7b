"""Lab capacity: analysers, staff, retests and completion time."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from muster.testing.planning import (
    LabPlanInput,
    PlanningError,
    completion_hours,
    nested_cost,
    plan_lab,
    positive_probability,
    validate_lab_plan,
)


def test_retests_come_from_positive_pools() -> None:
    inp = LabPlanInput(people=11450, prevalence=0.001, pool_sizes=(10,), turnaround_hours=21)
    plan = plan_lab(inp)
    assert plan.tubes_first_round == 1145
    assert plan.expected_retests == pytest.approx(11450 * positive_probability(0.001, 10))
    assert plan.expected_tests == pytest.approx(11450 * nested_cost(0.001, [10]))
    assert plan.tests_per_person == pytest.approx(0.1100, abs=5e-5)
    assert validate_lab_plan(inp, plan) == []


def test_fewest_analysers_for_the_turnaround() -> None:
    inp = LabPlanInput(people=11450, prevalence=0.001, pool_sizes=(10,), turnaround_hours=21)
    plan = plan_lab(inp)
    # One analyser: 12 runs + 2 runs of 24/13 h = 25.8 h, too slow; two finish in 12.9 h.
    assert plan.analysers == 2
    assert plan.expected_completion_hours == pytest.approx(7 * 24 / 13)
    assert plan.meets_turnaround
    assert [r.runs for r in plan.rounds] == [12, 2]


def test_default_throughput_is_about_1250_tubes_a_day() -> None:
    plan = plan_lab(LabPlanInput(people=1000, prevalence=0.01, pool_sizes=(10,)))
    assert plan.tubes_per_analyser_per_day == pytest.approx(1250, rel=0.01)


def test_throughput_is_runs_times_tubes_per_run() -> None:
    plan = plan_lab(
        LabPlanInput(tubes=3000, prevalence=0.001, pool_sizes=(10,), runs_per_day=24, tubes_per_run=384)
    )
    assert plan.tubes_per_analyser_per_day == 24 * 384
    assert plan.run_hours == 1.0


def test_thirty_thousand_tubes_a_day_needs_dozens_of_analysers() -> None:
    # The commercial lab of the scenario: 30,000 tubes a day.
    plan = plan_lab(LabPlanInput(tubes=30_000, prevalence=0.0001, pool_sizes=(10,), turnaround_hours=24))
    assert 24 <= plan.analysers <= 40
    assert plan.staff == plan.analysers * 2 * plan.shifts
    assert plan.people == 300_000


def test_fixed_analysers_report_completion_and_miss() -> None:
    inp = LabPlanInput(people=11450, prevalence=0.001, pool_sizes=(10,), turnaround_hours=21, analysers=1)
    plan = plan_lab(inp)
    assert plan.analysers == 1
    assert plan.expected_completion_hours == pytest.approx(14 * 24 / 13)
    assert not plan.meets_turnaround
    assert validate_lab_plan(inp, plan) == []


def test_single_tubes_have_no_retests() -> None:
    plan = plan_lab(LabPlanInput(people=500, prevalence=0.01, pool_sizes=(1,)))
    assert plan.pool_sizes == []
    assert plan.tubes_first_round == 500
    assert plan.expected_retests == 0
    assert len(plan.rounds) == 1


def test_nested_scheme_adds_rounds_in_sequence() -> None:
    inp = LabPlanInput(people=27_000, prevalence=0.02, pool_sizes=(27, 9, 3), turnaround_hours=48)
    plan = plan_lab(inp)
    assert [r.pool_size for r in plan.rounds] == [27, 9, 3, 1]
    assert plan.expected_completion_hours == pytest.approx(sum(r.duration_hours for r in plan.rounds))
    assert validate_lab_plan(inp, plan) == []


def test_pool_sizes_default_to_the_cheapest_scheme() -> None:
    plan = plan_lab(LabPlanInput(people=10_000, prevalence=0.01, allowed=(5, 10)))
    assert plan.pool_sizes == [10]


def test_transport_time_adds_to_completion() -> None:
    base = LabPlanInput(people=10_000, prevalence=0.01, pool_sizes=(10,), analysers=2)
    assert plan_lab(
        base.model_copy(update={"transport_hours": 3})
    ).expected_completion_hours == pytest.approx(plan_lab(base).expected_completion_hours + 3)


def test_completion_hours_spreads_runs_over_analysers() -> None:
    assert completion_hours([960.0, 10.0], analysers=4, tubes_per_run=96, run_hours=2) == 3 * 2 + 2
    assert completion_hours([0.0], analysers=1, tubes_per_run=96, run_hours=2) == 0


def test_impossible_turnaround_names_the_option() -> None:
    with pytest.raises(PlanningError) as info:
        plan_lab(LabPlanInput(people=10_000, prevalence=0.01, pool_sizes=(10,), turnaround_hours=2))
    assert info.value.option == "turnaround_hours"


def test_analyser_cap_names_the_option() -> None:
    with pytest.raises(PlanningError) as info:
        plan_lab(LabPlanInput(people=1_000_000, prevalence=0.01, pool_sizes=(10,), max_analysers=3))
    assert info.value.option == "max_analysers"


@pytest.mark.parametrize(
    "fields",
    [
        {"prevalence": 0.01},
        {"people": 10, "tubes": 1, "prevalence": 0.01},
        {"people": -10, "prevalence": 0.01},
        {"people": 10, "prevalence": 0.01, "pool_sizes": (10, 3)},
        {"people": 10, "prevalence": 1.0},
        {"people": 10, "prevalence": 0.01, "turnaround_hours": 0},
    ],
)
def test_invalid_lab_input_rejected(fields: dict) -> None:
    with pytest.raises(ValidationError):
        LabPlanInput(**fields)


def test_validator_catches_wasteful_analysers() -> None:
    inp = LabPlanInput(people=11450, prevalence=0.001, pool_sizes=(10,), turnaround_hours=21)
    plan = plan_lab(inp)
    assert validate_lab_plan(inp, plan.model_copy(update={"analysers": 3}))
