"""Applying a solve's outcome to the roster: its shifts and figures when ready, its reasons when not.

Only a roster the engine's validator passed is stored, and it is stored whole (one transaction), so a
coordinator never sees half a roster or one that breaks a hard rule.
"""

from __future__ import annotations

from muster.core.transactions import atomic
from muster.rosters.models import Assignment, Roster
from muster.rosters.solving.build import Built, emp_id, key_of
from muster.rosters.solving.plan import band_span
from muster.rosters.solving.words import penalty_words


def progress(roster_id: int, trail: list[dict], objective, lower_bound) -> None:
    """The solve's latest figures, for the page that polls the roster."""
    Roster.objects.filter(pk=roster_id).update(progress=trail, objective=objective, lower_bound=lower_bound)


def failed(roster_id: int, problems: list, **done) -> None:
    """No roster: the reasons, in words, for the coordinator."""
    Roster.objects.filter(pk=roster_id).update(status=Roster.Status.FAILED, problems=problems, **done)


def ready(roster: Roster, built: Built, result, report, previous: dict[str, list[str]], **done) -> None:
    """A validated roster: its shifts replace any stored before, with its penalties and changes against `previous`."""
    changes = None
    if previous:
        changes = sum(1 for e, row in result.roster.items() for d, k in enumerate(row)
                      if k != previous.get(e, [""] * len(row))[d])
    rows = assignments(roster, built, result.roster)
    with atomic():
        Assignment.objects.filter(roster=roster).delete()
        Assignment.objects.bulk_create(rows)
        Roster.objects.filter(pk=roster.pk).update(
            status=Roster.Status.READY, objective=report.objective, lower_bound=result.lower_bound,
            penalties=penalties(report, built), changes=changes, **done)


def penalties(report, built: Built) -> list[dict]:
    """The validator's soft-rule costs grouped by rule, largest first, with a few examples each (in the coordinator's words)."""
    by_rule: dict[str, dict] = {}
    for it in report.items:
        row = by_rule.setdefault(it.rule, {"rule": it.rule, "amount": 0, "count": 0, "examples": []})
        row["amount"] += it.amount
        row["count"] += 1
        if len(row["examples"]) < 5:
            row["examples"].append(penalty_words(built, it))
    return sorted(by_rule.values(), key=lambda r: -r["amount"])


def assignments(roster: Roster, built: Built, grid: dict[str, list[str]]) -> list[Assignment]:
    """The engine's grid as unsaved Assignment rows of the roster."""
    rows = []
    for m in built.plan.members:
        row = grid.get(emp_id(m.person_id), [])
        for d, shift_id in enumerate(row):
            if not shift_id:
                continue
            band = built.band_at.get((d, key_of(shift_id)))
            if band is None:  # validator allows it (soft over-cover) but there is no band: do not store a ghost shift
                continue
            date = built.plan.date(d)
            a, z = band_span(date, band)
            rows.append(Assignment(roster=roster, post=roster.post, person_id=m.person_id, band=band, date=date,
                                   line=band.line, starts_at=a, ends_at=z))
    return rows
