"""Output model of the rostering engine."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class SolveStatus(StrEnum):
    OPTIMAL = "OPTIMAL"  # proven best roster
    FEASIBLE = "FEASIBLE"  # a roster meeting every hard rule, not proven best
    INFEASIBLE = "INFEASIBLE"  # the hard rules cannot all be met
    UNKNOWN = "UNKNOWN"  # time ran out before any roster was found
    MODEL_INVALID = "MODEL_INVALID"  # a bug: the model handed to CP-SAT was malformed


class PenaltyItem(BaseModel):
    """One soft-rule cost: what was not met and what it cost."""

    rule: str
    amount: int
    message: str
    employee: str | None = None
    day: int | None = None
    shift: str | None = None
    # The figures and names the message is made of, so an app can say it again in its own language.
    facts: dict[str, int | str] = Field(default_factory=dict)


class Penalty(BaseModel):
    """Total cost of one soft rule."""

    rule: str
    amount: int
    count: int


class Violation(BaseModel):
    """A broken hard rule, in words."""

    rule: str
    message: str
    employee: str | None = None
    day: int | None = None
    shift: str | None = None  # for the cover rules: which shift of that day


class ValidationReport(BaseModel):
    violations: list[Violation] = Field(default_factory=list)
    objective: int = 0
    penalties: list[Penalty] = Field(default_factory=list)
    items: list[PenaltyItem] = Field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.violations


class Conflict(BaseModel):
    """One rule taking part in a minimal set of hard rules that cannot all hold."""

    rule: str
    key: list[str | int]
    message: str


class Explanation(BaseModel):
    """Why no roster exists: a minimal set of rules that together cannot be met."""

    summary: str
    conflicts: list[Conflict] = Field(default_factory=list)
    minimal: bool = Field(True, description="False when shrinking the set ran out of time")


class Progress(BaseModel):
    """Sent to the progress callback each time a better roster is found."""

    seconds: float
    objective: int
    lower_bound: int | None = None
    phase: str = ""


class SolveResult(BaseModel):
    status: SolveStatus
    objective: int | None = None
    lower_bound: int | None = None
    seconds: float = 0.0
    roster: dict[str, list[str]] | None = None
    penalties: list[Penalty] = Field(default_factory=list)
    items: list[PenaltyItem] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)
    valid: bool = False
    explanation: Explanation | None = None
    stats: dict[str, float | int | str] = Field(default_factory=dict)
