"""The coordinator writes the cover, solves and publishes; the weekly page reads on a phone and prints."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.usefixtures("patient")


def _setup(world, n=14):
    from muster.people.actions import PersonData, person_create
    from muster.rosters import actions

    post = actions.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷", solve_seconds=5)
    for i in range(n):
        p = person_create(actor=world.admin, data=PersonData(name=f"队员{i:02d}", region=world.puanli, birth_year=1955 + i))
        actions.team_add(actor=world.coordinator, post=post, person=p)
    return post


def test_cover_solve_publish_and_weekly_page(page, phone, world, shots):
    post = _setup(world)
    log_in(page, "coordinator")
    page.goto(f"{page.base}/rosters/{post.pk}/cover/")
    # an overlapping band is refused with the reason, nothing saved (the text editor, folded under "advanced")
    page.click("#cover-text summary")
    page.fill("#id_text", "1-7 06:30-11:30 2\n1 11:00-17:30 2")
    page.click("#cover-text button[type=submit]")
    assert page.locator(".errorlist").count() >= 1
    page.screenshot(path=str(shots / "rosters-cover-error.png"), full_page=True)
    page.fill("#id_text", "1-7 06:30-11:30 2\n1-7 11:30-17:30 2\n1-7 17:30-01:00 2\n1-7 01:00-06:30 2\n1-7 22:00-06:00 1 patrol")
    page.click("#cover-text button[type=submit]")
    page.wait_for_url(f"{page.base}/rosters/{post.pk}/")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    page.fill("#id_start", monday.isoformat())
    page.click("form[action$='/solve/'] button[type=submit]")
    page.wait_for_url("**/rosters/roster/*/")
    page.wait_for_selector("text=已就绪", timeout=60_000)
    page.screenshot(path=str(shots / "rosters-roster.png"), full_page=True)
    page.click("form[action$='/publish/'] button")
    page.wait_for_selector("text=排班已发布")
    page.goto(f"{page.base}/rosters/{post.pk}/week/{monday.isoformat()}/")
    assert page.locator("table.book").first.is_visible()
    assert page.locator("text=夜巡计划").first.is_visible()
    page.screenshot(path=str(shots / "rosters-week.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(shots / "rosters-week-print.png"), full_page=True)
    assert not page.locator("header.top").is_visible()

    log_in(phone, "coordinator")
    phone.goto(f"{phone.base}/rosters/{post.pk}/week/{monday.isoformat()}/")
    assert phone.locator(".narrow .day").first.is_visible()
    assert not phone.locator("table.book").first.is_visible()
    phone.screenshot(path=str(shots / "rosters-week-phone.png"), full_page=True)
    r = page.request.get(f"{page.base}/rosters/{post.pk}/week/{monday.isoformat()}.pdf")
    assert r.ok and r.body().startswith(b"%PDF")


def test_member_checks_in_and_sees_own_shifts(phone, world, shots):
    from muster.rosters.models import Assignment, Roster

    post = _setup(world, n=2)
    from muster.rosters.actions import monday_of

    now = timezone.now()
    r = Roster.objects.create(post=post, start=monday_of(timezone.localdate()), status=Roster.Status.PUBLISHED)
    Assignment.objects.create(roster=r, post=post, person=world.alice, date=timezone.localdate(),
                              starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=5))
    Assignment.objects.create(roster=r, post=post, person=world.alice, date=timezone.localdate() + dt.timedelta(days=1),
                              starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=5))
    from muster.rosters.models import TeamMember

    TeamMember.objects.create(post=post, person=world.alice)
    log_in(phone, "member")
    phone.goto(f"{phone.base}/rosters/mine/")
    phone.screenshot(path=str(shots / "rosters-mine-phone.png"), full_page=True)
    phone.goto(f"{phone.base}/rosters/{post.pk}/duty/")
    phone.click("button.bigbutton")
    phone.wait_for_selector("text=已签到。感谢您的值守！")
    phone.fill("#id_text", "体温枪电池快没电了")
    phone.click("form:has(#id_text) button[type=submit]")
    phone.wait_for_selector("text=记录已保存。")
    phone.screenshot(path=str(shots / "rosters-duty-phone.png"), full_page=True)


def test_republishing_a_middle_week_keeps_the_weeks_around_it(page, world, shots):
    """Three weeks published, then the middle one re-solved and published: the other two stay on."""
    from muster.rosters.models import Roster

    post = _setup(world)
    log_in(page, "coordinator")
    page.goto(f"{page.base}/rosters/{post.pk}/cover/")
    page.click("#cover-text summary")  # the text editor, folded under "advanced"
    page.fill("#id_text", "1-7 06:30-11:30 2\n1-7 11:30-17:30 2\n1-7 17:30-01:00 2\n1-7 01:00-06:30 2")
    page.click("#cover-text button[type=submit]")
    page.wait_for_url(f"{page.base}/rosters/{post.pk}/")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    for start, weeks in ((monday - dt.timedelta(days=7), 3), (monday, 1)):
        page.goto(f"{page.base}/rosters/{post.pk}/")
        page.fill("#id_start", start.isoformat())
        page.fill("#id_weeks", str(weeks))
        page.click("form[action$='/solve/'] button[type=submit]")
        page.wait_for_url("**/rosters/roster/*/")
        page.wait_for_selector("text=已就绪", timeout=60_000)
        page.click("form[action$='/publish/'] button")
        page.wait_for_selector("text=排班已发布")
    page.goto(f"{page.base}/rosters/{post.pk}/")
    kept = page.locator(f"text=保留自 {(monday - dt.timedelta(days=7)).isoformat()}")
    assert kept.count() == 2
    page.screenshot(path=str(shots / "rosters-republish-middle.png"), full_page=True)
    published = Roster.objects.filter(post=post, status=Roster.Status.PUBLISHED).order_by("start")
    assert [r.start for r in published] == [monday - dt.timedelta(days=7), monday, monday + dt.timedelta(days=7)]
    # this week's page still reads from the published shifts, and so do the weeks either side
    for d in (-7, 0, 7):
        page.goto(f"{page.base}/rosters/{post.pk}/week/{(monday + dt.timedelta(days=d)).isoformat()}/")
        assert page.locator("table.book").first.is_visible()
        assert page.locator("table.book >> text=队员").count() > 0
