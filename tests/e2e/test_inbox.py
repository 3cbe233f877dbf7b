"""The inbox in a real browser: the nav counts what is unread, an item opens where it is decided and
is read from then on, 'mark all read' empties the count; on a 360-px phone, in Chinese and English."""

import datetime as dt

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.usefixtures("patient")


@pytest.fixture
def waiting(world):
    """A fever alert and a missed shift in the coordinator's community, made through the actions."""
    from django.utils import timezone

    from muster.checkpoints import actions as checkpoints
    from muster.checkpoints.tests.helpers import data
    from muster.rosters import actions as rosters
    from muster.rosters.models import Assignment, Roster

    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    checkpoints.passage_record(actor=world.coordinator, post=post, data=data(temperature="38.3"))
    now = timezone.now()
    roster = Roster.objects.create(post=post, start=rosters.monday_of(timezone.localdate()), status=Roster.Status.PUBLISHED)
    Assignment.objects.create(roster=roster, post=post, person=world.alice, date=timezone.localdate(),
                              starts_at=now - dt.timedelta(minutes=40), ends_at=now + dt.timedelta(hours=4))
    return post


def no_sideways_scroll(pg, width=360):
    assert pg.evaluate("document.documentElement.scrollWidth") <= width


def test_the_coordinator_opens_an_item_and_marks_the_rest_read(page, world, waiting, shots):
    log_in(page, "coordinator")
    badge = page.locator("nav.main [data-inbox-unread]")
    assert badge.inner_text() == "2"
    page.click("nav.main a[href='/notifications/inbox/']")
    page.wait_for_url(page.base + "/notifications/inbox/")  # count() does not wait for the new page
    assert page.locator(".inbox-item.unread").count() == 2
    assert page.locator(".inbox-item.urgent").count() == 2
    assert "南门帐篷" in page.inner_text("ul.inbox") and "张秀英" in page.inner_text("ul.inbox")
    page.screenshot(path=str(shots / "inbox.png"), full_page=True)
    page.click(".inbox-item:has-text('38.3') button.inbox-title")
    page.wait_for_url(page.base + "/checkpoints/alerts/")
    assert page.locator("nav.main [data-inbox-unread]").inner_text() == "1"
    page.goto(page.base + "/notifications/inbox/?show=unread")
    assert page.locator(".inbox-item").count() == 1 and "张秀英" in page.inner_text(".inbox-item")
    page.click("text=全部标为已读")
    page.wait_for_selector("text=没有未读事项。")
    page.wait_for_load_state("networkidle")  # the badge is asked for once the page has loaded
    assert page.locator("nav.main [data-inbox-unread]").count() == 0
    page.click(".inbox-filter >> text=全部")
    assert page.locator(".inbox-item").count() == 2 and page.locator(".inbox-item.unread").count() == 0
    page.screenshot(path=str(shots / "inbox-read.png"), full_page=True)


@pytest.mark.parametrize("locale,title,empty", [("zh-CN", "待办", "目前没有待办事项。"), ("en-US", "Inbox", "Nothing waits for you.")])
def test_the_inbox_on_a_phone(browse, world, waiting, shots, locale, title, empty):
    pg = browse(locale=locale, width=360, height=740, mobile=True)
    log_in(pg, "coordinator")
    pg.goto(pg.base + "/notifications/inbox/")
    assert pg.inner_text("h1").startswith(title)
    assert pg.locator(".inbox-item").count() == 2
    no_sideways_scroll(pg)
    pg.screenshot(path=str(shots / f"inbox-phone-{locale}.png"), full_page=True)
    # The member has their own item: the shift they have not checked in for.
    member = browse(locale=locale, width=360, height=740, mobile=True)
    log_in(member, "member")
    member.goto(member.base + "/notifications/inbox/")
    assert member.locator(".inbox-item").count() == 1
    no_sideways_scroll(member)
    member.screenshot(path=str(shots / f"inbox-phone-member-{locale}.png"), full_page=True)
    member.click("button.inbox-title")
    member.wait_for_url(f"{member.base}/rosters/{waiting.pk}/duty/")
    # Someone with nothing to do sees it said plainly.
    nobody = browse(locale=locale, width=360, height=740, mobile=True)
    log_in(nobody, "nobody")
    nobody.goto(nobody.base + "/notifications/inbox/")
    assert empty in nobody.inner_text("main")
    no_sideways_scroll(nobody)
