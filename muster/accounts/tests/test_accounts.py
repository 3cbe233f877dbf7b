import pytest
from django.core import mail

from muster.accounts import actions
from muster.accounts.models import Role, RoleGrant
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent


def test_invitation_round_trip(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inv, link = actions.invitation_create(actor=world.coordinator, email="new@example.org", name="新人", role=Role.VOLUNTEER,
                                              region=world.puanli, base_url="http://testserver/")
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    token = link.rstrip("/").rsplit("/", 1)[-1]
    user = actions.invitation_accept(token=token, username="newbie", password="a-Long-passphrase-77")
    assert RoleGrant.objects.get(user=user).role == Role.VOLUNTEER
    with pytest.raises(Conflict):
        actions.invitation_accept(token=token, username="again", password="a-Long-passphrase-77")
    assert AuditEvent.objects.filter(action="invitation.accept").count() == 1


def test_coordinator_cannot_grant_outside_or_command(world):
    with pytest.raises(Forbidden):
        actions.invitation_create(actor=world.outsider, email="a@b.c", name="", role=Role.VOLUNTEER, region=world.puanli, base_url="/")
    with pytest.raises(Forbidden):
        actions.role_grant(actor=world.coordinator, user=world.nobody, role=Role.COMMAND, region=world.puanli)
    grant = actions.role_grant(actor=world.command, user=world.nobody, role=Role.COMMAND, region=world.fengtai)
    assert grant.region == world.fengtai


def test_weak_password_is_refused_on_accept(world):
    _inv, link = actions.invitation_create(actor=world.coordinator, email="x@example.org", name="", role=Role.MEMBER,
                                           region=world.puanli, base_url="http://t/")
    with pytest.raises(InvalidInput) as err:
        actions.invitation_accept(token=link.rstrip("/").rsplit("/", 1)[-1], username="weak", password="123")
    assert err.value.field == "password"


def test_api_token_authenticates_until_revoked(world, client):
    token, secret = actions.token_create(actor=world.coordinator, name="scripts")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    r = client.get("/api/v1/me", **auth)
    assert r.status_code == 200 and r.json()["username"] == "coordinator"
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer mst_nope").status_code == 401
    actions.token_revoke(actor=world.coordinator, token=token)
    assert client.get("/api/v1/me", **auth).status_code == 401


def test_login_is_audited(world, client):
    from muster.testworld import PASSWORD

    client.post("/login/", {"username": "coordinator", "password": PASSWORD})
    client.post("/login/", {"username": "coordinator", "password": "wrong"})
    actions_seen = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.login", "user.login_failed"} <= actions_seen
