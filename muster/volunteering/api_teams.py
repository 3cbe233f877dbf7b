"""/api/v1/volunteering/ teams and insurance: find a team, join it (or ask to), answer an invitation, leave; a
team's managers list requests, approve or refuse them with a reason, invite; a volunteer's accident insurance.

Refusals are problems as everywhere in the API: 403 (not a manager), 404 (not yours to see), 409 (already a
member, already asked, already invited, no longer pending), 422 (bad input, a refusal without a reason)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from muster.core.api import Paged, paged
from muster.core.errors import Forbidden
from muster.volunteering import actions, selectors, selectors_teams

router = Router(tags=["volunteering teams"])


class TeamOut(Schema):
    id: int
    name: str
    region: str
    region_name: str
    join_mode: str
    members: int


class MembershipOut(Schema):
    id: int
    team_id: int
    team_name: str
    person_id: int
    person_name: str
    role: str
    status: str
    reason: str
    changed_at: dt.datetime | None


class DecideIn(Schema):
    approve: bool
    reason: str = ""


class InviteIn(Schema):
    phone: str


class AnswerIn(Schema):
    accept: bool


class InsuranceIn(Schema):
    insurer: str
    policy_number: str
    valid_from: dt.date
    valid_until: dt.date


class InsuranceOut(Schema):
    id: int
    insurer: str
    policy_number: str
    valid_from: dt.date
    valid_until: dt.date


def _team(t) -> dict:
    return {"id": t.pk, "name": t.name, "region": t.region.code, "region_name": t.region.name, "join_mode": t.join_mode,
            "members": getattr(t, "members", 0)}


def _membership(m) -> dict:
    return {"id": m.pk, "team_id": m.team_id, "team_name": m.team.name, "person_id": m.person_id,
            "person_name": m.person.name, "role": m.role, "status": m.status, "reason": m.reason,
            "changed_at": m.changed_at}


def _insurance(i) -> dict:
    return {"id": i.pk, "insurer": i.insurer, "policy_number": i.policy_number, "valid_from": i.valid_from,
            "valid_until": i.valid_until}


@router.get("/teams", response=Paged[TeamOut], summary="Teams to join, by name or district")
def list_teams(request, q: str = "", district: str = "", limit: int = 50, offset: int = 0):
    d = selectors.districts().filter(code=district).first() if district else None
    return paged(selectors_teams.teams_public(text=q[:60], district=d), limit, offset, _team)


@router.post("/teams/{int:team_id}/join", response={201: MembershipOut},
             summary="Join an open team, or ask to join one that approves its members")
def join(request, team_id: int):
    row = actions.team_join(actor=request.user, team=selectors_teams.team_public(team_id))
    return 201, _membership(selectors_teams.membership_mine(request.user, row.pk))


@router.get("/memberships/mine", response=Paged[MembershipOut],
            summary="My teams, requests (with a refusal's reason) and invitations")
def my_memberships(request, limit: int = 50, offset: int = 0):
    return paged(selectors_teams.memberships_mine(request.user).select_related("person"), limit, offset, _membership)


@router.post("/memberships/{int:membership_id}/answer", response=MembershipOut,
             summary="Accept or decline an invitation")
def answer(request, membership_id: int, body: AnswerIn):
    row = selectors_teams.membership_mine(request.user, membership_id)
    actions.team_invite_answer(actor=request.user, membership=row, accept=body.accept)
    return _membership(selectors_teams.membership_mine(request.user, membership_id))


@router.post("/memberships/{int:membership_id}/leave", response=MembershipOut,
             summary="Leave a team, or take back a request")
def leave(request, membership_id: int):
    row = selectors_teams.membership_mine(request.user, membership_id)
    actions.team_leave(actor=request.user, membership=row)
    return _membership(selectors_teams.membership_mine(request.user, membership_id))


def _managed_team(request, team_id: int):
    t = selectors.team_get(request.user, team_id)
    if not actions.manages_team(request.user, t):
        raise Forbidden()
    return t


@router.get("/teams/{int:team_id}/requests", response=list[MembershipOut],
            summary="A team's open requests and invitations (its managers)")
def team_requests(request, team_id: int):
    return [_membership(m) for m in selectors_teams.team_requests(_managed_team(request, team_id))[:500]]


@router.post("/teams/{int:team_id}/requests/{int:membership_id}", response=MembershipOut,
             summary="Approve a request to join, or refuse it with a reason")
def decide(request, team_id: int, membership_id: int, body: DecideIn):
    t = _managed_team(request, team_id)
    row = selectors_teams.membership_managed(request.user, membership_id)
    if row.team_id != t.pk:
        raise Forbidden()
    actions.team_join_decide(actor=request.user, membership=row, approve=body.approve, reason=body.reason)
    return _membership(selectors_teams.membership_managed(request.user, membership_id))


@router.post("/teams/{int:team_id}/invitations", response={201: MembershipOut},
             summary="Invite a registered volunteer by their mobile number")
def invite(request, team_id: int, body: InviteIn):
    t = _managed_team(request, team_id)
    v = selectors.volunteer_by_phone(body.phone)
    row = actions.team_invite(actor=request.user, team=t, person=v.person)
    return 201, _membership(selectors_teams.membership_managed(request.user, row.pk))


@router.get("/insurance/mine", response=list[InsuranceOut], summary="My accident insurance policies")
def my_insurance(request):
    return [_insurance(i) for i in selectors_teams.insurances_of(getattr(request.user, "person_id", None) or 0)[:50]]


@router.post("/insurance/mine", response={201: InsuranceOut}, summary="Record my accident insurance policy")
def record_my_insurance(request, body: InsuranceIn):
    v = selectors.volunteer_of(request.user)
    if v is None:
        raise Forbidden()
    row = actions.insurance_record(actor=request.user, person=v.person, insurer=body.insurer,
                                   policy_number=body.policy_number, valid_from=body.valid_from,
                                   valid_until=body.valid_until)
    return 201, _insurance(row)


@router.post("/volunteers/{int:person_id}/insurance", response={201: InsuranceOut},
             summary="Record a volunteer's accident insurance (their team's managers, their organisers)")
def record_insurance(request, person_id: int, body: InsuranceIn):
    v = selectors_teams.volunteer_get(request.user, person_id)
    row = actions.insurance_record(actor=request.user, person=v.person, insurer=body.insurer,
                                   policy_number=body.policy_number, valid_from=body.valid_from,
                                   valid_until=body.valid_until)
    return 201, _insurance(row)
