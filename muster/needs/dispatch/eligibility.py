"""Who may fill which need: one vectorised function per rule.

Every rule takes the people index, the need table and parallel arrays of
person rows ``p`` and need rows ``j``, and returns a boolean mask. The
validator re-checks the same rules one assignment at a time, in plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .geo import chord_for, haversine_m, round_m
from .index import NeedTable, PeopleIndex


def has_required_skills(idx: PeopleIndex, needs: NeedTable, p: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The person holds every skill the need asks for."""
    if needs.skills.shape[1] == 1:
        return (needs.skills[:, 0][j] & ~idx.skills[:, 0][p]) == 0
    return ~np.any((needs.skills[j] & ~idx.skills[p]) != 0, axis=1)


def has_affiliation(idx: PeopleIndex, needs: NeedTable, p: np.ndarray, j: np.ndarray) -> np.ndarray:
    """If the need names affiliations, the person holds at least one of them."""
    shared = np.any((needs.affs[j] & idx.affs[p]) != 0, axis=1)
    return ~needs.has_affs[j] | shared


def window_covers(idx: PeopleIndex, needs: NeedTable, p: np.ndarray, j: np.ndarray) -> np.ndarray:
    """One availability window of the person contains the need's whole time.

    With a span table (few distinct need times) this is one look-up per
    pair. Otherwise: among the person's windows that start no later than the
    need, the one reaching furthest decides, found by one binary search.
    """
    if (table := needs.spans) is not None:
        span, covers = table
        return covers.ravel()[span[j] * idx.size + p]
    if len(idx.win_key) == 0:
        return np.zeros(len(p), dtype=bool)
    r = len(idx.times) + 1
    base = p * r
    at = np.searchsorted(idx.win_key, base + needs.rank_start[j], side="right") - 1
    at_c = np.maximum(at, 0)
    same_person = (at >= 0) & (idx.win_key[at_c] // r == p)
    return same_person & (idx.win_reach[at_c] >= base + needs.rank_end[j])


def within_distance(idx: PeopleIndex, needs: NeedTable, p: np.ndarray, j: np.ndarray,
                    radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Great-circle distance at most ``radius_m``; returns (mask, metres as float)."""
    # A cheap chord test first drops most grid neighbours before the trig.
    q = needs.xyz[j]
    dx = idx.x[p] - q[:, 0]
    dy = idx.y[p] - q[:, 1]
    dz = idx.z[p] - q[:, 2]
    near = np.nonzero(dx * dx + dy * dy + dz * dz <= chord_for(radius_m) ** 2)[0]
    d = np.full(len(p), np.inf)
    d[near] = haversine_m(idx.lat[p[near]], idx.lon[p[near]], needs.lat[j[near]], needs.lon[j[near]])
    return d <= radius_m, d


@dataclass
class Arcs:
    """Eligible (person, need) pairs with their rounded distance."""

    p: np.ndarray  # int64 person rows
    j: np.ndarray  # int64 need rows
    m: np.ndarray  # int64 metres

    def __len__(self) -> int:
        return len(self.p)

    def take(self, sel) -> Arcs:
        return Arcs(self.p[sel], self.j[sel], self.m[sel])


def filter_pairs(idx: PeopleIndex, needs: NeedTable, p: np.ndarray, j: np.ndarray, radius_m: float,
                 prechecked: bool = False) -> Arcs:
    """Apply every rule to candidate pairs; cheap look-ups first so the trig sees fewer pairs.

    ``prechecked``: the pairs are known to pass the window and skill rules.
    """
    if not prechecked:
        if needs.covers is not None:
            keep = window_covers(idx, needs, p, j)
            p, j = p[keep], j[keep]
        keep = has_required_skills(idx, needs, p, j)
        p, j = p[keep], j[keep]
    if needs.has_affs.any():
        keep = has_affiliation(idx, needs, p, j)
        p, j = p[keep], j[keep]
    ok, d = within_distance(idx, needs, p, j, radius_m)
    p, j, d = p[ok], j[ok], d[ok]
    if needs.covers is None and not prechecked:
        keep = window_covers(idx, needs, p, j)
        p, j, d = p[keep], j[keep], d[keep]
    return Arcs(p, j, round_m(d))


# Grouping needs costs one pass over everyone per group: worth it while
# groups x people stays below this.
_MAX_GROUP_WORK = 200_000_000


def need_groups(idx: PeopleIndex, needs: NeedTable, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Need rows grouped by (time span, required skills), each with the people passing both rules.

    Shifts and roles repeat, so there are few groups; searching each group's
    people only skips the pairs those rules would reject. None when there
    is no span table or too many groups.
    """
    if (table := needs.spans) is None or len(rows) == 0:
        return None
    span_of, covers = table
    skill_sets, skill_of = np.unique(needs.skills[rows], axis=0, return_inverse=True)
    key = span_of[rows] * len(skill_sets) + skill_of.ravel()
    groups, group_of = np.unique(key, return_inverse=True)
    if len(groups) * idx.size > _MAX_GROUP_WORK:
        return None
    order = np.argsort(group_of.ravel(), kind="stable")
    cuts = np.searchsorted(group_of.ravel()[order], np.arange(len(groups) + 1))
    out = []
    for g, k in enumerate(groups.tolist()):
        span, skill = divmod(k, len(skill_sets))
        ok = covers[span] & ~np.any((skill_sets[skill] & ~idx.skills) != 0, axis=1)
        out.append((rows[order[cuts[g]:cuts[g + 1]]], np.nonzero(ok)[0]))
    return out


def eligible_arcs(idx: PeopleIndex, needs: NeedTable, radius_m: float, rows: np.ndarray | None = None) -> Arcs:
    """Every eligible pair for the given need rows (default: all with places)."""
    if rows is None:
        rows = np.nonzero(needs.possible & (needs.places > 0))[0]
    groups = need_groups(idx, needs, rows)
    if groups is None:
        parts = [filter_pairs(idx, needs, p, j, radius_m)
                 for j, p in idx.candidate_chunks(needs, rows, radius_m)]
    else:
        parts = [filter_pairs(idx, needs, p, j, radius_m, prechecked=True)
                 for group_rows, members in groups if len(members)
                 for j, p in idx.candidate_chunks(needs, group_rows, radius_m, subset=members)]
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Arcs(empty, empty.copy(), empty.copy())
    return Arcs(*(np.concatenate([getattr(a, f) for a in parts]) for f in ("p", "j", "m")))
