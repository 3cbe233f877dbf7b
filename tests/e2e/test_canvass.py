"""Door-knocking on a phone with the network cut: visits queue on the phone, sync once, and the leader sees coverage."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.usefixtures("patient")


@pytest.fixture
def canvass(world):
    from muster.canvass.tests.helpers import campaign
    from muster.needs.models import NeedRole

    # The role catalogue is seeded by a migration, which the flush between browser tests empties.
    NeedRole.objects.get_or_create(code="errands", defaults={"name_zh": "代购跑腿", "name_en": "Errands", "order": 50})
    return campaign(world, lists=2, buildings=2, units=1, rooms=3)


def _fits(pg):
    assert pg.evaluate("document.documentElement.scrollWidth") <= pg.viewport_size["width"], "sideways scroll"


def _door(pg, n):
    pg.locator("#cv-doors button").nth(n).click()
    pg.wait_for_selector("#cv-form:not([hidden])")


def test_visitor_records_offline_and_syncs_once_leader_sees_coverage(browse, world, canvass, shots):
    from muster.canvass.models import Door, Finding, Visit

    c, wls, (v0, _v1) = canvass
    phone = browse(width=360, height=740, mobile=True)
    log_in(phone, v0.username)
    phone.goto(phone.base + "/canvass/mine/")
    assert "我的走访清单" in phone.inner_text("main")
    phone.click(f"a[href='/canvass/l/{wls[0].pk}/']")
    phone.wait_for_selector("#cv-doors button")
    assert phone.locator("#cv-doors button").count() == 3
    _fits(phone)

    phone.context.set_offline(True)
    _door(phone, 0)
    phone.check("#cv-results input[value=completed]")
    phone.click("#cv-add-person")
    phone.fill("#cv-people [data-name]", "赵大爷")
    phone.select_option("#cv-people select[data-q=market]", "true")
    phone.select_option("#cv-people select[data-q=needs]", ["elderly_alone"])
    _fits(phone)
    phone.screenshot(path=str(shots / "canvass_door_form_phone_zh.png"), full_page=True)
    phone.click("#cv-save")
    _door(phone, 1)
    phone.check("#cv-results input[value=not_home]")
    phone.click("#cv-save")
    phone.click("#cv-send")
    expect(phone.locator("#cv-queue")).to_have_text("2")
    assert "离线" in phone.inner_text("#cv-net")
    queued = phone.evaluate(f"localStorage.getItem('muster.canvass.queue.{v0.pk}')")
    phone.screenshot(path=str(shots / "canvass_offline_queue_phone_zh.png"), full_page=True)
    assert Visit.objects.count() == 0

    phone.context.set_offline(False)
    phone.click("#cv-send")
    expect(phone.locator("#cv-queue")).to_have_text("0")
    assert Visit.objects.count() == 2
    # The answer was lost on the way back: the phone still holds the batch and sends it again.
    phone.evaluate(f"localStorage.setItem('muster.canvass.queue.{v0.pk}', {json.dumps(queued)})")
    phone.click("#cv-send")
    expect(phone.locator("#cv-queue")).to_have_text("0")
    assert Visit.objects.count() == 2, "a resent batch duplicated visits"
    assert set(Finding.objects.values_list("rule", flat=True)) == {"market", "elderly_alone"}
    assert Door.objects.filter(campaign=c, status=Door.Status.COMPLETED).count() == 1
    phone.reload()
    phone.wait_for_selector("#cv-doors button")
    assert "已完成" in phone.inner_text("#cv-doors") and "无人在家" in phone.inner_text("#cv-doors")
    phone.screenshot(path=str(shots / "canvass_synced_phone_zh.png"), full_page=True)

    leader = browse()
    log_in(leader, "coordinator")
    leader.goto(leader.base + f"/canvass/c/{c.pk}/")
    totals = leader.inner_text("#totals")
    assert "2/6" in totals.replace(" ", "").replace("\n", "")
    assert "蒲安里第二社区" in leader.inner_text("#coverage")
    assert leader.locator("svg.cv-map circle").count() == 2
    assert "5月30日以来去过市场" in leader.inner_text("#findings")
    leader.screenshot(path=str(shots / "canvass_leader_board_zh.png"), full_page=True)
    leader.click("#findings button[value=need]")
    # The same page comes back: wait for the new text, not for a selector the old page already has.
    expect(leader.locator("#findings")).to_contain_text("已发起需求")


def test_visitor_in_english_on_a_phone(browse, world, canvass, shots):
    from muster.canvass.models import Visit

    c, wls, (v0, _v1) = canvass
    phone = browse(locale="en-US", width=360, height=740, mobile=True)
    log_in(phone, v0.username)
    phone.goto(phone.base + f"/canvass/l/{wls[0].pk}/")
    phone.wait_for_selector("#cv-doors button")
    _door(phone, 2)
    assert "No one at home" in phone.inner_text("#cv-results")
    phone.check("#cv-results input[value=vacant]")
    phone.click("#cv-save")
    expect(phone.locator("#cv-queue")).to_have_text("0")
    assert Visit.objects.filter(result="vacant").count() == 1
    assert "All visits sent." in phone.inner_text("#cv-msg")
    # A household the registry lacks, found at the door.
    phone.click("#cv-add-door summary")
    phone.fill("#cv-new-unit", "1")
    phone.fill("#cv-new-room", "909")
    phone.click("#cv-door-form button[type=submit]")
    phone.wait_for_selector("#cv-form:not([hidden])")
    assert "909" in phone.inner_text("#cv-door-title")
    phone.check("#cv-results input[value=not_home]")
    phone.click("#cv-save")
    expect(phone.locator("#cv-queue")).to_have_text("0")
    assert phone.locator("#cv-doors button").count() == 4
    assert Visit.objects.filter(door__household__room="909", result="not_home").count() == 1
    _fits(phone)
    phone.screenshot(path=str(shots / "canvass_phone_en.png"), full_page=True)
    # Someone else's list is not there for this visitor.
    r = phone.goto(phone.base + f"/canvass/l/{wls[1].pk}/")
    assert r.status == 404


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
def test_follow_up_checks_and_proposal_on_a_phone(browse, world, canvass, shots, lang):
    from muster.canvass import actions
    from muster.canvass.models import FollowUpCheck
    from muster.canvass.tests.helpers import visit

    c, wls, (v0, v1) = canvass
    door = wls[0].doors.order_by("pk").first()
    visit(v0, door, people=[{"name": "赵大爷", "answers": {"needs": ["elderly_alone"]}}])
    actions.followups_open(actor=world.coordinator, campaign=c, rule="elderly_alone", assignee=v1)
    phone = browse(locale=lang, width=360, height=740, mobile=True)
    log_in(phone, v1.username)
    phone.goto(phone.base + "/canvass/followups/mine/")
    phone.wait_for_selector("#followups .cv-check")
    _fits(phone)
    phone.select_option("#followups select[name=result]", "well")
    phone.fill("#followups input[name=note]", "ok")
    phone.click("#followups .cv-check button")
    expect(phone.locator("#followups")).to_contain_text("ok")
    assert FollowUpCheck.objects.filter(checked_by=v1, result="well").count() == 1
    phone.screenshot(path=str(shots / f"canvass_followups_phone_{lang}.png"), full_page=True)
    leader = browse(locale=lang, width=360, height=740, mobile=True)
    log_in(leader, world.coordinator.username)
    actions.list_assign(actor=world.coordinator, walk_list=wls[1], assignee=None)
    leader.goto(leader.base + f"/canvass/c/{c.pk}/teams/?propose=1")
    _fits(leader)
    leader.goto(leader.base + f"/canvass/c/{c.pk}/followups/")
    _fits(leader)
