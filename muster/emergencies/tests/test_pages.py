import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from muster.accounts.models import Role, RoleGrant
from muster.accounts.scoping import Scope
from muster.core.errors import Conflict, Forbidden
from muster.core.models import AuditEvent
from muster.emergencies import actions
from muster.emergencies.models import CorrectionRequest, Emergency, PurgeRun
from muster.emergencies.tests.helpers import old_campaign, passage, post
from muster.people import actions as people

pytestmark = pytest.mark.django_db


def test_command_declares_and_closes_an_emergency(world, login):
    client = login(world.command)
    r = client.post("/emergencies/", {"name": "新发地聚集性疫情", "region_code": world.fengtai.code, "level": "2",
                                      "purpose": "核酸筛查、隔离管控与社区防控"})
    e = Emergency.objects.get()
    assert r.status_code == 302 and e.status == Emergency.Status.ACTIVE and e.declared_by == world.command
    assert client.get(f"/emergencies/{e.pk}/").status_code == 200
    client.post(f"/emergencies/{e.pk}/", {"op": "close"})
    e.refresh_from_db()
    assert e.status == Emergency.Status.CLOSED and e.ended_at
    with pytest.raises(Conflict):
        actions.emergency_close(actor=world.command, emergency=e)
    assert AuditEvent.objects.filter(action__in=["emergency.declare", "emergency.close"]).count() == 2


def test_only_command_over_the_region(world, login):
    with pytest.raises(Forbidden):
        actions.emergency_declare(actor=world.coordinator, name="x", region=world.puanli, level="4", purpose="y")
    with pytest.raises(Forbidden):  # district command of Fengtai, not of Shijingshan
        actions.emergency_declare(actor=world.district_command, name="x", region=world.shijingshan, level="4", purpose="y")
    e = actions.emergency_declare(actor=world.district_command, name="丰台", region=world.fengtai, level="3", purpose="筛查")
    assert login(world.coordinator).get("/emergencies/").status_code == 403
    assert Client().get("/emergencies/").status_code == 302
    other = Client()
    other.force_login(world.bajiao_coordinator)
    assert other.get(f"/emergencies/{e.pk}/").status_code == 403
    # The district's own command sees it; city command sees it too; the retention pages are the city's.
    assert login(world.district_command).get("/emergencies/retention/").status_code == 403


def test_retention_page_and_a_dry_run_from_it(world, login):
    old_campaign(world, n=3)
    client = login(world.command)
    page = client.get("/emergencies/retention/").content.decode()
    assert "checkpoints.passage" in page and "people.person" in page
    assert "个人信息保存期限" in page and "通行登记（体温、健康码）" in page and "两个潜伏期" in page  # zh-hans by default
    r = client.post("/emergencies/retention/", {"op": "policy", "key": "checkpoints.passage", "days": "5"})
    assert r.status_code == 422 and "checkpoints.passage" not in {p.key for p in actions.RetentionPolicy.objects.all()}
    client.post("/emergencies/retention/", {"op": "policy", "key": "checkpoints.passage", "days": "42"})
    assert actions.RetentionPolicy.objects.get(key="checkpoints.passage").days == 42
    r = client.post("/emergencies/purge/", {"op": "dry"})
    run = PurgeRun.objects.get()
    assert r.status_code == 302 and run.dry_run and run.report["types"]["people.person"]["due"] == 3
    assert client.get(f"/emergencies/purge/{run.pk}/").status_code == 200


def _resident_session(person) -> Client:
    client = Client()
    session = client.session
    session["testing_person"] = person.pk
    session.save()
    return client


