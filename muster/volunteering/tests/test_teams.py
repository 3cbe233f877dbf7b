"""Team join modes: open joins at once, approval asks the managers (who approve or refuse with a reason),
invitation lets only a manager's invitation in; duplicates are Conflicts that change nothing; all audited."""

import pytest

from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.models import AuditEvent
from muster.notifications import inbox
from muster.notifications.models import Notification
from muster.testrace import race, skip_unless_concurrent
from muster.volunteering import actions, selectors, selectors_teams
from muster.volunteering.audits import Audit
from muster.volunteering.models import Membership, Team
from muster.volunteering.tests.helpers import volunteer


def _team(world, mode, **kw):
    return actions.team_create(actor=world.coordinator, name=kw.pop("name", f"蒲安里{mode}队"), region=world.puanli,
                               join_mode=mode, **kw)


def _audits(action):
    return AuditEvent.objects.filter(action=action).count()


def test_an_open_team_takes_a_volunteer_at_once_and_a_second_join_changes_nothing(world):
    team = _team(world, Team.JoinMode.OPEN)
    user = volunteer(world)
    row = actions.team_join(actor=user, team=team)
    assert row.status == Membership.Status.ACTIVE and row.role == Membership.Role.MEMBER
    with pytest.raises(Conflict) as e:
        actions.team_join(actor=user, team=team)
    assert e.value.code == "member"
    assert Membership.objects.filter(team=team).count() == 1 and _audits(Audit.TEAM_JOIN) == 1
    assert [m.person_id for m in selectors.team_members(team)] == [user.person_id]


def test_only_registered_volunteers_join(world):
    team = _team(world, Team.JoinMode.OPEN)
    with pytest.raises(InvalidInput) as e:
        actions.team_join(actor=world.coordinator, team=team)
    assert e.value.code == "not_registered" and not Membership.objects.filter(team=team).exists()


def test_approval_asks_the_managers_who_approve_or_refuse_with_a_reason(world):
    manager = volunteer(world)
    team = _team(world, Team.JoinMode.APPROVAL, managers=[manager.person])
    asker, other = volunteer(world), volunteer(world)
    req = actions.team_join(actor=asker, team=team)
    assert req.status == Membership.Status.PENDING
    assert asker.person_id not in {m.person_id for m in selectors.team_members(team)}
    with pytest.raises(Conflict) as e:
        actions.team_join(actor=asker, team=team)
    assert e.value.code == "pending" and Membership.objects.filter(team=team, person=asker.person).count() == 1
    # The managers see it in their inbox: the team's manager and the community's coordinator, nobody else.
    assert any(i.kind == "volunteering.team_requests" for i in inbox.gather(manager))
    assert any(i.kind == "volunteering.team_requests" for i in inbox.gather(world.coordinator))
    assert not any(i.kind == "volunteering.team_requests" for i in inbox.gather(world.outsider))
    # Someone who is not a manager may not decide; a refusal needs a reason.
    with pytest.raises(Forbidden):
        actions.team_join_decide(actor=other, membership=req, approve=True)
    with pytest.raises(Forbidden):
        actions.team_join_decide(actor=world.outsider, membership=req, approve=True)
    with pytest.raises(InvalidInput) as e:
        actions.team_join_decide(actor=manager, membership=req, approve=False, reason="  ")
    assert e.value.field == "reason"
    req.refresh_from_db()
    assert req.status == Membership.Status.PENDING
    actions.team_join_decide(actor=manager, membership=req, approve=True)
    req.refresh_from_db()
    assert req.status == Membership.Status.ACTIVE and req.decided_by == manager
    with pytest.raises(Conflict) as e:
        actions.team_join_decide(actor=world.coordinator, membership=req, approve=False, reason="晚了")
    assert e.value.code == "not_pending"
    assert Notification.objects.filter(person=asker.person, event="volunteering.team_decided").exists()
    assert not any(i.kind == "volunteering.team_requests" for i in inbox.gather(manager))

    second = actions.team_join(actor=other, team=team)
    actions.team_join_decide(actor=world.coordinator, membership=second, approve=False, reason="本队只收本楼居民")
    mine = selectors_teams.membership_of(other, team)
    assert mine.status == Membership.Status.REFUSED and mine.reason == "本队只收本楼居民"
    assert _audits(Audit.TEAM_JOIN_DECIDE) == 2
    # After a refusal the volunteer may ask again (the same row, pending again).
    again = actions.team_join(actor=other, team=team)
    assert again.pk == mine.pk and again.status == Membership.Status.PENDING and again.reason == ""


