"""One class per constraint or cost term of the rostering model."""

from __future__ import annotations

from ..problem import Problem
from .age import NightConsent, NightNotAllOld, NoNightOverAge
from .base import Rule
from .consecutive import (
    MaxConsecutiveNights,
    MaxConsecutiveShifts,
    MinConsecutiveDaysOff,
    MinConsecutiveShifts,
    RunFlow,
)
from .cover import CoverHardMin, CoverSoft
from .days_off import DaysOff
from .fairness import Fairness
from .hours import MaxMinutesPerDay, MaxMinutesPerWeek
from .pairs import Pairs
from .previous import PreviousRoster
from .requests import OffRequests, OnRequests
from .shift_limits import ShiftMaxima
from .successions import MinRest, Successions
from .symmetry import Symmetry
from .total_minutes import TotalMinutes
from .weekends import MaxWeekends

HARD_RULES: list[Rule] = [
    DaysOff(), ShiftMaxima(), MaxMinutesPerDay(), NightConsent(), NoNightOverAge(),
    Successions(), MinRest(), TotalMinutes(), MaxConsecutiveShifts(), MaxConsecutiveNights(), MinConsecutiveShifts(),
    MinConsecutiveDaysOff(), MaxWeekends(), MaxMinutesPerWeek(), CoverHardMin(), NightNotAllOld(),
]
SOFT_RULES: list[Rule] = [CoverSoft(), OnRequests(), OffRequests(), PreviousRoster(), Pairs(), Fairness()]
ALL_RULES: list[Rule] = HARD_RULES + SOFT_RULES + [Symmetry(), RunFlow()]


def rules_for(p: Problem, soft: bool = True) -> list[Rule]:
    rules = HARD_RULES + (SOFT_RULES + [Symmetry(), RunFlow()] if soft else [])
    return [r for r in rules if r.applies(p)]


def rule_for_key(key: tuple) -> Rule:
    for r in ALL_RULES:
        if key[0] in r.group_names():
            return r
    raise KeyError(key)


__all__ = ["ALL_RULES", "HARD_RULES", "SOFT_RULES", "Rule", "rule_for_key", "rules_for"]
