"""The team and insurance endpoints: join by approval, a manager's decision, duplicates as 409, strangers 403/404."""

import datetime as dt
import json

from django.utils import timezone

from muster.volunteering import actions
from muster.volunteering.models import Insurance, Membership, Team
from muster.volunteering.tests.helpers import volunteer


def _post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_join_by_approval_and_decide_through_the_api(client, world):
    manager = volunteer(world)
    team = actions.team_create(actor=world.coordinator, name="API队", region=world.puanli,
                               join_mode=Team.JoinMode.APPROVAL, managers=[manager.person])
    asker = volunteer(world)
    client.force_login(asker)
    found = client.get("/api/v1/volunteering/teams", {"q": "API"}).json()["items"]
    assert [t["id"] for t in found] == [team.pk] and found[0]["join_mode"] == "approval"
    r = _post(client, f"/api/v1/volunteering/teams/{team.pk}/join")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    dup = _post(client, f"/api/v1/volunteering/teams/{team.pk}/join")
    assert dup.status_code == 409 and dup.json()["type"] == "pending"
    mid = r.json()["id"]
    # The asker is no manager: 403 on the team's requests.
    assert client.get(f"/api/v1/volunteering/teams/{team.pk}/requests").status_code == 404
    client.force_login(world.outsider)
    assert _post(client, f"/api/v1/volunteering/teams/{team.pk}/requests/{mid}", {"approve": True}).status_code == 404
    client.force_login(manager)
    assert [m["id"] for m in client.get(f"/api/v1/volunteering/teams/{team.pk}/requests").json()] == [mid]
    bad = _post(client, f"/api/v1/volunteering/teams/{team.pk}/requests/{mid}", {"approve": False})
    assert bad.status_code == 422
    ok = _post(client, f"/api/v1/volunteering/teams/{team.pk}/requests/{mid}", {"approve": False, "reason": "名额已满"})
    assert ok.status_code == 200 and ok.json()["status"] == "refused"
    again = _post(client, f"/api/v1/volunteering/teams/{team.pk}/requests/{mid}", {"approve": True})
    assert again.status_code == 409
    client.force_login(asker)
    mine = client.get("/api/v1/volunteering/memberships/mine").json()["items"]
    assert [(m["status"], m["reason"]) for m in mine] == [("refused", "名额已满")]


def test_invite_answer_and_leave_through_the_api(client, world):
    team = actions.team_create(actor=world.coordinator, name="邀请队", region=world.puanli,
                               join_mode=Team.JoinMode.INVITATION)
    user = volunteer(world)
    client.force_login(user)
    assert _post(client, f"/api/v1/volunteering/teams/{team.pk}/join").status_code == 403
    client.force_login(world.coordinator)
    r = _post(client, f"/api/v1/volunteering/teams/{team.pk}/invitations", {"phone": user.person.phone})
    assert r.status_code == 201 and r.json()["status"] == "invited"
    assert _post(client, f"/api/v1/volunteering/teams/{team.pk}/invitations", {"phone": user.person.phone}).status_code == 409
    client.force_login(user)
    mid = r.json()["id"]
    assert _post(client, f"/api/v1/volunteering/memberships/{mid}/answer", {"accept": True}).json()["status"] == "active"
    assert _post(client, f"/api/v1/volunteering/memberships/{mid}/leave").json()["status"] == "left"
    assert Membership.objects.get(pk=mid).status == Membership.Status.LEFT


def test_insurance_through_the_api(client, world):
    user = volunteer(world)
    client.force_login(user)
    today = timezone.localdate()
    body = {"insurer": "平安", "policy_number": "P-1", "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=30)).isoformat()}
    assert _post(client, "/api/v1/volunteering/insurance/mine", body).status_code == 201
    assert _post(client, "/api/v1/volunteering/insurance/mine", body).status_code == 409
    bad = _post(client, "/api/v1/volunteering/insurance/mine", {**body, "policy_number": "P-2",
                                                                "valid_until": (today - dt.timedelta(days=1)).isoformat()})
    assert bad.status_code == 422 and Insurance.objects.count() == 1
    assert [i["policy_number"] for i in client.get("/api/v1/volunteering/insurance/mine").json()] == ["P-1"]
    client.force_login(world.outsider)
    assert _post(client, f"/api/v1/volunteering/volunteers/{user.person_id}/insurance",
                 {**body, "policy_number": "X"}).status_code == 404
    client.force_login(world.coordinator)
    assert _post(client, f"/api/v1/volunteering/volunteers/{user.person_id}/insurance",
                 {**body, "policy_number": "X"}).status_code == 201
