"""Hand changes to a roster (a cover, a trade): which hard rules they would break, in words.

Judged with the engine's validator against the published roster around the change, so that only
rules a change newly breaks count.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from muster.rosters.models import Assignment, Post, Roster
from muster.rosters.solving.build import build_input, days_around, emp_id, published_grid, sid
from muster.rosters.solving.plan import day_label
from muster.rosters.solving.words import violation_words


class ChangeCheck:
    """The hard rules hand changes (a cover, a trade) would break, judged against the published roster around them.

    Built once for a span of days and asked about many changes: the swap form asks it about every
    shift it could offer. Only rules a change newly breaks count, so a week already short of people
    does not block a fair trade. Days outside the span are refused (a shift from another roster
    used to land on a wrong day and read as '… already has a shift on Thursday').
    """

    def __init__(self, post: Post, first: dt.date, last: dt.date):
        from muster.rosters.solver.validate import validate

        self.start = first - dt.timedelta(days=first.weekday())
        weeks = (last - self.start).days // 7 + 1
        self.built = build_input(post, self.start, weeks, **days_around(post, self.start, weeks))
        self.days = self.built.plan.days
        self.known = {e.id for e in self.built.inp.employees}
        self.shift_ids = {st.id for st in self.built.inp.shift_types}
        grid = published_grid(post, self.start, self.days)
        self.grid = {e: [k if k in self.shift_ids else "" for k in row] for e, row in grid.items() if e in self.known}
        for e in self.known:
            self.grid.setdefault(e, [""] * self.days)
        self.base = {self._key(v) for v in validate(self.built.inp, self.grid).violations}

    @staticmethod
    def _key(v) -> tuple:
        return (v.rule, v.employee, v.day, v.shift)

    def problems(self, moves: list[tuple[Assignment, object]]) -> list[str]:
        """Each (shift, person taking it) applied together; the reasons it may not be, in words, or []."""
        from muster.rosters.solver.validate import validate

        grid = {e: list(row) for e, row in self.grid.items()}
        problems = []
        for a, person in moves:
            if not 0 <= (a.date - self.start).days < self.days:
                problems.append(_("The shift on %(day)s is outside the weeks being changed.") % {"day": day_label(a.date)})
            elif emp_id(person.pk) not in self.known:
                problems.append(_("%(name)s is not on this post's team.") % {"name": person.name})
        if problems:
            return problems
        for a, _person in moves:
            grid.get(emp_id(a.person_id), [""] * self.days)[(a.date - self.start).days] = ""
        for a, person in moves:
            d = (a.date - self.start).days
            row = grid[emp_id(person.pk)]
            if row[d]:
                problems.append(_("%(name)s already has a shift on %(day)s.") % {"name": person.name, "day": day_label(a.date)})
            key = sid(a.band.key) if a.band_id else ""
            row[d] = key if key in self.shift_ids else ""
        if problems:
            return problems
        fresh = [v for v in validate(self.built.inp, grid).violations if self._key(v) not in self.base]
        return violation_words(self.built, fresh[:5])


def swap_options(assignment: Assignment, other, now: dt.datetime | None = None) -> tuple[list[Assignment], list[tuple[Assignment, list[str]]]]:
    """`other`'s coming shifts at the same post, within two weeks, that may be traded for `assignment`, and those that may not, with why."""
    now = now or timezone.now()
    theirs = list(Assignment.objects.filter(post_id=assignment.post_id, person=other, roster__status=Roster.Status.PUBLISHED,
                                            starts_at__gt=now, date__gte=assignment.date - dt.timedelta(days=14),
                                            date__lte=assignment.date + dt.timedelta(days=14))
                  .select_related("band", "person").order_by("starts_at"))
    if not theirs:
        return [], []
    check = ChangeCheck(assignment.post, min(assignment.date, theirs[0].date), max(assignment.date, theirs[-1].date))
    me = assignment.person
    allowed, refused = [], []
    for b in theirs:
        why = check.problems([(assignment, other), (b, me)])
        (refused.append((b, why)) if why else allowed.append(b))
    return allowed, refused


def check_change(roster: Roster, moves: list[tuple[Assignment, object]]) -> list[str]:
    """Hard rules a hand change (swap or cover) would break, in words; empty when it is fine."""
    from muster.rosters.solver.validate import validate

    if roster.status == Roster.Status.PUBLISHED:
        dates = [a.date for a, _p in moves]
        return ChangeCheck(roster.post, min(dates), max(dates)).problems(moves)
    # A roster not yet published is judged on its own shifts.
    built = build_input(roster.post, roster.start, roster.weeks, **days_around(roster.post, roster.start, roster.weeks))
    grid: dict[str, list[str]] = {}
    for a in roster.assignments.select_related("band"):
        grid.setdefault(emp_id(a.person_id), [""] * built.plan.days)[(a.date - roster.start).days] = sid(a.band.key) if a.band_id else ""
    known = {e.id for e in built.inp.employees}
    problems = []
    for a, person in moves:
        d = (a.date - roster.start).days
        old, new = emp_id(a.person_id), emp_id(person.pk)
        if new not in known:
            problems.append(_("%(name)s is not on this post's team.") % {"name": person.name})
            continue
        grid.setdefault(old, [""] * built.plan.days)[d] = ""
    for a, person in moves:
        d = (a.date - roster.start).days
        row = grid.setdefault(emp_id(person.pk), [""] * built.plan.days)
        key = sid(a.band.key) if a.band_id else ""
        if row[d]:
            problems.append(_("%(name)s already has a shift on %(day)s.") % {"name": person.name, "day": day_label(a.date)})
        row[d] = key
    if problems:
        return problems
    grid = {e: row for e, row in grid.items() if e in known}
    for e in known:
        grid.setdefault(e, [""] * built.plan.days)
    report = validate(built.inp, grid)
    return violation_words(built, report.violations[:5])
