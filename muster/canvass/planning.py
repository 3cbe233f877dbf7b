"""Cutting a campaign's doors into walk lists: pure, no Django (tests/test_engines_pure.py imports it alone).

A visitor walks a stairwell from top to bottom, so a unit (单元) is never split; whole buildings stay
together as long as the balance allows. The cut walks units in address order and closes a list once it
reaches its share, so each list is a run of neighbouring doors and lists differ by at most one unit.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    building: Hashable
    unit: str
    households: int


def cut(units: Sequence[Unit], lists: int) -> list[list[Unit]]:
    """Split `units` (in walking order) into at most `lists` runs balanced by households.

    Each run closes when the households taken so far reach the running share (total × k / lists),
    whichever side of the boundary is closer: every list is within one unit of its share.
    """
    if lists < 1:
        raise ValueError("lists must be at least 1")
    units = [u for u in units if u.households > 0]
    total = sum(u.households for u in units)
    if not units:
        return []
    lists = min(lists, len(units))
    out: list[list[Unit]] = [[] for _ in range(lists)]
    k = 0
    taken = 0
    for i, u in enumerate(units):
        units_left = len(units) - i
        # Keep enough units for the lists still empty.
        if out[k] and k < lists - 1:
            boundary = total * (k + 1) / lists
            before, after = abs(boundary - taken), abs(boundary - (taken + u.households))
            if before <= after or units_left <= lists - 1 - k:
                k += 1
        out[k].append(u)
        taken += u.households
    return [r for r in out if r]


def imbalance(runs: list[list[Unit]]) -> int:
    """Largest minus smallest households per list (the test and the bench report it)."""
    sizes = [sum(u.households for u in r) for r in runs]
    return max(sizes) - min(sizes) if sizes else 0
