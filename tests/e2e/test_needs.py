"""Whistle and report in real Chromium: post a need, report from a phone, accept, check in with the code, dispatch."""

import datetime as dt

from django.utils import timezone

from tests.e2e.conftest import log_in


def _seed_roles():
    # Transactional tests flush the rows the data migration seeded.
    from importlib import import_module

    from muster.needs.models import NeedRole

    for i, (code, zh, en) in enumerate(import_module("muster.needs.migrations.0002_seed_roles").ROLES):
        NeedRole.objects.get_or_create(code=code, defaults={"name_zh": zh, "name_en": en, "order": i})


def _local(t):
    return timezone.localtime(t).strftime("%Y-%m-%dT%H:%M")


def test_post_report_accept_check_in(page, phone, world, shots):
    _seed_roles()
    from muster.needs.models import Need, Report

    # The first request loads every URL module: give it time on a busy machine.
    page.goto(page.base + "/login/", timeout=90_000)
    # The coordinator posts a need for the south gate, starting in half an hour.
    log_in(page, "coordinator")
    page.goto(page.base + "/needs/new/")
    page.select_option("#id_role", "gate_duty")
    page.select_option("#id_site", label="南门值守点")
    page.fill("#id_title", "南门值守 早班")
    start = timezone.now() + dt.timedelta(minutes=30)
    page.fill("#id_start", _local(start))
    page.fill("#id_end", _local(start - dt.timedelta(hours=1)))
    page.fill("#id_headcount", "0")
    page.click("main form button[type=submit]")
    assert page.locator(".errorlist").first.is_visible()  # bad input: clear error, nothing saved
    assert not Need.objects.exists()
    page.fill("#id_end", _local(start + dt.timedelta(hours=4)))
    page.fill("#id_headcount", "2")
    page.check("input[name=skills][value=health_code_app]")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/needs/*/")
    need = Need.objects.get()
    assert page.locator(".code").inner_text() == need.checkin_code
    assert page.locator(".qr svg").is_visible()
    page.screenshot(path=shots / "needs_detail.png", full_page=True)

    # A party member sees it on her phone and reports with one tap.
    log_in(phone, "member")
    phone.goto(phone.base + "/needs/open/")
    card = phone.locator(f"#need-{need.pk}")
    assert "南门值守 早班" in card.inner_text()
    phone.screenshot(path=shots / "needs_open_phone.png", full_page=True)
    card.locator("button[type=submit]").click()
    assert phone.locator(".messages li.success").is_visible()
    assert Report.objects.get().status == "reported"

    # The coordinator accepts her on the need page; the board shows the gap that remains.
    page.reload()
    page.locator(f"#report-{Report.objects.get().pk} button:has-text('接受')").click()
    assert page.locator(".messages li.success").is_visible()
    assert Report.objects.get().status == "accepted"
    page.goto(page.base + "/needs/board/")
    assert page.locator(f"#need-{need.pk}.gap").is_visible()
    assert "张秀英" in page.locator(f"#need-{need.pk}").inner_text()
    page.screenshot(path=shots / "needs_board.png", full_page=True)

    # At the gate she types the code (a wrong one first) and is checked in.
    phone.goto(phone.base + "/needs/checkin/")
    phone.fill("#id_code", "ZZZZZZ")
    phone.click("main form button[type=submit]")
    assert phone.locator(".errorlist").is_visible()
    phone.fill("#id_code", need.checkin_code.lower())
    phone.click("main form button[type=submit]")
    phone.wait_for_url("**/needs/mine/")
    assert phone.locator(".messages li.success").is_visible()
    assert Report.objects.get().status == "checked_in"
    phone.screenshot(path=shots / "needs_mine_phone.png", full_page=True)


def test_dispatch_review_and_confirm(page, world, shots):
    _seed_roles()
    from muster.needs import actions
    from muster.needs.models import NeedRole, Report
    from muster.people.actions import PersonData, person_create

    for i in range(4):
        person_create(actor=world.admin, data=PersonData(name=f"志愿者{i}", region=world.puanli, skills=("health_code_app",)))
    start = timezone.now() + dt.timedelta(hours=3)
    actions.need_post(actor=world.coordinator, data=actions.NeedData(
        role=NeedRole.objects.get(code="door_knocking"), region=world.puanli, start=start, end=start + dt.timedelta(hours=3),
        headcount=3, title="敲门行动"))
    log_in(page, "coordinator")
    page.goto(page.base + "/needs/dispatch/")
    page.screenshot(path=shots / "needs_dispatch.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/needs/dispatch/*/")
    rows = page.locator("input[name=line]")
    assert rows.count() == 3
    rows.nth(0).uncheck()
    page.screenshot(path=shots / "needs_proposal.png", full_page=True)
    page.click("button:has-text('确认并通知')")
    assert page.locator(".messages li.success").is_visible()
    assert Report.objects.filter(status="accepted", source="dispatch").count() == 2


def test_phone_board_and_suggestions(phone, world, shots):
    _seed_roles()
    from muster.needs import actions
    from muster.needs.models import NeedRole

    start = timezone.now() + dt.timedelta(hours=3)
    need = actions.need_post(actor=world.coordinator, data=actions.NeedData(
        role=NeedRole.objects.get(code="errands"), region=world.puanli, start=start, end=start + dt.timedelta(hours=2),
        headcount=2, urgency="critical", title="代购药品"))[0]
    log_in(phone, "coordinator")
    phone.goto(phone.base + "/needs/board/")
    phone.screenshot(path=shots / "needs_board_phone.png", full_page=True)
    phone.goto(phone.base + f"/needs/{need.pk}/")
    phone.locator("#suggestions table, #suggestions p.muted:not(:has-text('…'))").first.wait_for()
    assert "张秀英" in phone.locator("#suggestions").inner_text()
    phone.screenshot(path=shots / "needs_detail_phone.png", full_page=True)
