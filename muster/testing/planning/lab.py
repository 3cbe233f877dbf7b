"""Lab capacity: PCR analysers and staff for a turnaround target.

The lab receives every first-round tube at once (after ``transport_hours``),
runs full plates of ``tubes_per_run`` on each analyser back to back, each run
taking ``24 / runs_per_day`` hours, and starts a retest round only when the
round before has finished: a positive pool's people can only be re-tested
once its result is known. That makes the completion time a slightly
pessimistic estimate, which is the safe side for a turnaround promise.
Retest counts are expectations from the pooling model.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import PlanningError
from .pooling import (
    DEFAULT_MAX_POOL,
    DEFAULT_STAGES,
    POOL_SIZE_LIMIT,
    STAGES_LIMIT,
    PoolPlanInput,
    check_chain,
    plan_pools,
    round_breakdown,
)

# About 1,250 tubes a day per analyser (national guidance): 13 runs of a
# 96-well plate is 1,248.
DEFAULT_RUNS_PER_DAY = 13.0
DEFAULT_TUBES_PER_RUN = 96
DEFAULT_MAX_ANALYSERS = 1000
# Run lengths are 24/runs_per_day, so whole-day sums land a hair over the
# target in floating point; a nanosecond-scale slack keeps 13 runs "in 24 h".
_SLACK_HOURS = 1e-9


class LabPlanInput(BaseModel):
    """A testing load and the lab's equipment, staffing and deadline."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    people: int | None = Field(default=None, gt=0, description="People sampled; give this or tubes.")
    tubes: int | None = Field(
        default=None, gt=0, description="First-round tubes received; people = tubes x first pool size."
    )
    prevalence: float = Field(gt=0, lt=1, description="Expected share of positive swabs, for the retests.")
    pool_sizes: tuple[int, ...] | None = Field(
        default=None,
        description="The lab's nested scheme (e.g. (10,) for 10-in-1, () for single tubes); "
        "None picks the cheapest under max_pool, stages and allowed.",
    )
    max_pool: int = Field(default=DEFAULT_MAX_POOL, ge=1, le=POOL_SIZE_LIMIT)
    stages: int = Field(default=DEFAULT_STAGES, ge=1, le=STAGES_LIMIT)
    allowed: tuple[int, ...] | None = None
    turnaround_hours: float = Field(
        default=24, gt=0, description="Time from receiving tubes to the last result."
    )
    runs_per_day: float = Field(
        default=DEFAULT_RUNS_PER_DAY, gt=0, description="Runs one analyser completes a day."
    )
    tubes_per_run: int = Field(default=DEFAULT_TUBES_PER_RUN, gt=0, description="Tubes per analyser run.")
    staff_per_analyser_shift: float = Field(
        default=2, gt=0, description="Staff each running analyser needs per shift."
    )
    shift_hours: float = Field(default=8, gt=0)
    transport_hours: float = Field(
        default=0, ge=0, description="Fixed lead time before the first run can start."
    )
    analysers: int | None = Field(
        default=None, gt=0, description="Fixed analyser count; None finds the fewest."
    )
    max_analysers: int = Field(default=DEFAULT_MAX_ANALYSERS, ge=1)

    @field_validator("pool_sizes")
    @classmethod
    def _valid_chain(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if value is None:
            return None
        # A first size of 1 is how people write "single tubes".
        value = tuple(value) if tuple(value) != (1,) else ()
        check_chain(value)
        return value

    @model_validator(mode="after")
    def _people_or_tubes(self) -> LabPlanInput:
        if (self.people is None) == (self.tubes is None):
            raise ValueError("give exactly one of people and tubes")
        return self


class LabRound(BaseModel):
    """One round of testing at the lab."""

    model_config = ConfigDict(frozen=True)

    round: int
    pool_size: int = Field(description="Swabs per tube; 1 for single tubes.")
    expected_tubes: float
    runs: int = Field(description="Analyser runs needed for the expected tubes.")
    duration_hours: float = Field(description="Wall-clock hours for the round on the planned analysers.")


class LabPlan(BaseModel):
    """Analysers and staff for the load, and when the last result comes out."""

    model_config = ConfigDict(frozen=True)

    analysers: int
    staff_per_shift: float
    shifts: int = Field(description="Shifts needed to cover the expected completion time.")
    staff: float = Field(description="Staff over all shifts.")
    expected_completion_hours: float
    turnaround_hours: float
    meets_turnaround: bool
    people: int
    tubes_first_round: int
    expected_retests: float = Field(description="Expected tubes after the first round, from positive pools.")
    expected_tests: float
    pool_sizes: list[int]
    tests_per_person: float
    tubes_per_analyser_per_day: float
    run_hours: float
    rounds: list[LabRound]


def _round_tubes(people: int, first_round_tubes: int, tests_per_person: list[float]) -> list[float]:
    # First round counts whole tubes (a part-filled pool still needs a tube);
    # later rounds are expectations.
    return [float(first_round_tubes), *(people * t for t in tests_per_person[1:])]


def _runs(tubes: float, tubes_per_run: int) -> int:
    # Guard against 1e-12 of expected tube forcing a whole run.
    return math.ceil(tubes / tubes_per_run - 1e-9) if tubes > 1e-9 else 0


def completion_hours(
    round_tubes: list[float], analysers: int, tubes_per_run: int, run_hours: float, transport_hours: float = 0
) -> float:
    """Hours until the last result: each round's runs spread over the
    analysers, rounds one after another, plus the lead time."""
    total = transport_hours
    for tubes in round_tubes:
        total += math.ceil(_runs(tubes, tubes_per_run) / analysers) * run_hours
    return total


def plan_lab(inp: LabPlanInput) -> LabPlan:
    """The fewest analysers (or the given number) that finish the expected
    tests within the turnaround, the staff to run them, and the expected
    retests from positive pools. Raises :class:`PlanningError` when no
    number of analysers up to ``max_analysers`` can meet the turnaround.
    """
    if inp.pool_sizes is None:
        pool_plan = plan_pools(
            PoolPlanInput(
                prevalence=inp.prevalence, max_pool=inp.max_pool, stages=inp.stages, allowed=inp.allowed
            )
        )
        chain = tuple(pool_plan.pool_sizes)
    else:
        chain = inp.pool_sizes
    breakdown = round_breakdown(inp.prevalence, chain)
    first_size = breakdown[0].pool_size
    if inp.people is not None:
        people = inp.people
        first_tubes = math.ceil(people / first_size)
    else:
        assert inp.tubes is not None
        first_tubes = inp.tubes
        people = inp.tubes * first_size
    per_person = [r.tests_per_person for r in breakdown]
    round_tubes = _round_tubes(people, first_tubes, per_person)
    run_hours = 24 / inp.runs_per_day

    fastest = completion_hours(round_tubes, 10**9, inp.tubes_per_run, run_hours, inp.transport_hours)
    if inp.analysers is not None:
        analysers = inp.analysers
    else:
        if fastest > inp.turnaround_hours + _SLACK_HOURS:
            raise PlanningError(
                "turnaround_hours",
                f"even with unlimited analysers the {len(chain) + 1} rounds take {fastest:.1f} hours "
                f"(runs of {run_hours:.2f} h), more than the {inp.turnaround_hours:g} hour target",
            )
        analysers = 1
        while (
            completion_hours(round_tubes, analysers, inp.tubes_per_run, run_hours, inp.transport_hours)
            > inp.turnaround_hours + _SLACK_HOURS
        ):
            analysers += 1
            if analysers > inp.max_analysers:
                raise PlanningError(
                    "max_analysers",
                    f"more than {inp.max_analysers} analysers are needed to finish "
                    f"within {inp.turnaround_hours:g} hours",
                )

    completion = completion_hours(round_tubes, analysers, inp.tubes_per_run, run_hours, inp.transport_hours)
    rounds = [
        LabRound(
            round=r.round,
            pool_size=r.pool_size,
            expected_tubes=tubes,
            runs=_runs(tubes, inp.tubes_per_run),
            duration_hours=math.ceil(_runs(tubes, inp.tubes_per_run) / analysers) * run_hours,
        )
        for r, tubes in zip(breakdown, round_tubes, strict=True)
    ]
    staff_per_shift = analysers * inp.staff_per_analyser_shift
    shifts = max(1, math.ceil(completion / inp.shift_hours - 1e-9))
    expected_tests = math.fsum(round_tubes)
    return LabPlan(
        analysers=analysers,
        staff_per_shift=staff_per_shift,
        shifts=shifts,
        staff=staff_per_shift * shifts,
        expected_completion_hours=completion,
        turnaround_hours=inp.turnaround_hours,
        meets_turnaround=completion <= inp.turnaround_hours + _SLACK_HOURS,
        people=people,
        tubes_first_round=first_tubes,
        expected_retests=expected_tests - first_tubes,
        expected_tests=expected_tests,
        pool_sizes=list(chain),
        tests_per_person=math.fsum(per_person),
        tubes_per_analyser_per_day=inp.runs_per_day * inp.tubes_per_run,
        run_hours=run_hours,
        rounds=rounds,
    )


def validate_lab_plan(inp: LabPlanInput, plan: LabPlan, tolerance: float = 1e-9) -> list[str]:
    """Check a lab plan against its input: the completion time follows from
    the rounds, the turnaround is met, and (when the count was free) one
    analyser fewer would miss it. Empty list means sound."""
    problems: list[str] = []
    round_tubes = [r.expected_tubes for r in plan.rounds]
    run_hours = 24 / inp.runs_per_day
    completion = completion_hours(
        round_tubes, plan.analysers, inp.tubes_per_run, run_hours, inp.transport_hours
    )
    if abs(completion - plan.expected_completion_hours) > tolerance:
        problems.append(f"completion {plan.expected_completion_hours} h, rounds give {completion} h")
    if plan.meets_turnaround != (completion <= inp.turnaround_hours + _SLACK_HOURS):
        problems.append("meets_turnaround disagrees with the completion time")
    if abs(math.fsum(round_tubes) - plan.expected_tests) > tolerance * max(1.0, plan.expected_tests):
        problems.append("expected tests are not the sum of the rounds")
    if inp.analysers is None:
        if not plan.meets_turnaround:
            problems.append("the planned analysers miss the turnaround")
        if plan.analysers > 1 and (
            completion_hours(
                round_tubes, plan.analysers - 1, inp.tubes_per_run, run_hours, inp.transport_hours
            )
            <= inp.turnaround_hours + _SLACK_HOURS
        ):
            problems.append(f"{plan.analysers - 1} analysers would already meet the turnaround")
    if plan.shifts * inp.shift_hours < plan.expected_completion_hours - tolerance:
        problems.append("the shifts do not cover the completion time")
    return problems
