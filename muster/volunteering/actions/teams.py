"""Joining and leaving volunteer teams, as each team's join mode says.

- open: a registered volunteer joins at once;
- approval: the volunteer asks, one of the team's managers (or its region's coordinators) approves or refuses
  with a reason the volunteer sees;
- invitation: only a manager's invitation lets a volunteer in; the volunteer accepts or declines it.

One row per (team, person) holds the latest state; every change is a conditional UPDATE on the state it
expects, so a double click or two managers deciding at once change it once, and the loser gets a Conflict.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.notifications.actions import notify
from muster.people.models import Person
from muster.volunteering.actions.core import _require_team_manager
from muster.volunteering.audits import Audit
from muster.volunteering.models import Membership, Team, Volunteer

__all__ = ["team_join", "team_join_decide", "team_invite", "team_invite_answer", "team_leave"]

S = Membership.Status


def _volunteer_person(actor) -> Person:
    person_id = getattr(actor, "person_id", None)
    if not person_id or not Volunteer.objects.filter(person_id=person_id).exists():
        raise InvalidInput(_("Register as a volunteer before joining a team."), field="team", code="not_registered")
    return actor.person


def _refuse_existing(row: Membership | None, *, mine: bool) -> None:
    """A Conflict for a row that already ties the person to the team (nothing is changed)."""
    if row is None or row.status not in Membership.OPEN:
        return
    if row.status == S.ACTIVE:
        msg = _("You are already a member of this team.") if mine else _("This volunteer is already a member of the team.")
        raise Conflict(msg, field="team", code="member")
    if row.status == S.PENDING:
        msg = (_("You have already asked to join this team; a manager will answer.") if mine else
               _("This volunteer has asked to join: approve or refuse their request."))
        raise Conflict(msg, field="team", code="pending")
    msg = (_("This team has invited you already: accept or decline the invitation.") if mine else
           _("This volunteer has been invited already."))
    raise Conflict(msg, field="team", code="invited")


def _tell(person: Person, subject: str, event: str) -> None:
    notify(person=person, subject=subject, url=reverse("volunteering:teams_mine"), event=event)


def team_join(*, actor, team: Team) -> Membership:
    """The actor's volunteer joins an open team at once, or asks to join a team that approves its members.
    A team that takes members by invitation only refuses; a second request changes nothing (Conflict)."""
    person = _volunteer_person(actor)
    if team.join_mode == Team.JoinMode.INVITATION:
        raise Forbidden(_("This team takes members by invitation only."), field="team")
    status = S.ACTIVE if team.join_mode == Team.JoinMode.OPEN else S.PENDING
    now = timezone.now()
    try:
        with atomic():
            row = Membership.objects.select_for_update().filter(team=team, person=person).first()
            _refuse_existing(row, mine=True)
            if row is None:
                row = Membership.objects.create(team=team, person=person, role=Membership.Role.MEMBER, status=status,
                                                changed_at=now)
            else:
                row.status, row.role, row.reason, row.decided_by, row.changed_at = status, Membership.Role.MEMBER, "", None, now
                row.save(update_fields=["status", "role", "reason", "decided_by", "changed_at"])
            audit.record(actor=actor, action=Audit.TEAM_JOIN, obj=team, region=team.region, object_repr=team.name,
                         changes={"person": person.name, "status": status})
    except IntegrityError:
        # The same person's other click won the race.
        raise Conflict(_("You have already asked to join this team; a manager will answer."), field="team",
                       code="pending") from None
    return row


def team_join_decide(*, actor, membership: Membership, approve: bool, reason: str = "") -> Membership:
    """A manager of the team (or a coordinator over its region) approves a request to join, or refuses it with a
    reason the volunteer sees. Only a request still awaiting an answer can be decided."""
    team = membership.team
    _require_team_manager(actor, team)
    reason = " ".join((reason or "").split())
    if not approve and not reason:
        raise InvalidInput(_("Give the reason for refusing, so that the volunteer knows."), field="reason")
    if len(reason) > 200:
        raise InvalidInput(_("At most 200 characters."), field="reason")
    status = S.ACTIVE if approve else S.REFUSED
    now = timezone.now()
    with atomic():
        done = Membership.objects.filter(pk=membership.pk, status=S.PENDING).update(
            status=status, reason="" if approve else reason, decided_by=actor, changed_at=now)
        if not done:
            raise Conflict(_("This request is no longer awaiting an answer."), field="membership", code="not_pending")
        membership.refresh_from_db()
        audit.record(actor=actor, action=Audit.TEAM_JOIN_DECIDE, obj=team, region=team.region, object_repr=team.name,
                     changes={"person": membership.person.name, "status": status, "reason": reason})
        with translation.override(settings.LANGUAGE_CODE):
            values = {"team": team.name[:60], "reason": reason}
            _tell(membership.person, (_("Welcome: you are now a member of %(team)s.") if approve else
                                      _("%(team)s did not accept your request: %(reason)s")) % values,
                  "volunteering.team_decided")
    return membership


def team_invite(*, actor, team: Team, person: Person) -> Membership:
    """A manager invites a registered volunteer to the team (in any join mode); the volunteer accepts or declines.
    Someone already a member, invited or asking to join gets a Conflict and nothing changes."""
    _require_team_manager(actor, team)
    if not Volunteer.objects.filter(person=person).exists():
        raise InvalidInput(_("Only registered volunteers can join a team."), field="person")
    now = timezone.now()
    try:
        with atomic():
            row = Membership.objects.select_for_update().filter(team=team, person=person).first()
            _refuse_existing(row, mine=False)
            if row is None:
                row = Membership.objects.create(team=team, person=person, role=Membership.Role.MEMBER, status=S.INVITED,
                                                decided_by=actor, changed_at=now)
            else:
                row.status, row.role, row.reason, row.decided_by, row.changed_at = S.INVITED, Membership.Role.MEMBER, "", actor, now
                row.save(update_fields=["status", "role", "reason", "decided_by", "changed_at"])
            audit.record(actor=actor, action=Audit.TEAM_INVITE, obj=team, region=team.region, object_repr=team.name,
                         changes={"person": person.name})
            with translation.override(settings.LANGUAGE_CODE):
                _tell(person, _("%(team)s invites you to join the team.") % {"team": team.name[:60]},
                      "volunteering.team_invited")
    except IntegrityError:
        raise Conflict(_("This volunteer has been invited already."), field="person", code="invited") from None
    return row


def team_invite_answer(*, actor, membership: Membership, accept: bool) -> Membership:
    """The invited volunteer accepts (becomes a member) or declines the team's invitation."""
    if getattr(actor, "person_id", None) != membership.person_id:
        raise Forbidden(_("Only the invited volunteer may answer the invitation."))
    status = S.ACTIVE if accept else S.DECLINED
    with atomic():
        done = Membership.objects.filter(pk=membership.pk, status=S.INVITED).update(status=status,
                                                                                    changed_at=timezone.now())
        if not done:
            raise Conflict(_("This invitation is no longer open."), field="membership", code="not_invited")
        membership.refresh_from_db()
        team = membership.team
        audit.record(actor=actor, action=Audit.TEAM_INVITE_ANSWER, obj=team, region=team.region, object_repr=team.name,
                     changes={"person": membership.person.name, "status": status})
    return membership


