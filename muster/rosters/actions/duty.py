"""Writes to the duty log: check-ins (own, by QR, or a stand-in entered by the coordinator), notes, missed shifts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.accounts.selectors import region_leads
from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.notifications import actions as notifications
from muster.people import fitness
from muster.people.models import Person
from muster.rosters.actions.common import manage
from muster.rosters.audits import Audit
from muster.rosters.models import Assignment, CheckIn, DutyNote, Post, Roster, TeamMember

# How early before a shift and how late into it a check-in counts for that shift.
CHECKIN_EARLY = dt.timedelta(minutes=60)


def _current_assignment(post: Post, person: Person, at: dt.datetime) -> Assignment | None:
    """The shift the person keeps now: rostered to them, or one the coordinator recorded them standing in for."""
    return (Assignment.objects.filter(Q(person=person) | Q(checkins__person=person, checkins__method=CheckIn.Method.COORDINATOR),
                                      post=post, roster__status=Roster.Status.PUBLISHED,
                                      starts_at__lte=at + CHECKIN_EARLY, ends_at__gt=at)
            .order_by("starts_at").first())


def _minutes_left(assignment: Assignment, at: dt.datetime) -> int:
    """Minutes of the shift from `at` (or its start) to its end: what somebody who takes it over serves."""
    return max(0, int((assignment.ends_at - max(at, assignment.starts_at)).total_seconds() // 60))


def shift_duty(post: Post, assignment: Assignment | None, now: dt.datetime) -> fitness.Duty:
    """The rest of a shift (or, without one, the hour from now) as the fitness question sees it, with the post's minimum age."""
    start, end = (max(now, assignment.starts_at), assignment.ends_at) if assignment else (now, now + dt.timedelta(hours=1))
    return fitness.Duty.spanning(fitness.Kind.ROSTER, start, max(end, start + dt.timedelta(minutes=1)), min_age=post.min_age)


def checkin(*, actor, post: Post, method: str = CheckIn.Method.TAP, person: Person | None = None,
            assignment: Assignment | None = None) -> CheckIn:
    """Record somebody on duty now. A member checks themselves in; a coordinator may enter a stand-in for a shift."""
    now = timezone.now()
    if person is None or person.pk == getattr(actor, "person_id", None):
        if not getattr(actor, "person_id", None):
            raise Forbidden(_("Your account is not linked to a person in the registry."))
        person = actor.person
        if not TeamMember.objects.filter(post=post, person=person).exists() and not Scope.of(actor).covers(post.region, MANAGERS):
            raise Forbidden(_("You are not on this post's team."))
        assignment = _current_assignment(post, person, now)
        if assignment is None:
            raise InvalidInput(_("You have no shift at this post now."), field="post")
        entered = CheckIn.objects.filter(assignment=assignment, person=person, method=CheckIn.Method.COORDINATOR).first()
        if entered is not None:
            # The coordinator already put them on duty; their own scan confirms it rather than failing.
            return entered
    else:
        manage(actor, post)
        method = CheckIn.Method.COORDINATOR
        if assignment is None or assignment.post_id != post.id:
            raise InvalidInput(_("Choose the shift the stand-in covered."), field="assignment")
    # Rostered while fit, unfit since (a recall, a contact flag, quarantine): not on duty.
    fitness.require_fit(person, shift_duty(post, assignment, now))
    stand_in = assignment is not None and person.pk != assignment.person_id
    # A stand-in serves from when they are put on duty, not from the rostered person's start; the
    # rostered person, if they had checked in, is credited up to the hand-over.
    minutes = (_minutes_left(assignment, now) if stand_in else assignment.minutes) if assignment else 0
    try:
        with atomic():
            c = CheckIn.objects.create(post=post, assignment=assignment, person=person, at=now, method=method, minutes=minutes)
            if stand_in:
                for prior in CheckIn.objects.select_for_update().filter(assignment=assignment).exclude(pk=c.pk):
                    served = max(0, int((now - max(prior.at, assignment.starts_at)).total_seconds() // 60))
                    if served < prior.minutes:
                        CheckIn.objects.filter(pk=prior.pk).update(minutes=served)
            audit.record(actor=actor, action=Audit.DUTY_CHECKIN, obj=post, region=post.region,
                         changes={"person": person.name, "method": method, "shift": str(assignment) if assignment else ""})
    except IntegrityError:
        raise Conflict(_("%(name)s is already checked in for this shift.") % {"name": person.name}) from None
    return c


def duty_note_add(*, actor, post: Post, text: str, kind: str = DutyNote.Kind.HANDOVER) -> DutyNote:
    """A hand-over note or an incident, by somebody on the team (or the coordinator)."""
    on_team = bool(getattr(actor, "person_id", None)) and TeamMember.objects.filter(post=post, person_id=actor.person_id).exists()
    if not on_team and not Scope.of(actor).covers(post.region, MANAGERS):
        raise Forbidden(_("You are not on this post's team."))
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise InvalidInput(_("Write the note (at most 2000 characters)."), field="text")
    if kind not in DutyNote.Kind.values:
        raise InvalidInput(_("Unknown kind of note."), field="kind")
    with atomic():
        note = DutyNote.objects.create(post=post, author_id=getattr(actor, "person_id", None), by=actor, at=timezone.now(), kind=kind, text=text)
        audit.record(actor=actor, action=Audit.DUTY_NOTE, obj=post, region=post.region, changes={"kind": kind})
    return note


def shift_missed_notify(*, assignment: Assignment, now: dt.datetime | None = None) -> bool:
    """Tell the post's coordinators, once, that nobody has checked in for a shift; False if already told (or checked in).

    A system action (the periodic job calls it): the claim is a conditional UPDATE so two
    workers, or a job run twice, tell nobody twice; the messages are queued in the same
    transaction, so a failure leaves the shift unclaimed for the next run.
    """
    now = now or timezone.now()
    post = assignment.post
    with atomic():
        any_checkin = CheckIn.objects.filter(assignment=OuterRef("pk"))
        claimed = (Assignment.objects.filter(pk=assignment.pk, missed_notified_at__isnull=True)
                   .exclude(Exists(any_checkin)).update(missed_notified_at=now))
        if not claimed:
            return False
        leads = region_leads(post.region)
        audit.record(actor=None, action=Audit.DUTY_MISSED, obj=assignment, region=post.region,
                     object_repr=f"{post.name} {timezone.localtime(assignment.starts_at):%Y-%m-%d %H:%M}",
                     changes={"person": assignment.person.name, "told": [p.pk for p in leads]})
        with translation.override(settings.LANGUAGE_CODE):
            values = {"post": post.name, "name": assignment.person.name,
                      "start": f"{timezone.localtime(assignment.starts_at):%m-%d %H:%M}",
                      "end": f"{timezone.localtime(assignment.ends_at):%H:%M}"}
            subject = _("Missed shift at %(post)s: %(name)s") % values
            body = _("%(name)s has not checked in for the shift %(start)s–%(end)s at %(post)s. "
                     "Call them or find a stand-in.") % values
            url = reverse("rosters:missed")
        for person in leads:
            notifications.notify(person=person, subject=subject, body=body, url=url, event="duty.missed")
    assignment.missed_notified_at = now
    return True
