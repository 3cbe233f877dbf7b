"""A small discrete-event simulation of the desk queue, to check Erlang C.

Poisson arrivals, exponential swab times, ``desks`` servers on one first-come
first-served queue: the same M/M/c model as :mod:`.queueing`, simulated
instead of solved, with the standard library's seeded ``random`` so that a
run is reproducible. ``mode="steady"`` measures a long run after a warm-up
(what Erlang C predicts); ``mode="window"`` runs one sampling day from an
empty queue, arrivals stopping when the window closes.
"""

from __future__ import annotations

import heapq
import random
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SimulationInput(BaseModel):
    """The queue to simulate and how long to run it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    people: int = Field(gt=0, description="People arriving over the window (sets the arrival rate).")
    hours: float = Field(gt=0, description="Window length in hours.")
    service_seconds: float = Field(default=30, gt=0, description="Mean swab time.")
    desks: int = Field(ge=1, description="Desks serving the one queue.")
    mode: Literal["steady", "window"] = "steady"
    customers: int = Field(default=50_000, ge=1, description="Arrivals measured in steady mode.")
    warmup: int = Field(
        default=5_000, ge=0, description="Arrivals discarded before measuring in steady mode."
    )
    wait_over_minutes: float = Field(default=10, ge=0)
    seed: int = 0


class SimulationResult(BaseModel):
    """Waits observed in the simulated queue."""

    model_config = ConfigDict(frozen=True)

    customers: int = Field(description="Arrivals measured.")
    mean_wait_minutes: float
    p_wait: float = Field(description="Share of measured arrivals who waited at all.")
    wait_over_minutes: float
    p_wait_over: float
    max_wait_minutes: float
    last_departure_hours: float = Field(description="When the last measured person left a desk.")


def simulate_queue(inp: SimulationInput) -> SimulationResult:
    """Simulate the M/M/c desk queue and report the waits observed.

    Each arrival takes the desk that frees up first; with one FIFO queue that
    is exactly the order a queue marshal would send people in.
    """
    rng = random.Random(inp.seed)
    arrival_rate = inp.people / (inp.hours * 3600)
    service_rate = 1 / inp.service_seconds
    free_at = [0.0] * inp.desks  # heap of times each desk next falls free
    threshold = inp.wait_over_minutes * 60
    window_end = inp.hours * 3600

    total_wait = 0.0
    waited = over = measured = 0
    max_wait = last_departure = 0.0
    t = 0.0
    index = 0
    while True:
        t += rng.expovariate(arrival_rate)
        if inp.mode == "window":
            if t > window_end:
                break
        elif index >= inp.warmup + inp.customers:
            break
        start = max(t, free_at[0])
        departure = start + rng.expovariate(service_rate)
        heapq.heapreplace(free_at, departure)
        if inp.mode == "window" or index >= inp.warmup:
            wait = start - t
            total_wait += wait
            measured += 1
            waited += wait > 0
            over += wait > threshold
            max_wait = max(max_wait, wait)
            last_departure = max(last_departure, departure)
        index += 1

    count = max(measured, 1)
    return SimulationResult(
        customers=measured,
        mean_wait_minutes=total_wait / count / 60,
        p_wait=waited / count,
        wait_over_minutes=inp.wait_over_minutes,
        p_wait_over=over / count,
        max_wait_minutes=max_wait / 60,
        last_departure_hours=last_departure / 3600,
    )
