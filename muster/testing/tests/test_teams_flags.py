"""Collection-point teams and single-tube flags: the pages, their scoping, and what the desk does with a flag."""

import io
import json
import re

import pytest

from muster.accounts.models import Role, RoleGrant, User
from muster.core.errors import Conflict
from muster.core.models import AuditEvent
from muster.testing import actions, permissions
from muster.testing.models import SingleTubeFlag, TeamMember
from muster.testing.tests.factories import campaign, people, resident_id, resident_id_of
from muster.testworld import make_user


def _fresh(user):
    """The user as a new request would load it (Scope is cached on the object)."""
    return User.objects.get(pk=user.pk)


def _report_lines(html: str) -> list[int]:
    report = html.split('id="import-report"', 1)[1]
    return [int(n) for n in re.findall(r"<tr><td>(\d+)</td>", report)]


# --- teams -------------------------------------------------------------------------------------

def test_team_page_renders_for_the_campaign_manager(world, login):
    c, point = campaign(world)
    (p,) = people(world, 1)
    actions.team_add(actor=world.district_command, point=point, person=p, role=TeamMember.Role.SAMPLER)
    client = login(world.district_command)
    assert f"/testing/points/{point.pk}/team/" in client.get(f"/testing/{c.pk}/").content.decode()
    html = client.get(f"/testing/points/{point.pk}/team/").content.decode()
    assert p.name in html
    assert "139****0000" in html and p.phone not in html  # masked in the list; in full on the person's page
    html = client.get(f"/testing/points/{point.pk}/team/", {"q": "张秀英"}).content.decode()
    assert 'id="found"' in html and world.alice.id_masked in html


def test_team_page_is_the_campaign_managers_only(world, login):
    c, point = campaign(world)  # a district campaign
    for user in (world.outsider, world.coordinator, world.clerk):  # can see the campaign, may not run it
        assert login(user).get(f"/testing/points/{point.pk}/team/").status_code == 403
    r = login(world.outsider).post(f"/testing/points/{point.pk}/team/", {"person": world.bob.pk, "role": "sampler"})
    assert r.status_code == 403 and not TeamMember.objects.exists()
    c2, point2 = campaign(world, region=world.puanli)
    assert login(world.outsider).get(f"/testing/points/{point2.pk}/team/").status_code == 404
    assert login(world.coordinator).get(f"/testing/points/{point2.pk}/team/").status_code == 200
    assert login(world.bajiao_coordinator).get(f"/testing/points/{point2.pk}/team/").status_code == 404


