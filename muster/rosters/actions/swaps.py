"""Writes to swap and cover requests: a member asks, the coordinator decides (the roster's hard rules still hold)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.people.models import Person
from muster.rosters import solving
from muster.rosters.actions.common import manage
from muster.rosters.audits import Audit
from muster.rosters.models import Assignment, Roster, SwapRequest, TeamMember


def swap_request(*, actor, assignment: Assignment, kind: str, other: Person, other_assignment: Assignment | None = None,
                 reason: str = "") -> SwapRequest:
    """A member asks to hand their shift to a teammate (cover) or to trade it for one of theirs (swap)."""
    if getattr(actor, "person_id", None) != assignment.person_id:
        raise Forbidden(_("You can only ask about your own shifts."))
    if assignment.roster.status != Roster.Status.PUBLISHED:
        raise Conflict(_("This shift is no longer on the published roster."))
    if assignment.starts_at <= timezone.now():
        raise InvalidInput(_("This shift has already started."), field="assignment")
    if kind not in SwapRequest.Kind.values:
        raise InvalidInput(_("Unknown kind of request."), field="kind")
    if other.pk == assignment.person_id:
        raise InvalidInput(_("Choose somebody else."), field="other")
    if not TeamMember.objects.filter(post_id=assignment.post_id, person=other, active=True).exists():
        # No name here: the refusal must not tell the asker who a person id belongs to.
        raise InvalidInput(_("This person is not on this post's team."), field="other")
    if kind == SwapRequest.Kind.SWAP:
        if other_assignment is None or other_assignment.person_id != other.pk or other_assignment.post_id != assignment.post_id:
            raise InvalidInput(_("Choose one of their shifts at this post to trade for."), field="other_assignment")
    else:
        other_assignment = None
    if SwapRequest.objects.filter(assignment=assignment, status=SwapRequest.Status.OPEN).exists():
        raise Conflict(_("There is already an open request for this shift."))
    # Asked only if the roster's rules (fitness for duty among them) allow it, so the coordinator is not
    # handed a request that approval must refuse.
    if other_assignment is not None and other_assignment.starts_at <= timezone.now():
        raise InvalidInput(_("Their shift has already started."), field="other_assignment")
    moves = [(assignment, other)] + ([(other_assignment, assignment.person)] if other_assignment else [])
    dates = [a.date for a, _p in moves]
    problems = solving.ChangeCheck(assignment.post, min(dates), max(dates)).problems(moves)
    if problems:
        raise InvalidInput(problems[0], field="other_assignment" if other_assignment else "other",
                           errors=[{"message": p} for p in problems])
    with atomic():
        req = SwapRequest.objects.create(assignment=assignment, kind=kind, requested_by=actor, other=other,
                                         other_assignment=other_assignment, reason=(reason or "")[:200])
        audit.record(actor=actor, action=Audit.ROSTER_SWAP_REQUEST, obj=req, region=assignment.post.region,
                     changes={"kind": kind, "with": other.name})
    return req


def swap_decide(*, actor, request: SwapRequest, approve: bool, note: str = "") -> SwapRequest:
    """The coordinator approves (the roster changes, if it still meets every hard rule) or rejects."""

    post = request.assignment.post
    manage(actor, post)
    problems: list[str] = []
    with atomic():
        status = SwapRequest.Status.APPROVED if approve else SwapRequest.Status.REJECTED
        if approve:
            a = Assignment.objects.select_for_update().get(pk=request.assignment_id)
            moves = [(a, request.other)]
            if request.other_assignment_id:
                b = Assignment.objects.select_for_update().get(pk=request.other_assignment_id)
                moves.append((b, a.person))
            if any(m.starts_at <= timezone.now() for m, _p in moves):
                problems = [_("A shift of this request has already started.")]
            else:
                problems = solving.check_change(a.roster, moves)
            if problems:
                # The roster cannot take it: the request is refused with the reasons, so the members see
                # why instead of a request left waiting for ever.
                status, note = SwapRequest.Status.REJECTED, " ".join(str(p) for p in problems)
        n = SwapRequest.objects.filter(pk=request.pk, status=SwapRequest.Status.OPEN).update(
            status=status, decided_by=actor, decided_at=timezone.now(), decision_note=(note or "")[:200])
        if not n:
            raise Conflict(_("This request has already been decided."))
        if approve and not problems:
            for assignment, person in moves:
                Assignment.objects.filter(pk=assignment.pk).update(person=person)
        audit.record(actor=actor, action=Audit.ROSTER_SWAP_DECIDE, obj=request, region=post.region,
                     changes={"approved": approve and not problems, "note": note})
    if problems:
        raise InvalidInput(problems[0], field="approve", errors=[{"message": p} for p in problems])
    request.refresh_from_db()
    return request
