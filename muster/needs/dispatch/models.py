"""Input and output of the dispatch engine (pydantic models, no Django).

The Django app converts ORM rows into an :class:`Instance`, calls
:func:`muster.needs.dispatch.solve`, and reads back a :class:`Proposal`. The
JSON form of both is what ``muster dispatch solve`` reads and prints.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)
from pydantic_core import PydanticCustomError


@lru_cache(maxsize=1 << 16)
def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _parse_time(value):
    # A city's availability repeats the same few shift boundaries hundreds of
    # thousands of times: parse each string once and share the (immutable)
    # datetime. Anything fromisoformat rejects goes to pydantic's own parser,
    # which then reports the error.
    if isinstance(value, str):
        try:
            return _iso(value)
        except ValueError:
            return value
    return value


Time = Annotated[AwareDatetime, BeforeValidator(_parse_time)]
Id = Annotated[str, Field(min_length=1)]
Lat = Annotated[float, Field(ge=-90.0, le=90.0)]
Lon = Annotated[float, Field(ge=-180.0, le=180.0)]


def _window_ordered(window: tuple[datetime, datetime]) -> tuple[datetime, datetime]:
    if window[1] <= window[0]:
        raise PydanticCustomError(
            "window_order", "availability window must end after it starts ({start} >= {end})",
            {"start": window[0].isoformat(), "end": window[1].isoformat()},
        )
    return window


Window = Annotated[tuple[Time, Time], AfterValidator(_window_ordered)]


class _Input(BaseModel):
    # Unknown keys are errors: a typo such as "prefered_skills" would otherwise
    # silently switch a cost term off.
    model_config = ConfigDict(extra="forbid")


class Need(_Input):
    """A community's call for hands: ``places`` people with ``skills`` at a place and time."""

    id: Id
    lat: Lat
    lon: Lon
    places: int = Field(ge=0)
    skills: list[str] = Field(default_factory=list, description="all required")
    start: Time
    end: Time
    region: str | None = Field(default=None, description="community code, for the prefer_home bonus")
    affiliations: list[str] = Field(
        default_factory=list, description="if non-empty, the person must hold at least one of them"
    )
    preferred_skills: list[str] = Field(default_factory=list, description="each one held earns the skill_fit bonus")

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: datetime, info) -> datetime:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise PydanticCustomError(
                "end_before_start", "end must be after start ({start} >= {end})",
                {"start": start.isoformat(), "end": end.isoformat()},
            )
        return end


class Person(_Input):
    """Someone who can report: where they are, what they can do, when they are free."""

    id: Id
    lat: Lat
    lon: Lon
    skills: list[str] = Field(default_factory=list)
    available: list[Window] = Field(default_factory=list)
    load: int | None = Field(default=None, ge=0, description="shifts already worked this week")
    home_region: str | None = None
    affiliations: list[str] = Field(default_factory=list)
    max_assignments: int = Field(default=1, ge=1, description="needs per run; the needs must not overlap in time")


class Weights(_Input):
    """Metre-equivalents of the optional cost terms (see README, "Cost terms")."""

    load: int = Field(default=1000, ge=0, le=1_000_000, description="per shift the person already has")
    prefer_home: int = Field(default=2000, ge=0, le=1_000_000, description="bonus for a need in the home region")
    skill_fit: int = Field(default=500, ge=0, le=1_000_000, description="bonus per preferred skill held")


def _unique_ids(items: list, what: str) -> list:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in seen:
            raise PydanticCustomError(
                "duplicate_id", "duplicate {what} id '{id}' at indexes {first} and {second}",
                {"what": what, "id": item.id, "first": seen[item.id], "second": i},
            )
        seen[item.id] = i
    return items


class Instance(_Input):
    """One dispatch run: open needs, available people, and the walking radius."""

    needs: list[Need] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    max_km: float = Field(ge=0.0, le=20_016.0)
    weights: Weights = Field(default_factory=Weights)

    @field_validator("needs")
    @classmethod
    def _unique_needs(cls, needs: list[Need]) -> list[Need]:
        return _unique_ids(needs, "need")

    @field_validator("people")
    @classmethod
    def _unique_people(cls, people: list[Person]) -> list[Person]:
        return _unique_ids(people, "person")


class Assignment(BaseModel):
    need: str
    person: str
    m: int = Field(description="great-circle metres, rounded half up")
    reason: str = ""
    cost: int = Field(default=0, description="objective contribution: m plus optional terms")


class Unfilled(BaseModel):
    need: str
    open: int = Field(description="places left empty")


Status = Literal["optimal", "feasible", "heuristic"]


class Proposal(BaseModel):
    """The engine's answer. ``filled``, ``total_m`` and ``assignments`` are the contract."""

    filled: int
    total_m: int
    assignments: list[Assignment]
    cost: int = Field(default=0, description="total objective: total_m plus optional terms")
    status: Status = Field(
        default="optimal",
        description="optimal: proven lexicographic optimum; feasible: time limit hit; heuristic: baseline",
    )
    unfilled: list[Unfilled] = Field(default_factory=list)