def test_adding_and_removing_a_team_member_gives_and_takes_the_desk(world, login):
    c, point = campaign(world)
    (p,) = people(world, 1)
    account = make_user("newclerk", person=p)
    assert not permissions.can_work_desk(_fresh(account), point)
    client = login(world.district_command)
    r = client.post(f"/testing/points/{point.pk}/team/", {"person": p.pk, "role": "clerk", "q": p.name})
    assert r.status_code == 302
    member = TeamMember.objects.get(point=point, person=p)
    assert member.role == "clerk" and member.grant.role == Role.CLERK and member.grant.site == world.collection
    assert permissions.can_work_desk(_fresh(account), point)
    assert login(account).get(f"/testing/desk/{point.pk}/").status_code == 200
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"campaign.team_add", "role.grant"}

    client = login(world.district_command)
    assert "can work the desk" in client.get(f"/testing/points/{point.pk}/team/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    r = client.post(f"/testing/points/{point.pk}/team/{member.pk}/remove/")
    assert r.status_code == 302
    assert not TeamMember.objects.exists() and not RoleGrant.objects.filter(user=account).exists()
    assert not permissions.can_work_desk(_fresh(account), point)
    assert AuditEvent.objects.filter(action="campaign.team_remove").exists()
    assert AuditEvent.objects.filter(action="role.revoke").exists()
    assert client.post(f"/testing/points/{point.pk}/team/{member.pk}/remove/").status_code == 404


def test_a_grant_given_by_hand_outlives_the_team(world):
    c, point = campaign(world)
    (p,) = people(world, 1)
    account = make_user("handclerk", Role.CLERK, world.puanli, world.collection, person=p)
    member = actions.team_add(actor=world.district_command, point=point, person=p, role="clerk")
    assert member.grant is None
    actions.team_remove(actor=world.district_command, member=member)
    assert RoleGrant.objects.filter(user=account, role=Role.CLERK, site=world.collection).exists()


def test_a_desk_grant_shared_by_two_campaigns_goes_with_the_last_team(world):
    c1, point1 = campaign(world)
    c2, point2 = campaign(world)
    (p,) = people(world, 1)
    account = make_user("twice", person=p)
    m1 = actions.team_add(actor=world.district_command, point=point1, person=p, role="lead")
    m2 = actions.team_add(actor=world.district_command, point=point2, person=p, role="lead")
    assert m1.grant_id == m2.grant_id and RoleGrant.objects.filter(user=account).count() == 1
    actions.team_remove(actor=world.district_command, member=m1)
    assert RoleGrant.objects.filter(user=account, role=Role.SITE_LEAD).exists()
    actions.team_remove(actor=world.district_command, member=m2)
    assert not RoleGrant.objects.filter(user=account).exists()


def test_team_form_errors_save_nothing(world, login):
    c, point = campaign(world)
    (p,) = people(world, 1)
    client = login(world.district_command)
    url = f"/testing/points/{point.pk}/team/"
    r = client.post(url, {"person": p.pk, "role": "boss"})
    assert r.status_code == 422 and 'id="form-errors"' in r.content.decode()
    r = client.post(url, {"person": world.carol.pk, "role": "sampler"}, HTTP_ACCEPT_LANGUAGE="en")  # another district's
    assert r.status_code == 422 and "not in your region" in r.content.decode()
    r = client.post(url, {"role": "sampler"})
    assert r.status_code == 422
    assert not TeamMember.objects.exists()
    client.post(url, {"person": p.pk, "role": "sampler"})
    r = client.post(url, {"person": p.pk, "role": "clerk"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422 and "已在队伍中" in r.content.decode()
    assert list(TeamMember.objects.values_list("role", flat=True)) == ["sampler"]


# --- single-tube flags -------------------------------------------------------------------------

def test_flag_and_lift_through_the_page(world, login):
    a, b = people(world, 2)
    client = login(world.coordinator)
    html = client.get("/testing/flags/", {"q": resident_id_of(a)}).content.decode()  # found by ID number (keyed hash)
    assert 'id="found"' in html and a.name in html and b.name not in html
    r = client.post("/testing/flags/add/", {"person": a.pk, "reason": "contact", "note": "新发地市场"})
    assert r.status_code == 302
    flag = SingleTubeFlag.objects.get(person=a, active=True)
    assert (flag.reason, flag.note, flag.created_by) == ("contact", "新发地市场", world.coordinator)
    html = client.get("/testing/flags/").content.decode()
    listed = html.split('id="flags"', 1)[1]
    assert a.name in listed and a.id_masked in listed and "新发地市场" in listed and resident_id_of(a) not in html
    assert client.post("/testing/flags/add/", {"person": a.pk, "reason": "contact"}).status_code == 302  # already: no-op
    assert SingleTubeFlag.objects.filter(person=a).count() == 1
    assert client.post(f"/testing/flags/{flag.pk}/lift/").status_code == 302
    assert not SingleTubeFlag.objects.filter(active=True).exists()
    assert list(AuditEvent.objects.filter(action="testing.flag").order_by("pk").values_list("changes__active", flat=True)) == [True, False]


def test_flags_are_scoped_to_the_managers_regions(world, login):
    (a,) = people(world, 1)
    actions.flag_set(actor=world.coordinator, person=a, reason="contact")
    flag = SingleTubeFlag.objects.get()
    outsider = login(world.outsider)
    r = outsider.get("/testing/flags/")
    assert r.status_code == 200 and a.name not in r.content.decode()
    assert outsider.post(f"/testing/flags/{flag.pk}/lift/").status_code == 404
    assert a.id_masked not in outsider.get("/testing/flags/", {"q": a.name}).content.decode()
    (b,) = people(world, 1, start=5)
    r = outsider.post("/testing/flags/add/", {"person": b.pk, "reason": "contact"})
    assert r.status_code == 422 and not SingleTubeFlag.objects.filter(person=b).exists()
    assert SingleTubeFlag.objects.get(pk=flag.pk).active
    for user in (world.clerk, world.lab_tech, world.member):
        assert login(user).get("/testing/flags/").status_code == 403
        assert login(user).post(f"/testing/flags/{flag.pk}/lift/").status_code == 403


def test_flag_form_errors_are_localised(world, login):
    (a,) = people(world, 1)
    client = login(world.coordinator)
    r = client.post("/testing/flags/add/", {"person": a.pk, "reason": "bored"})
    assert r.status_code == 422 and 'id="form-errors"' in r.content.decode()
    r = client.post("/testing/flags/add/", {"reason": "contact"})
    assert r.status_code == 422 and "请先搜索" in r.content.decode()
    assert not SingleTubeFlag.objects.exists()


def test_bulk_flag_is_all_or_nothing_with_a_report_by_line(world, login):
    ps = people(world, 3)
    bad = resident_id(2)[:-1] + ("0" if resident_id(2)[-1] != "0" else "1")  # wrong check digit
    rows = ["id_number,name,reason", f"{resident_id_of(ps[0])},{ps[0].name},", f"{resident_id_of(ps[1])},,密接", f"{bad},,"]
    client = login(world.coordinator)
    r = client.post("/testing/flags/import/", {"file": _upload("\n".join(rows)), "reason": "quarantine"})
    assert r.status_code == 422
    assert _report_lines(r.content.decode()) == [4]
    assert not SingleTubeFlag.objects.exists()

    rows[3] = f"{resident_id_of(ps[2])},{ps[2].name},"
    rows.append(f"{resident_id_of(world.bob)},,")  # the neighbour community: not this coordinator's
    r = client.post("/testing/flags/import/", {"file": _upload("\n".join(rows)), "reason": "quarantine"})
    assert r.status_code == 422 and _report_lines(r.content.decode()) == [5]
    assert not SingleTubeFlag.objects.exists()

    r = client.post("/testing/flags/import/", {"file": _upload("\n".join(rows[:4])), "reason": "quarantine", "note": "集中隔离"})
    assert r.status_code == 302
    flags = {f.person_id: f for f in SingleTubeFlag.objects.all()}
    assert {flags[p.pk].reason for p in (ps[0], ps[2])} == {"quarantine"} and flags[ps[1].pk].reason == "contact"
    assert flags[ps[0].pk].note == "集中隔离" and flags[ps[0].pk].created_by == world.coordinator
    assert AuditEvent.objects.get(action="testing.flag_import").changes["created"] == 3


def test_bulk_flag_from_xlsx_reports_duplicates_and_name_mismatches(world, login):
    from openpyxl import Workbook

    ps = people(world, 2)
    wb = Workbook()
    ws = wb.active
    ws.append(["身份证号", "姓名"])
    ws.append([resident_id_of(ps[0]), ps[0].name])
    ws.append([resident_id_of(ps[1]), "别人"])
    ws.append([resident_id_of(ps[0]), ""])
    buf = io.BytesIO()
    wb.save(buf)
    r = login(world.coordinator).post("/testing/flags/import/", {"file": _upload(buf.getvalue(), "flags.xlsx"), "reason": "contact"})
    assert r.status_code == 422 and _report_lines(r.content.decode()) == [3, 4]
    assert not SingleTubeFlag.objects.exists()


def test_a_flagged_person_is_refused_in_a_pooled_tube_at_the_desk(world, login):
    c, point = campaign(world, pool_size=5)
    a, b = people(world, 2)
    assert login(world.coordinator).post("/testing/flags/add/", {"person": b.pk, "reason": "contact"}).status_code == 302
    client = login(world.clerk)

    def post(url, body):
        return client.post(url, json.dumps(body), content_type="application/json")

    api = f"/api/v1/testing/points/{point.pk}"
    assert post(f"{api}/tubes", {"barcode": "T000000001"}).status_code == 201
    assert post(f"{api}/scan", {"tube": "T000000001", "scan": resident_id_of(a), "key": "k1"}).json()["ok"]
    r = post(f"{api}/scan", {"tube": "T000000001", "scan": resident_id_of(b), "key": "k2"})
    assert r.status_code == 409 and r.json()["type"] == "needs_single"
    with pytest.raises(Conflict):
        actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(b))
    # Once the flag is lifted the same person goes into the pooled tube.
    flag = SingleTubeFlag.objects.get(person=b)
    login(world.coordinator).post(f"/testing/flags/{flag.pk}/lift/")
    r = post(f"{api}/scan", {"tube": "T000000001", "scan": resident_id_of(b), "key": "k3"})
    assert r.json()["ok"] and r.json()["tube"]["count"] == 2


def _upload(content, name="flags.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)