def team_leave(*, actor, membership: Membership) -> Membership:
    """The volunteer leaves the team, or takes back a request still awaiting an answer. The team's last manager
    cannot leave: they hand the team to another manager first."""
    if getattr(actor, "person_id", None) != membership.person_id:
        raise Forbidden(_("Only the volunteer may leave a team."))
    with atomic():
        row = Membership.objects.select_for_update().filter(pk=membership.pk, status__in=(S.ACTIVE, S.PENDING)).first()
        if row is None:
            raise Conflict(_("You are not in this team."), field="membership", code="not_member")
        if row.status == S.ACTIVE and row.role == Membership.Role.MANAGER and not Membership.objects.filter(
                team_id=row.team_id, role=Membership.Role.MANAGER, status=S.ACTIVE).exclude(pk=row.pk).exists():
            raise Conflict(_("You are the team's only manager: make another member a manager before you leave."),
                           field="membership", code="last_manager")
        was = row.status
        row.status, row.role, row.changed_at = S.LEFT, Membership.Role.MEMBER, timezone.now()
        row.save(update_fields=["status", "role", "changed_at"])
        team = row.team
        audit.record(actor=actor, action=Audit.TEAM_LEAVE, obj=team, region=team.region, object_repr=team.name,
                     changes={"person": row.person.name, "was": was})
    return row
