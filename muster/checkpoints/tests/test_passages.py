import io

import pytest

from muster.accounts.models import Role, RoleGrant
from muster.checkpoints import actions
from muster.checkpoints.models import FeverAlert, Passage
from muster.checkpoints.tests.helpers import data, put_on_duty
from muster.core.errors import Forbidden, InvalidInput
from muster.rosters import actions as rosters


def test_member_on_duty_records_and_fever_raises_alert(world, post):
    put_on_duty(post, world.alice)
    p = actions.passage_record(actor=world.member, post=post, data=data())
    assert not p.fever and not FeverAlert.objects.exists()
    hot = actions.passage_record(actor=world.member, post=post, data=data(temperature="37.3", code="11010519491231002X", visitor_name=""))
    assert hot.fever and hot.person == world.alice
    assert FeverAlert.objects.get().passage == hot


def test_threshold_is_the_posts(world, post):
    rosters.post_update_rules(actor=world.coordinator, post=post, fever_threshold="37.5")
    p = actions.passage_record(actor=world.coordinator, post=post, data=data(temperature="37.4"))
    assert not p.fever


def test_clerk_not_on_duty_is_refused(world, post):
    with pytest.raises(Forbidden):
        actions.passage_record(actor=world.clerk, post=post, data=data())
    with pytest.raises(Forbidden):
        actions.passage_record(actor=world.member, post=post, data=data())
    RoleGrant.objects.create(user=world.clerk, role=Role.CLERK, region=world.puanli, site=world.gate)
    world.clerk._muster_scope = None
    del world.clerk._muster_scope
    assert actions.passage_record(actor=world.clerk, post=post, data=data()).pk
    with pytest.raises(Forbidden):
        actions.passage_record(actor=world.outsider, post=post, data=data())


@pytest.mark.parametrize("t", ["33.9", "43.1", "abc", "", "37,9x"])
def test_implausible_temperature_refused(world, post, t):
    with pytest.raises(InvalidInput) as e:
        actions.passage_record(actor=world.coordinator, post=post, data=data(temperature=t))
    assert e.value.field == "temperature"
    assert not Passage.objects.exists()


def test_unknown_id_and_nobody_refused(world, post):
    with pytest.raises(InvalidInput):
        actions.passage_record(actor=world.coordinator, post=post, data=data(code="110101199001011234", visitor_name=""))
    with pytest.raises(InvalidInput):
        actions.passage_record(actor=world.coordinator, post=post, data=data(visitor_name="  "))


def test_entry_screen_and_register(world, login, post):
    c = login(world.coordinator)
    assert c.get(f"/checkpoints/{post.pk}/entry/").status_code == 200
    r = c.post(f"/checkpoints/{post.pk}/entry/", {"code": "", "visitor_name": "送菜师傅", "direction": "in", "temperature": "38.2",
                                                 "health_code": "green", "pass_checked": "on"})
    assert r.status_code == 302
    r = c.post(f"/checkpoints/{post.pk}/entry/", {"visitor_name": "x", "direction": "in", "temperature": "45", "health_code": "green"})
    assert r.status_code == 422
    r = c.post(f"/checkpoints/{post.pk}/entry/", {"visitor_name": "y", "direction": "in", "temperature": "36.6", "health_code": "green"},
               HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "36.6" in r.content.decode()
    assert Passage.objects.count() == 2
    html = c.get("/checkpoints/register/?fever=on").content.decode()
    assert "送菜师傅" in html and ">y<" not in html
    assert "送菜师傅" in c.get("/checkpoints/alerts/").content.decode()
    assert c.get(f"/checkpoints/{post.pk}/hourly/").status_code == 200
    x = c.get("/checkpoints/register.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws.max_row == 3
    alert = FeverAlert.objects.get()
    c.post(f"/checkpoints/alerts/{alert.pk}/close/", {"outcome": "复测36.8，放行"})
    alert.refresh_from_db()
    assert alert.status == FeverAlert.Status.CLOSED


def test_outsider_sees_no_register(world, login, post):
    actions.passage_record(actor=world.coordinator, post=post, data=data(visitor_name="秘密访客"))
    c = login(world.outsider)
    assert "秘密访客" not in c.get("/checkpoints/register/").content.decode()
    assert c.get(f"/checkpoints/{post.pk}/entry/").status_code == 404
    assert c.get(f"/checkpoints/{post.pk}/hourly/").status_code == 404