def test_invitation_only_teams_refuse_requests_and_the_invited_accept_or_decline(world):
    team = _team(world, Team.JoinMode.INVITATION)
    a, b = volunteer(world), volunteer(world)
    with pytest.raises(Forbidden):
        actions.team_join(actor=a, team=team)
    assert not Membership.objects.filter(team=team).exists()
    with pytest.raises(Forbidden):
        actions.team_invite(actor=world.outsider, team=team, person=a.person)
    inv = actions.team_invite(actor=world.coordinator, team=team, person=a.person)
    assert inv.status == Membership.Status.INVITED
    with pytest.raises(Conflict) as e:
        actions.team_invite(actor=world.coordinator, team=team, person=a.person)
    assert e.value.code == "invited" and _audits(Audit.TEAM_INVITE) == 1
    assert any(i.kind == "volunteering.invitations" for i in inbox.gather(a))
    with pytest.raises(Forbidden):
        actions.team_invite_answer(actor=b, membership=inv, accept=True)
    actions.team_invite_answer(actor=a, membership=inv, accept=True)
    inv.refresh_from_db()
    assert inv.status == Membership.Status.ACTIVE
    with pytest.raises(Conflict) as e:
        actions.team_invite(actor=world.coordinator, team=team, person=a.person)
    assert e.value.code == "member"

    inv_b = actions.team_invite(actor=world.coordinator, team=team, person=b.person)
    actions.team_invite_answer(actor=b, membership=inv_b, accept=False)
    inv_b.refresh_from_db()
    assert inv_b.status == Membership.Status.DECLINED
    with pytest.raises(Conflict) as e:
        actions.team_invite_answer(actor=b, membership=inv_b, accept=True)
    assert e.value.code == "not_invited"
    inv_b.refresh_from_db()
    assert inv_b.status == Membership.Status.DECLINED
    assert _audits(Audit.TEAM_INVITE_ANSWER) == 2


def test_a_member_leaves_and_the_last_manager_cannot(world):
    manager = volunteer(world)
    team = _team(world, Team.JoinMode.OPEN, managers=[manager.person])
    user = volunteer(world)
    row = actions.team_join(actor=user, team=team)
    with pytest.raises(Forbidden):
        actions.team_leave(actor=manager, membership=row)
    actions.team_leave(actor=user, membership=row)
    row.refresh_from_db()
    assert row.status == Membership.Status.LEFT
    with pytest.raises(Conflict):
        actions.team_leave(actor=user, membership=row)
    assert user.person_id not in {m.person_id for m in selectors.team_members(team)}
    # Gone from the managers' view of their members' records too.
    assert not selectors.volunteers_visible(manager).filter(person_id=user.person_id).exists()
    mrow = Membership.objects.get(team=team, person=manager.person)
    with pytest.raises(Conflict) as e:
        actions.team_leave(actor=manager, membership=mrow)
    assert e.value.code == "last_manager"
    mrow.refresh_from_db()
    assert mrow.status == Membership.Status.ACTIVE
    # Rejoining an open team after leaving is a fresh start on the same row.
    assert actions.team_join(actor=user, team=team).pk == row.pk
    assert _audits(Audit.TEAM_LEAVE) == 1


def test_a_request_is_decided_only_by_managers_of_that_team(world):
    team = _team(world, Team.JoinMode.APPROVAL)
    asker = volunteer(world)
    req = actions.team_join(actor=asker, team=team)
    with pytest.raises(NotFound):
        selectors_teams.membership_managed(world.outsider, req.pk)
    assert selectors_teams.membership_managed(world.street_coordinator, req.pk) == req
    with pytest.raises(NotFound):
        selectors_teams.membership_mine(world.volunteer, req.pk)


@pytest.mark.django_db(transaction=True)
def test_a_double_click_asks_once_and_two_managers_decide_once(world):
    skip_unless_concurrent()
    manager = volunteer(world)
    team = _team(world, Team.JoinMode.APPROVAL, managers=[manager.person])
    asker = volunteer(world)
    outcomes = race([lambda: actions.team_join(actor=asker, team=Team.objects.get(pk=team.pk))] * 4)
    assert sorted(outcomes) == ["ok"] + ["pending"] * 3
    assert Membership.objects.filter(team=team, person=asker.person).count() == 1
    row = Membership.objects.get(team=team, person=asker.person)
    outcomes = race([
        lambda: actions.team_join_decide(actor=manager, membership=Membership.objects.get(pk=row.pk), approve=True),
        lambda: actions.team_join_decide(actor=world.coordinator, membership=Membership.objects.get(pk=row.pk),
                                         approve=False, reason="不合适"),
    ])
    assert sorted(outcomes) == ["not_pending", "ok"]
    assert AuditEvent.objects.filter(action=Audit.TEAM_JOIN_DECIDE).count() == 1
