"""Input model of the rostering engine.

Everything the engine needs is in a :class:`RosterInput`; the Django app builds
one from its rows, the Curtois adapter builds one from a benchmark file. Days
are indexed from 0 over the horizon; a roster gives every employee one shift
type id, or ``""`` for a day off, per day.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# A shift counts as a night shift when it overlaps 22:00-06:00 by at least three
# hours: the usual labour-law reading of "night work".
NIGHT_START = 22 * 60
NIGHT_END = 6 * 60
NIGHT_MIN_OVERLAP = 180


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShiftType(_Model):
    id: str
    length_minutes: int = Field(gt=0)
    start_minute: int = Field(0, ge=0, lt=24 * 60, description="minutes after midnight")
    forbidden_successors: list[str] = Field(
        default_factory=list, description="shift types that may not be worked the next day"
    )
    name: str | None = None
    night: bool | None = Field(None, description="None: decided from the clock times")

    @property
    def is_night(self) -> bool:
        if self.night is not None:
            return self.night
        start, end = self.start_minute, self.start_minute + self.length_minutes
        overlap = 0
        # Night windows on the day the shift starts and the next one.
        for lo, hi in ((-24 * 60 + NIGHT_START, NIGHT_END), (NIGHT_START, 24 * 60 + NIGHT_END),
                       (2 * 24 * 60 - 120, 2 * 24 * 60 + NIGHT_END)):
            overlap += max(0, min(end, hi) - max(start, lo))
        return overlap >= NIGHT_MIN_OVERLAP

    def clock(self) -> str:
        """'01:00–06:30' style label of the shift's hours."""
        end = (self.start_minute + self.length_minutes) % (24 * 60)
        return f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}–{end // 60:02d}:{end % 60:02d}"


class Employee(_Model):
    id: str
    name: str | None = None
    max_shifts: dict[str, int] = Field(
        default_factory=dict, description="most shifts of each type over the horizon; missing = no limit"
    )
    min_total_minutes: int = 0
    max_total_minutes: int | None = None
    max_consecutive_shifts: int | None = None
    max_consecutive_nights: int | None = Field(None, ge=1, description="most night shifts on consecutive days")
    min_consecutive_shifts: int = Field(1, ge=1)
    min_consecutive_days_off: int = Field(1, ge=1)
    max_weekends: int | None = None
    days_off: list[int] = Field(default_factory=list, description="days the employee must not work")
    skills: list[str] = Field(default_factory=list)
    age: int | None = None
    night_ok: bool = Field(True, description="False: never on a night shift (no consent)")
    max_minutes_per_day: int | None = None
    max_minutes_per_week: int | None = Field(None, description="per calendar week, Monday to Sunday")
    min_rest_minutes: int | None = Field(None, description="overrides RosterInput.min_rest_minutes")

    @property
    def label(self) -> str:
        return self.name or self.id


class Cover(_Model):
    day: int = Field(ge=0)
    shift: str
    requirement: int = Field(ge=0)
    under_weight: int = Field(100, ge=0)
    over_weight: int = Field(1, ge=0)
    hard_min: int | None = Field(None, ge=0, description="headcount that must be met, a hard rule")
    skills: dict[str, int] = Field(
        default_factory=dict, description="hard minimum number of people with each skill"
    )


class ShiftRequest(_Model):
    employee: str
    day: int = Field(ge=0)
    shift: str | None = Field(None, description="for off-requests None means any shift that day")
    weight: int = Field(1, ge=0)


class PreviousRoster(_Model):
    """A published roster to stay close to when re-solving (minimal change)."""

    assignments: dict[str, list[str]]
    change_weight: int = Field(1, ge=0, description="cost of each changed employee-day")


class PairPreference(_Model):
    """Two people who want to work the same shifts (a couple, a buddy pair)."""

    employees: tuple[str, str]
    weight: int = Field(1, ge=0, description="cost of each day and shift one works without the other")


class Fairness(_Model):
    """Spread night or weekend work evenly: costs weight x (most - fewest)."""

    kind: Literal["night", "weekend"]
    weight: int = Field(1, ge=0)
    employees: list[str] | None = Field(None, description="None: everybody who may take such work")


class RosterInput(_Model):
    name: str = "roster"
    num_days: int = Field(gt=0)
    start_weekday: int = Field(0, ge=0, le=6, description="weekday of day 0, 0 = Monday")
    start_date: dt.date | None = None
    shift_types: list[ShiftType]
    employees: list[Employee]
    cover: list[Cover] = Field(default_factory=list)
    on_requests: list[ShiftRequest] = Field(default_factory=list)
    off_requests: list[ShiftRequest] = Field(default_factory=list)
    previous: PreviousRoster | None = None
    before: dict[str, list[str]] = Field(
        default_factory=dict,
        description="shifts worked on the days just before day 0, oldest first (\"\" = off): successions, "
                    "minimum rest and the longest runs of days and of nights count them",
    )
    after: dict[str, list[str]] = Field(
        default_factory=dict,
        description="shifts already set for the days just after the last day, first day first (e.g. next "
                    "week's published roster): the same rules look ahead at them",
    )
    pairs: list[PairPreference] = Field(default_factory=list)
    fairness: list[Fairness] = Field(default_factory=list)
    min_rest_minutes: int | None = Field(None, description="rest between the end of one shift and the next")
    no_night_over_age: int | None = Field(None, description="nobody older than this on a night shift")
    night_needs_age_at_most: int | None = Field(
        None, description="never only people older than this on a night shift"
    )

    @model_validator(mode="after")
    def _check_references(self) -> RosterInput:
        shifts = {s.id for s in self.shift_types}
        emps = {e.id for e in self.employees}
        if len(shifts) != len(self.shift_types):
            raise ValueError("shift type ids must be unique")
        if len(emps) != len(self.employees):
            raise ValueError("employee ids must be unique")
        if "" in shifts:
            raise ValueError("'' is reserved for a day off")
        for shift in self.shift_types:
            for t in shift.forbidden_successors:
                if t not in shifts:
                    raise ValueError(f"shift {shift.id}: unknown successor {t}")
        for e in self.employees:
            for s in e.max_shifts:
                if s not in shifts:
                    raise ValueError(f"employee {e.id}: unknown shift type {s}")
            for d in e.days_off:
                if not 0 <= d < self.num_days:
                    raise ValueError(f"employee {e.id}: day off {d} outside the horizon")
        seen = set()
        for c in self.cover:
            if c.shift not in shifts or c.day >= self.num_days:
                raise ValueError(f"cover {c.day}/{c.shift}: unknown shift or day outside the horizon")
            if (c.day, c.shift) in seen:
                raise ValueError(f"cover {c.day}/{c.shift} given twice")
            seen.add((c.day, c.shift))
        for kind, reqs in (("on", self.on_requests), ("off", self.off_requests)):
            for r in reqs:
                if r.employee not in emps or r.day >= self.num_days:
                    raise ValueError(f"{kind}-request {r}: unknown employee or day outside the horizon")
                if r.shift is None and kind == "on":
                    raise ValueError("an on-request needs a shift")
                if r.shift is not None and r.shift not in shifts:
                    raise ValueError(f"{kind}-request {r}: unknown shift {r.shift}")
        if self.previous:
            for eid, days in self.previous.assignments.items():
                if eid not in emps:
                    raise ValueError(f"previous roster: unknown employee {eid}")
                for s in days:
                    if s and s not in shifts:
                        raise ValueError(f"previous roster: unknown shift {s}")
        for where, given in (("before", self.before), ("after", self.after)):
            for eid, days in given.items():
                if eid not in emps:
                    raise ValueError(f"days {where} the roster: unknown employee {eid}")
                for s in days:
                    if s and s not in shifts:
                        raise ValueError(f"days {where} the roster: unknown shift {s}")
        for p in self.pairs:
            if p.employees[0] not in emps or p.employees[1] not in emps or p.employees[0] == p.employees[1]:
                raise ValueError(f"pair {p.employees}: needs two different known employees")
        for f in self.fairness:
            for eid in f.employees or []:
                if eid not in emps:
                    raise ValueError(f"fairness: unknown employee {eid}")
        return self

    # --- calendar helpers shared by the solver, the validator and the explanations

    def weekday(self, day: int) -> int:
        return (self.start_weekday + day) % 7

    def weekend_of(self, day: int) -> int | None:
        """Index of the weekend a Saturday or Sunday belongs to, else None."""
        if self.weekday(day) < 5:
            return None
        return (self.start_weekday + day) // 7

    def week_of(self, day: int) -> int:
        """Index of the Monday-to-Sunday week a day belongs to."""
        return (self.start_weekday + day) // 7

    def day_label(self, day: int) -> str:
        name = WEEKDAYS[self.weekday(day)]
        if self.start_date is not None:
            date = self.start_date + dt.timedelta(days=day)
            return f"{name} {date.day} {date:%b}"
        if self.num_days <= 7:
            return name
        return f"{name} (day {day + 1})"


Roster = dict[str, list[str]]
"""Employee id -> one shift type id (or "" for off) per day."""