def test_a_resident_sees_and_downloads_what_is_held_about_them(world, login):
    _c, _point, residents = old_campaign(world, n=2)
    me = residents[0]
    passage(world, post(world), me, timezone.now() - dt.timedelta(days=1), "36.6")
    people.person_reveal_id(actor=world.coordinator, person=me)  # a coordinator looked at the full number
    client = _resident_session(me)
    page = client.get("/emergencies/me/").content.decode()
    assert me.name in page and "36.6" in page and "coordinator" in page
    assert residents[1].name not in page
    doc = json.loads(client.get(f"/emergencies/me/{me.pk}.json").content)
    keys = {s["key"] for s in doc["sections"]}
    assert {"people.person", "testing.sample", "checkpoints.passage"} <= keys
    # Who read it, in the site's language (zh-hans): the role and where it holds.
    assert [(r["action"], r["roles"]) for r in doc["reads"]] == [("person.reveal_id", "协调员 · 蒲安里第二社区")]
    pdf = client.get(f"/emergencies/me/{me.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Signed in with a linked person: the same page, their own.
    assert world.alice.name in login(world.member).get("/emergencies/me/").content.decode()


def test_asking_for_someone_elses_data_gives_nothing_and_is_audited(world):
    _c, _point, residents = old_campaign(world, n=2)
    client = _resident_session(residents[0])
    for suffix in (".json", ".pdf"):
        r = client.get(f"/emergencies/me/{residents[1].pk}{suffix}")
        assert r.status_code == 404 and residents[1].name.encode() not in r.content
    refused = AuditEvent.objects.filter(action="mydata.refused")
    assert refused.count() == 2 and refused.first().changes == {"asked": residents[1].pk, "own": residents[0].pk}
    # Nobody verified: nothing either.
    assert Client().get(f"/emergencies/me/{residents[1].pk}.json").status_code == 404
    assert Client().get("/emergencies/me/").status_code == 200  # the page that says how to confirm who you are


def test_a_correction_reaches_the_community(world, login):
    client = _resident_session(world.alice)
    client.post("/emergencies/me/", {"text": "电话号码已更换为13900000000"})
    req = CorrectionRequest.objects.get()
    assert req.region == world.puanli
    assert "13900000000" in login(world.coordinator).get("/emergencies/corrections/").content.decode()
    outsider = Client()
    outsider.force_login(world.outsider)
    assert "13900000000" not in outsider.get("/emergencies/corrections/").content.decode()
    login(world.coordinator).post("/emergencies/corrections/", {"request": req.pk, "answer": "已更正"})
    req.refresh_from_db()
    assert req.status == CorrectionRequest.Status.DONE and req.answered_by == world.coordinator


def test_a_grant_past_its_end_date_no_longer_counts(world):
    grant = RoleGrant.objects.get(user=world.coordinator)
    from muster.accounts import actions as accounts

    accounts.role_grant_end(actor=world.command, grant=grant, ends_on=timezone.localdate())
    world.coordinator = type(world.coordinator).objects.get(pk=world.coordinator.pk)
    assert Scope.of(world.coordinator).covers(world.puanli)  # still today
    RoleGrant.objects.filter(pk=grant.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    fresh = type(world.coordinator).objects.get(pk=world.coordinator.pk)
    assert not Scope.of(fresh).covers(world.puanli)


def test_access_review_lists_unused_roles_and_revokes_in_bulk(world, login):
    long_ago = timezone.now() - dt.timedelta(days=40)
    RoleGrant.objects.update(created_at=long_ago)
    client = login(world.command)  # signs command in: command is active
    page = client.get("/emergencies/access/?unused=1").content.decode()
    assert "outsider" in page and "sampler" in page
    chosen = list(RoleGrant.objects.filter(user__username__in=["outsider", "sampler"]).values_list("pk", flat=True))
    client.post("/emergencies/access/?unused=1", {"grant": chosen})
    assert not RoleGrant.objects.filter(pk__in=chosen).exists()
    assert AuditEvent.objects.filter(action="role.revoke").count() == 2
    # An end date for a deployed cadre's role, from the same page.
    grant = RoleGrant.objects.get(user__username="clerk")
    client.post("/emergencies/access/", {"op": "end", "grant": [grant.pk], "ends_on": "2030-07-31"})
    grant.refresh_from_db()
    assert str(grant.ends_on) == "2030-07-31"
    # A coordinator cannot use it to revoke command.
    assert login(world.coordinator).get("/emergencies/access/").status_code == 403
    assert RoleGrant.objects.filter(user=world.command, role=Role.COMMAND).exists()
