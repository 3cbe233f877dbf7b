"""Cost terms of the objective, one class each, all in metre-equivalents.

The objective is lexicographic: first fill as many places as possible, then
minimise the summed cost of the assignments. With only the base fields the
cost of an assignment is its distance in whole metres. The optional terms
below switch on only when the instance carries their data, and are weighted
by :class:`~muster.needs.dispatch.models.Weights` (metres per unit), so a
weight of 1000 means "worth walking one more kilometre for".

Arc terms depend on one (person, need) pair. The load term depends on how
many needs a person takes in the run, so it sits on the person's supply arcs
as an increasing marginal cost (convex, hence exact in a min-cost flow).
"""

from __future__ import annotations

import numpy as np

from .eligibility import Arcs
from .index import NeedTable, PeopleIndex
from .models import Weights


class Distance:
    """Great-circle metres, rounded half up: always on."""

    name = "distance"

    @staticmethod
    def active(idx: PeopleIndex, needs: NeedTable, w: Weights) -> bool:
        return True

    @staticmethod
    def arc_cost(idx: PeopleIndex, needs: NeedTable, arcs: Arcs, w: Weights) -> np.ndarray:
        return arcs.m.astype(np.int64)


class PreferHome:
    """Bonus ``w.prefer_home`` when the need is in the person's home region.

    Party members report to their home community: the bonus makes a home
    member win over a stranger up to ``prefer_home`` metres closer. Active when
    some need has a ``region`` that is some person's ``home_region``.
    """

    name = "prefer_home"

    @staticmethod
    def active(idx: PeopleIndex, needs: NeedTable, w: Weights) -> bool:
        return w.prefer_home > 0 and bool(np.any(needs.region >= 0))

    @staticmethod
    def arc_cost(idx: PeopleIndex, needs: NeedTable, arcs: Arcs, w: Weights) -> np.ndarray:
        region = needs.region[arcs.j]
        home = (region >= 0) & (idx.home[arcs.p] == region)
        return np.where(home, -w.prefer_home, 0).astype(np.int64)


def _popcount(a: np.ndarray) -> np.ndarray:
    return np.bitwise_count(a).astype(np.int64).sum(axis=1)


class SkillFit:
    """Bonus ``w.skill_fit`` for each of the need's ``preferred_skills`` the person holds.

    Active when some need lists preferred skills that someone holds.
    """

    name = "skill_fit"

    @staticmethod
    def active(idx: PeopleIndex, needs: NeedTable, w: Weights) -> bool:
        return w.skill_fit > 0 and bool(np.any(needs.preferred != 0))

    @staticmethod
    def arc_cost(idx: PeopleIndex, needs: NeedTable, arcs: Arcs, w: Weights) -> np.ndarray:
        return -w.skill_fit * _popcount(needs.preferred[arcs.j] & idx.skills[arcs.p])


class Load:
    """Fairness: each shift costs ``w.load`` per shift the person already has.

    The k-th need (k = 0, 1, ...) given to a person in this run costs
    ``w.load * (load + k)``: people with fewer shifts this week go first, and
    a person allowed several needs gets dearer with each one. Active when
    some person carries ``load``; a missing load then counts as 0.
    """

    name = "load"

    @staticmethod
    def active(idx: PeopleIndex, needs: NeedTable, w: Weights) -> bool:
        return idx.has_load and w.load > 0

    @staticmethod
    def slot_costs(idx: PeopleIndex, persons: np.ndarray, slots: np.ndarray, w: Weights) -> np.ndarray:
        """Marginal cost of a person's ``slots``-th need in the run (0-based)."""
        return w.load * (idx.load[persons] + slots)


ARC_TERMS = (Distance, PreferHome, SkillFit)


def arc_costs(idx: PeopleIndex, needs: NeedTable, arcs: Arcs, w: Weights) -> np.ndarray:
    """Sum of the active arc terms for each arc (int64)."""
    cost = np.zeros(len(arcs), dtype=np.int64)
    for term in ARC_TERMS:
        if term.active(idx, needs, w):
            cost += term.arc_cost(idx, needs, arcs, w)
    return cost


def first_slot_costs(idx: PeopleIndex, needs: NeedTable, persons: np.ndarray, w: Weights) -> np.ndarray:
    """Cost of giving each person one (their first) need in the run."""
    if Load.active(idx, needs, w):
        return Load.slot_costs(idx, persons, np.zeros(len(persons), dtype=np.int64), w)
    return np.zeros(len(persons), dtype=np.int64)
