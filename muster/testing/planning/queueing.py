"""Sizing sampling desks with the Erlang C (M/M/c) queue.

People arrive at random (Poisson) at ``people / window`` and each swab takes
an exponentially distributed time with the given mean; every desk serves the
one queue of its collection point, first come first served. This is the
steady-state model: it ignores the morning rush and the empty queue at
opening, which :mod:`.simulation` can show.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from .errors import PlanningError

# National guidance on sampling (see GUIDE.md section 1).
PEOPLE_PER_POINT = (2000, 3000)
PEOPLE_PER_DESK = (600, 800)
PEOPLE_PER_SAMPLER_24H = 360
DEFAULT_MAX_DESKS = 500


def erlang_b(servers: int, load: float) -> float:
    """Erlang B blocking probability for ``servers`` and offered ``load`` (Erlangs).

    Uses the recurrence ``B(c) = a B(c-1) / (c + a B(c-1))``, stable for
    hundreds of servers where the factorial formula overflows.
    """
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be non-negative")
    b = 1.0
    for c in range(1, servers + 1):
        b = load * b / (c + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Chance an arrival has to wait (Erlang C) with ``servers`` desks and
    offered ``load`` in Erlangs; 1.0 when the load reaches capacity."""
    if servers <= 0 or load >= servers:
        return 1.0
    if load <= 0:
        return 0.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


def mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean time in the queue before service, ``C(c, a) / (c mu - lambda)``,
    in the time unit of the rates; infinite when the queue is unstable."""
    load = arrival_rate / service_rate
    if load >= servers:
        return math.inf
    return erlang_c(servers, load) / (servers * service_rate - arrival_rate)


def p_wait_over(servers: int, arrival_rate: float, service_rate: float, t: float) -> float:
    """Chance of waiting longer than ``t``: ``C(c, a) exp(-(c mu - lambda) t)``."""
    load = arrival_rate / service_rate
    if load >= servers:
        return 1.0
    return erlang_c(servers, load) * math.exp(-(servers * service_rate - arrival_rate) * t)


class DeskPlanInput(BaseModel):
    """A population to sample in a window, and the waits that are acceptable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    people: int = Field(gt=0, description="People to sample in the window.")
    hours: float = Field(gt=0, description="Length of the sampling window in hours.")
    service_seconds: float = Field(default=30, gt=0, description="Mean time to register and swab one person.")
    max_mean_wait_minutes: float = Field(default=5, gt=0, description="Target mean wait in the queue.")
    wait_over_minutes: float = Field(
        default=10, ge=0, description="Report the chance of waiting longer than this."
    )
    max_p_wait_over: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Optional cap on the chance of waiting longer than wait_over_minutes.",
    )
    points: int = Field(
        default=1, ge=1, description="Collection points sharing the people evenly, one queue each."
    )
    max_desks: int = Field(default=DEFAULT_MAX_DESKS, ge=1, description="Most desks one point can hold.")


class Guidance(BaseModel):
    """The national rule-of-thumb figures, shown beside the queueing result."""

    model_config = ConfigDict(frozen=True)

    collection_points_min: int = Field(description="At 3,000 people per sampling point.")
    collection_points_max: int = Field(description="At 2,000 people per sampling point.")
    desks_min: int = Field(description="At 800 people per desk.")
    desks_max: int = Field(description="At 600 people per desk.")
    samplers_24h_round: int = Field(description="At 360 people per sampler, for a round done in 24 hours.")


class DeskPlan(BaseModel):
    """Desks needed, and the waits people can expect at them."""

    model_config = ConfigDict(frozen=True)

    erlangs: float = Field(description="Offered load: arrival rate times mean service time, all points.")
    desks: int = Field(description="Desks in total over all points.")
    mean_wait_minutes: float = Field(description="Mean wait in the queue before a desk.")
    p_wait: float = Field(description="Chance of waiting at all (Erlang C).")
    wait_over_minutes: float
    p_wait_over: float = Field(description="Chance of waiting longer than wait_over_minutes.")
    utilisation: float = Field(description="Share of desk time spent swabbing.")
    points: int
    desks_per_point: int
    erlangs_per_point: float
    arrivals_per_minute: float = Field(description="Arrival rate over all points.")
    people: int
    hours: float
    service_seconds: float
    guidance: Guidance


