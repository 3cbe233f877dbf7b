"""Issue 11 in the browser, in Chinese and in English: swaps, the duty log, my shifts and a full need."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import log_in

LOCALES = ["zh-CN", "en-US"]
WORDS = {
    "zh-CN": {"full": "已满员", "sent": "申请已提交给协调人", "approved": "已批准", "recent": "最近的班次",
              "missed": "缺勤：未签到", "checked": "已签到"},
    "en-US": {"full": "Full", "sent": "Your request was sent to the coordinator", "approved": "Approved",
              "recent": "Recent shifts", "missed": "missed: no check-in", "checked": "Checked in"},
}

pytestmark = pytest.mark.usefixtures("patient")


def _no_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 362, f"{page.url} is {width}px wide on a 360px phone"


@pytest.mark.parametrize("locale", LOCALES)
def test_swap_offers_only_allowed_shifts_and_both_sides_see_it(browse, world, shots, locale):
    from muster.rosters.models import Assignment, SwapRequest
    from muster.rosters.tests.test_swaps import crew as make_crew

    post, a, b, c = make_crew.__wrapped__(world)
    mine = Assignment.objects.filter(post=post, person=a, starts_at__gt=timezone.now() + dt.timedelta(days=2)).order_by("starts_at").first()
    if mine is None:
        pytest.skip("no morning of A two days ahead in this week and next")
    phone = browse(locale, 360, 740, mobile=True)
    log_in(phone, "member")  # the member's account is A (张秀英)
    phone.goto(f"{phone.base}/rosters/shift/{mine.pk}/swap/")
    phone.select_option("#id_kind", "swap")
    phone.select_option("#id_other", str(b.pk))
    phone.locator("#refused").wait_for()
    options = phone.locator("#id_other_assignment option:not([value=''])")
    # only the same day's afternoon can be traded: every other day A already keeps the morning
    assert options.count() == 1
    phone.locator("#refused summary").click()
    assert phone.locator("#refused li").count() >= 1
    _no_overflow(phone)
    phone.screenshot(path=str(shots / f"swap-options-{locale}.png"), full_page=True)
    phone.select_option("#id_other_assignment", index=1)
    phone.click("#swap-form button[type=submit]:not([formmethod])")
    phone.get_by_text(WORDS[locale]["sent"]).wait_for()
    phone.screenshot(path=str(shots / f"swap-mine-sent-{locale}.png"), full_page=True)
    _no_overflow(phone)

    page = browse(locale)
    log_in(page, "coordinator")
    page.goto(f"{page.base}/rosters/{post.pk}/")
    page.click("form[action*='/swap/'] button[value=approve]")
    page.locator(".messages .success").wait_for()
    assert SwapRequest.objects.get().status == SwapRequest.Status.APPROVED
    phone.goto(f"{phone.base}/rosters/mine/")
    assert phone.locator("ul.swaps .badge", has_text=WORDS[locale]["approved"]).count() == 1
    phone.screenshot(path=str(shots / f"swap-mine-approved-{locale}.png"), full_page=True)


@pytest.mark.parametrize("locale", LOCALES)
def test_stand_in_then_scans_the_qr_and_a_missed_shift_is_not_coming(browse, world, shots, locale):
    from muster.accounts.models import Role
    from muster.rosters.models import Assignment
    from muster.rosters.tests.test_standin import _on_now
    from muster.testworld import make_user

    post, a, stand_in = _on_now(world)
    make_user("sun", Role.MEMBER, world.puanli, person=stand_in)
    page = browse(locale)
    log_in(page, "coordinator")
    page.goto(f"{page.base}/rosters/{post.pk}/duty/")
    page.select_option("form[action$='/standin/'] select[name=person]", str(stand_in.pk))
    page.click("form[action$='/standin/'] button")
    page.locator(".messages .success").wait_for()
    page.screenshot(path=str(shots / f"duty-standin-{locale}.png"), full_page=True)
    phone = browse(locale, 360, 740, mobile=True)
    log_in(phone, "sun")
    phone.goto(f"{phone.base}/rosters/checkin/{post.checkin_token}/")
    phone.click("main form button[type=submit]")
    phone.locator(".messages .success").wait_for()
    assert phone.locator(".messages .error").count() == 0
    phone.screenshot(path=str(shots / f"duty-standin-qr-{locale}.png"), full_page=True)
    # a patrol that ended with nobody checked in is under recent shifts, marked missed, not under the coming ones
    Assignment.objects.filter(pk=a.pk).update(starts_at=timezone.now() - dt.timedelta(hours=10), ends_at=timezone.now() - dt.timedelta(hours=2),
                                              line="patrol")
    Assignment.objects.filter(pk=a.pk).first().checkins.all().delete()
    member = browse(locale, 360, 740, mobile=True)
    log_in(member, "member")
    member.goto(f"{member.base}/rosters/mine/")
    assert member.locator(".card.past", has_text=WORDS[locale]["missed"]).count() == 1
    _no_overflow(member)
    member.screenshot(path=str(shots / f"mine-missed-{locale}.png"), full_page=True)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_full_need_reads_full(browse, world, shots, locale):
    from muster.needs import actions
    from muster.needs.tests.helpers import post
    from tests.e2e.test_needs import _seed_roles

    _seed_roles()
    need = post(world, headcount=1)
    actions.report_create(actor=world.coordinator, need=need, person=world.alice, accept=True)
    page = browse(locale)
    log_in(page, "coordinator")
    page.goto(f"{page.base}/needs/{need.pk}/")
    assert page.locator("h1 .badge").first.inner_text() == WORDS[locale]["full"]
    page.screenshot(path=str(shots / f"need-full-{locale}.png"), full_page=True)
