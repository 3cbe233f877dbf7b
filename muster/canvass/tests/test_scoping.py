import subprocess
import sys

from muster.canvass.models import Finding
from muster.canvass.tests.helpers import campaign, visit
from muster.core.models import AuditEvent


def test_visitor_sees_only_own_walk_lists(client, world):
    c, wls, (v0, _v1) = campaign(world)
    client.force_login(v0)
    assert client.get(f"/canvass/l/{wls[0].pk}/").status_code == 200
    assert client.get(f"/canvass/l/{wls[1].pk}/").status_code == 404
    assert client.get(f"/canvass/l/{wls[1].pk}/sheet.pdf").status_code == 404
    page = client.get("/canvass/mine/").content.decode()
    assert f"/canvass/l/{wls[0].pk}/" in page and f"/canvass/l/{wls[1].pk}/" not in page


def test_visitors_and_outsiders_do_not_see_answers_leaders_do_audited(client, world):
    c, wls, (v0, _v1) = campaign(world)
    visit(v0, wls[0].doors.first(), people=[{"name": "钱阿姨", "answers": {"market": True}}])
    for user in (v0, world.outsider, world.member):
        client.force_login(user)
        assert client.get(f"/canvass/c/{c.pk}/answers/").status_code in (403, 404)
        assert client.get(f"/canvass/c/{c.pk}/").status_code in (403, 404)
        assert client.get(f"/canvass/c/{c.pk}/export.xlsx").status_code in (403, 404)
    client.force_login(world.coordinator)
    r = client.get(f"/canvass/c/{c.pk}/answers/")
    assert r.status_code == 200 and "钱阿姨" in r.content.decode()
    assert AuditEvent.objects.filter(action="canvass_answers.read", kind="read", actor=world.coordinator).exists()
    # The street above sees it too; the neighbouring community does not.
    client.force_login(world.street_coordinator)
    assert client.get(f"/canvass/c/{c.pk}/answers/").status_code == 200


def test_leader_board_export_and_sheet(client, world):
    c, wls, (v0, _v1) = campaign(world)
    visit(v0, wls[0].doors.first(), people=[{"name": "钱阿姨", "answers": {"market": True}}])
    visit(v0, wls[0].doors.all()[1], result="vacant")
    client.force_login(world.coordinator)
    page = client.get(f"/canvass/c/{c.pk}/").content.decode()
    assert "<svg" in page and "蒲安里第二社区" in page and "钱阿姨" in page
    for by in ("building", "unit", "list"):
        assert client.get(f"/canvass/c/{c.pk}/?by={by}").status_code == 200
    x = client.get(f"/canvass/c/{c.pk}/export.xlsx")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="canvass.export").exists()
    pdf = client.get(f"/canvass/l/{wls[0].pk}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_finding_act_from_the_page(client, world):
    c, wls, (v0, _v1) = campaign(world)
    visit(v0, wls[0].doors.first(), people=[{"name": "孙爷爷", "answers": {"needs": ["medicines"]}}])
    f = Finding.objects.get()
    client.force_login(world.outsider)
    assert client.post(f"/canvass/findings/{f.pk}/act/", {"action": "need"}).status_code in (403, 404)
    client.force_login(world.coordinator)
    client.post(f"/canvass/findings/{f.pk}/act/", {"action": "need"})
    f.refresh_from_db()
    assert f.action == "need" and f.acted_by == world.coordinator


def test_planning_imports_no_django():
    code = "import sys; sys.modules['django'] = None; import muster.canvass.planning as p; print(len(p.cut([p.Unit(1, '1', 3)], 2)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


def test_a_street_board_looked_at_per_community_shows_that_community_only(client, world):
    """A street or district campaign's board read for one community lists that community's findings,
    walk lists and buildings, not the whole campaign's (which at district scale is what made it slow)."""
    import datetime as dt

    from django.utils import timezone

    from muster.canvass import actions
    from muster.canvass.tests.helpers import estate
    from muster.geo.models import Building, Household

    estate(world, buildings=1, units=1, rooms=2)
    far = Building.objects.create(region=world.neighbour, name="邻区9号楼", lat=39.8631, lon=116.4147)
    for r in ("101", "201"):
        Household.objects.create(region=world.neighbour, building=far, unit="1", room=r)
    now = timezone.now()
    c = actions.campaign_create(actor=world.street_coordinator, name="街道敲门", region=world.street, purpose_text="排查",
                                template="market", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=1))
    wls = actions.lists_cut(actor=world.street_coordinator, campaign=c, lists=2)
    for wl in wls:
        actions.list_assign(actor=world.street_coordinator, walk_list=wl, assignee=world.street_coordinator)
    mine = {wl.pk: wl.doors.first() for wl in wls}
    for door in mine.values():
        visit(world.street_coordinator, door, people=[{"name": f"居民{door.household.room}{door.region.name}",
                                                       "answers": {"market": True}}])
    here = next(d for d in mine.values() if d.region_id == world.puanli.pk)
    there = next(d for d in mine.values() if d.region_id == world.neighbour.pk)
    client.force_login(world.street_coordinator)
    whole = client.get(f"/canvass/c/{c.pk}/").content.decode()
    assert "蒲安里第二社区" in whole and "蒲安里第一社区" in whole
    page = client.get(f"/canvass/c/{c.pk}/?in={world.puanli.pk}")
    assert page.status_code == 200
    findings = page.context["findings"]
    assert [f.region_id for f in findings] == [world.puanli.pk]
    assert {wl.pk for wl in page.context["lists"]} == {here.walk_list_id} != {there.walk_list_id}
    assert {b["building__name"] for b in page.context["buildings"]} == {"1号楼"}


def test_the_board_shows_the_first_findings_awaiting_review_and_says_how_many_more(client, world, monkeypatch):
    from muster.canvass import views

    monkeypatch.setattr(views, "FINDINGS_SHOWN", 1)
    c, wls, (v0, _v1) = campaign(world)
    doors = list(wls[0].doors.all()[:2])
    visit(v0, doors[0], people=[{"name": "甲", "answers": {"market": True}}])
    visit(v0, doors[1], people=[{"name": "乙", "answers": {"market": True}}])
    first = Finding.objects.order_by("created_at").first()
    client.force_login(world.coordinator)
    client.post(f"/canvass/findings/{first.pk}/act/", {"action": "dismissed"})
    page = client.get(f"/canvass/c/{c.pk}/")
    assert [f.action for f in page.context["findings"]] == [""]  # the one still to review comes first
    assert "共 2 条发现，此处显示前 1 条" in page.content.decode()
