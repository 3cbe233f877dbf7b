"""Every date and time input shows its value in Chinese and in English (issue 11).

The browser drops a value that is not ISO (2026/12/07) and shows an empty field; the roster solve then
sent no start and '开始排班' did nothing. Each page with a date or time input is checked the same way:
what the browser holds equals what the server wrote, and fields with an initial value are not empty.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import log_in

INPUTS = "input[type=date], input[type=time], input[type=datetime-local]"

pytestmark = pytest.mark.usefixtures("patient")


def _check_inputs(page, must_have=()):
    inputs = page.locator(INPUTS)
    assert inputs.count() >= 1, page.url
    for i in range(inputs.count()):
        el = inputs.nth(i)
        written = el.get_attribute("value") or ""
        assert el.input_value() == written, f"{page.url} {el.get_attribute('name')}: browser refused {written!r}"
    for name in must_have:
        assert page.locator(f"input[name={name}]").first.input_value(), f"{page.url} {name} is empty"


def _world_pages(world):
    from muster.geo.models import Site
    from muster.quarantine import actions as q
    from muster.rosters import actions as r
    from muster.testing.tests.factories import campaign
    from tests.e2e.test_needs import _seed_roles

    _seed_roles()
    post = r.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷", solve_seconds=5)
    m = r.team_add(actor=world.coordinator, post=post, person=world.alice)
    hotel = Site.objects.create(region=world.puanli, kind=Site.Kind.HOTEL, name="丰台隔离酒店", address="某路1号")
    today = timezone.localdate()
    case = q.case_open(actor=world.coordinator, data=q.CaseData(person=world.alice, site=hotel,
                                                                 start=today, planned_end=today + dt.timedelta(days=14)))
    c, _point = campaign(world)
    return [
        (f"/rosters/{post.pk}/", ["start"]),
        (f"/rosters/{post.pk}/team/{m.pk}/", []),
        (f"/rosters/{post.pk}/hours/", ["from", "to"]),
        ("/checkpoints/register/", []),
        ("/needs/new/", []),
        ("/needs/board/", []),
        ("/quarantine/new/", ["start", "planned_end"]),
        (f"/quarantine/{case.pk}/", ["taken_on"]),
        ("/testing/new/", []),
        (f"/testing/{c.pk}/points/add/", ["opens", "closes"]),
    ]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_date_and_time_inputs_hold_their_values(browse, world, shots, locale):
    pages = _world_pages(world)
    page = browse(locale)
    log_in(page, "coordinator")
    for path, must in pages:
        if path.startswith("/testing/"):
            continue
        page.goto(page.base + path)
        _check_inputs(page, must)
    page.goto(page.base + pages[0][0])
    page.screenshot(path=str(shots / f"iso-roster-solve-{locale}.png"), full_page=True)
    page.goto(page.base + pages[7][0])
    page.screenshot(path=str(shots / f"iso-quarantine-test-{locale}.png"), full_page=True)
    admin = browse(locale)
    log_in(admin, "command")
    for path, must in pages:
        if path.startswith("/testing/"):
            admin.goto(admin.base + path)
            _check_inputs(admin, must)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_solve_starts_with_the_proposed_week(browse, world, shots, locale):
    """'开始排班' with the proposed week, untouched, opens the roster (it silently did nothing)."""
    from muster.people.actions import PersonData, person_create
    from muster.rosters import actions
    from muster.rosters.forms import parse_cover

    post = actions.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷", solve_seconds=5)
    actions.cover_set(actor=world.coordinator, post=post, bands=parse_cover("1-7 08:00-12:00 1"))
    for i in range(4):
        p = person_create(actor=world.admin, data=PersonData(name=f"队员{i:02d}", region=world.puanli, birth_year=1970 + i))
        actions.team_add(actor=world.coordinator, post=post, person=p)
    page = browse(locale)
    log_in(page, "coordinator")
    page.goto(f"{page.base}/rosters/{post.pk}/")
    page.click("form[action$='/solve/'] button[type=submit]")
    page.wait_for_url("**/rosters/roster/*/")
    page.screenshot(path=str(shots / f"iso-roster-solved-{locale}.png"), full_page=True)
