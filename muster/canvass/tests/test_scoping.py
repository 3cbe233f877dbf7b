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