def guidance(people: int) -> Guidance:
    """Collection points, desks and samplers by the national guidance ratios."""
    return Guidance(
        collection_points_min=math.ceil(people / PEOPLE_PER_POINT[1]),
        collection_points_max=math.ceil(people / PEOPLE_PER_POINT[0]),
        desks_min=math.ceil(people / PEOPLE_PER_DESK[1]),
        desks_max=math.ceil(people / PEOPLE_PER_DESK[0]),
        samplers_24h_round=math.ceil(people / PEOPLE_PER_SAMPLER_24H),
    )


def _meets_targets(inp: DeskPlanInput, desks: int, arrival_rate: float, service_rate: float) -> bool:
    if mean_wait(desks, arrival_rate, service_rate) > inp.max_mean_wait_minutes * 60:
        return False
    if inp.max_p_wait_over is not None:
        return (
            p_wait_over(desks, arrival_rate, service_rate, inp.wait_over_minutes * 60) <= inp.max_p_wait_over
        )
    return True


def plan_desks(inp: DeskPlanInput) -> DeskPlan:
    """The fewest desks per collection point meeting the wait targets.

    Arrivals ``lambda = people / (hours * 3600)`` per second are split evenly
    over ``points``; each point is an M/M/c queue with ``mu = 1/service_seconds``.
    Picks the smallest ``c`` with mean wait at most ``max_mean_wait_minutes``
    (and, if set, chance of waiting over ``wait_over_minutes`` at most
    ``max_p_wait_over``). Raises :class:`PlanningError` when no ``c`` up to
    ``max_desks`` does.
    """
    arrival_rate = inp.people / (inp.hours * 3600)
    service_rate = 1 / inp.service_seconds
    rate_per_point = arrival_rate / inp.points
    load_per_point = rate_per_point / service_rate
    if load_per_point >= inp.max_desks:
        raise PlanningError(
            "max_desks",
            f"the offered load is {load_per_point:.2f} Erlangs per point, at or above "
            f"{inp.max_desks} desks: the queue would grow without bound "
            "(add points, widen the window or raise the cap)",
        )
    desks = math.floor(load_per_point) + 1  # the least c with a stable queue
    while not _meets_targets(inp, desks, rate_per_point, service_rate):
        desks += 1
        if desks > inp.max_desks:
            raise PlanningError(
                "max_desks",
                f"no point with up to {inp.max_desks} desks meets the wait targets "
                f"at {load_per_point:.2f} Erlangs per point",
            )
    wait_s = mean_wait(desks, rate_per_point, service_rate)
    return DeskPlan(
        erlangs=arrival_rate / service_rate,
        desks=desks * inp.points,
        mean_wait_minutes=wait_s / 60,
        p_wait=erlang_c(desks, load_per_point),
        wait_over_minutes=inp.wait_over_minutes,
        p_wait_over=p_wait_over(desks, rate_per_point, service_rate, inp.wait_over_minutes * 60),
        utilisation=load_per_point / desks,
        points=inp.points,
        desks_per_point=desks,
        erlangs_per_point=load_per_point,
        arrivals_per_minute=arrival_rate * 60,
        people=inp.people,
        hours=inp.hours,
        service_seconds=inp.service_seconds,
        guidance=guidance(inp.people),
    )


def validate_desk_plan(inp: DeskPlanInput, plan: DeskPlan, tolerance: float = 1e-9) -> list[str]:
    """Check a desk plan against its input: targets met, one desk fewer would
    not meet them, and the reported figures agree. Empty list means sound."""
    problems: list[str] = []
    rate = inp.people / (inp.hours * 3600) / inp.points
    mu = 1 / inp.service_seconds
    c = plan.desks_per_point
    if plan.desks != c * inp.points:
        problems.append(f"desks {plan.desks} is not {c} per point times {inp.points} points")
    if c > inp.max_desks:
        problems.append(f"{c} desks per point exceeds max_desks {inp.max_desks}")
    if not _meets_targets(inp, c, rate, mu):
        problems.append(f"{c} desks per point do not meet the wait targets")
    if c > 1 and _meets_targets(inp, c - 1, rate, mu):
        problems.append(f"{c - 1} desks per point would already meet the targets")
    if abs(plan.mean_wait_minutes - mean_wait(c, rate, mu) / 60) > tolerance:
        problems.append("mean wait does not match Erlang C")
    if not 0 < plan.utilisation < 1:
        problems.append(f"utilisation {plan.utilisation} outside (0, 1)")
    return problems
