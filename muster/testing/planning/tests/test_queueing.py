"""Desk sizing with Erlang C, and the simulation that checks it."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from muster.testing.planning import (
    DeskPlanInput,
    PlanningError,
    SimulationInput,
    erlang_b,
    erlang_c,
    guidance,
    mean_wait,
    p_wait_over,
    plan_desks,
    simulate_queue,
    validate_desk_plan,
)

SCENARIO = DeskPlanInput(people=11450, hours=7, service_seconds=30, max_mean_wait_minutes=5)


def test_scenario_vector_13_6_erlangs_14_desks() -> None:
    plan = plan_desks(SCENARIO)
    assert round(plan.erlangs, 2) == 13.63
    assert round(plan.erlangs, 1) == 13.6
    assert plan.desks == 14
    assert round(plan.mean_wait_minutes, 1) == 1.2
    assert plan.utilisation == pytest.approx(13.630952 / 14, rel=1e-6)
    assert validate_desk_plan(SCENARIO, plan) == []


def test_erlang_b_and_c_known_values() -> None:
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.7) == pytest.approx(0.7)  # M/M/1: wait with probability rho
    assert erlang_c(3, 3.0) == 1.0
    assert erlang_c(5, 0.0) == 0.0


def test_erlang_c_stable_for_many_desks() -> None:
    value = erlang_c(900, 880.0)
    assert 0 < value < 1 and math.isfinite(value)


def test_mean_wait_and_tail_formulas() -> None:
    lam, mu, c = 0.4, 1 / 3, 2
    expected_wq = erlang_c(c, lam / mu) / (c * mu - lam)
    assert mean_wait(c, lam, mu) == pytest.approx(expected_wq)
    assert p_wait_over(c, lam, mu, 0) == pytest.approx(erlang_c(c, lam / mu))
    assert p_wait_over(c, lam, mu, 10) == pytest.approx(
        erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * 10)
    )
    assert mean_wait(1, 1.0, 1.0) == math.inf
    assert p_wait_over(1, 2.0, 1.0, 5) == 1.0


def test_tighter_wait_needs_more_desks() -> None:
    loose = plan_desks(SCENARIO)
    tight = plan_desks(SCENARIO.model_copy(update={"max_mean_wait_minutes": 0.1}))
    assert tight.desks > loose.desks
    assert tight.mean_wait_minutes <= 0.1


def test_cap_on_chance_of_long_wait_adds_desks() -> None:
    inp = SCENARIO.model_copy(update={"wait_over_minutes": 1, "max_p_wait_over": 0.01})
    plan = plan_desks(inp)
    assert plan.desks > 14
    assert plan.p_wait_over <= 0.01
    assert validate_desk_plan(inp, plan) == []


def test_points_split_the_queue() -> None:
    inp = SCENARIO.model_copy(update={"points": 4})
    plan = plan_desks(inp)
    assert plan.points == 4
    assert plan.desks == 4 * plan.desks_per_point
    # Four separate queues pool less well than one: never fewer desks in total.
    assert plan.desks >= plan_desks(SCENARIO).desks
    assert plan.erlangs_per_point == pytest.approx(plan.erlangs / 4)
    assert validate_desk_plan(inp, plan) == []


def test_guidance_ratios() -> None:
    g = guidance(11450)
    assert (g.collection_points_min, g.collection_points_max) == (4, 6)
    assert (g.desks_min, g.desks_max) == (15, 20)
    assert g.samplers_24h_round == 32
    assert plan_desks(SCENARIO).guidance == g


def test_overload_beyond_desk_cap_names_max_desks() -> None:
    with pytest.raises(PlanningError) as info:
        plan_desks(DeskPlanInput(people=100_000, hours=1, service_seconds=30, max_desks=50))
    assert info.value.option == "max_desks"


def test_target_unreachable_under_cap_names_max_desks() -> None:
    # 13.6 Erlangs is stable at 14 desks, but 14 is above the cap.
    with pytest.raises(PlanningError) as info:
        plan_desks(SCENARIO.model_copy(update={"max_desks": 14, "max_mean_wait_minutes": 0.01}))
    assert info.value.option == "max_desks"


@pytest.mark.parametrize(
    ("field", "value"), [("people", -1), ("people", 0), ("hours", 0), ("service_seconds", 0), ("points", 0)]
)
def test_invalid_desk_input_rejected(field: str, value: float) -> None:
    fields = {"people": 100, "hours": 1, field: value}
    with pytest.raises(ValidationError) as info:
        DeskPlanInput.model_validate(fields)
    assert info.value.errors()[0]["loc"] == (field,)


def test_validator_catches_too_many_desks() -> None:
    plan = plan_desks(SCENARIO)
    assert validate_desk_plan(SCENARIO, plan.model_copy(update={"desks": 15, "desks_per_point": 15}))
    assert validate_desk_plan(SCENARIO, plan.model_copy(update={"desks": 13, "desks_per_point": 13}))


# -- simulation ----------------------------------------------------------------


def test_simulation_confirms_erlang_c_mean_wait() -> None:
    # Three desks at 75 % load: busy enough to queue, and 150,000 customers
    # put the simulated mean within about 3 % (one standard error) of the
    # truth, so 10 % is a wide margin whatever the seed.
    people, hours, service, desks = 1890, 7.0, 30.0, 3
    sim = simulate_queue(
        SimulationInput(
            people=people, hours=hours, service_seconds=service, desks=desks, customers=150_000, seed=1
        )
    )
    lam, mu = people / (hours * 3600), 1 / service
    assert sim.mean_wait_minutes == pytest.approx(mean_wait(desks, lam, mu) / 60, rel=0.10)
    assert sim.p_wait == pytest.approx(erlang_c(desks, lam / mu), abs=0.02)
    assert sim.p_wait_over == pytest.approx(p_wait_over(desks, lam, mu, sim.wait_over_minutes * 60), abs=0.01)


def test_simulation_is_reproducible_with_a_seed() -> None:
    inp = SimulationInput(people=11450, hours=7, desks=15, customers=5000, warmup=500, seed=3)
    assert simulate_queue(inp) == simulate_queue(inp)
    assert simulate_queue(inp) != simulate_queue(inp.model_copy(update={"seed": 4}))


def test_window_mode_runs_one_day() -> None:
    sim = simulate_queue(SimulationInput(people=11450, hours=7, desks=14, mode="window", seed=1))
    assert sim.customers == pytest.approx(11450, rel=0.05)
    assert 7 <= sim.last_departure_hours < 8
