"""The command post's situation page in a real browser: Chinese and English, desktop and a 360-px phone."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.usefixtures("patient")


def _no_sideways_scroll(pg):
    assert pg.evaluate("document.documentElement.scrollWidth") <= pg.evaluate("window.innerWidth") + 1


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh-hans"), ("en-GB", "en")])
def test_situation_page_desktop_and_phone(browse, world, shots, locale, lang):
    from muster.situation.tests.helpers import busy_morning

    busy_morning(world)
    desk = browse(locale=locale)
    log_in(desk, "fengtai")
    desk.goto(desk.base + "/")
    desk.click(f"a[href='/situation/?region={world.fengtai.code}'].btn")
    desk.wait_for_selector("#region-table")
    assert desk.locator("html").get_attribute("lang") == lang
    # the nav leads there too
    assert desk.locator("nav.main a[href='/situation/']").count() == 1
    word = {"zh-hans": "今日已采样", "en": "people sampled today"}[lang]
    assert word in desk.inner_text(".tiles")
    assert desk.locator("svg.chart").count() == 5 and desk.locator("svg.map circle").count() >= 2
    desk.screenshot(path=str(shots / f"situation-district-{lang}.png"), full_page=True)
    # drill down: the street, then its communities
    desk.click("#region-table a:has-text('东铁匠营街道')")
    desk.wait_for_selector("#region-table >> text=蒲安里第二社区")
    assert "positive" in (desk.locator("#region-table tr.st-positive").first.get_attribute("class") or "")
    desk.screenshot(path=str(shots / f"situation-street-{lang}.png"), full_page=True)
    # the board refreshes itself: htmx fetches the fragment again (a wall screen never needs a hand)
    with desk.expect_response(lambda r: "/situation/?region=" in r.url and r.request.headers.get("hx-request") == "true",
                              timeout=75_000) as got:
        pass
    assert got.value.status == 200

    phone = browse(locale=locale, width=360, height=740, mobile=True)
    log_in(phone, "fengtai")
    phone.goto(phone.base + f"/situation/?region={world.street.code}")
    phone.wait_for_selector("#region-table")
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(shots / f"situation-street-phone-{lang}.png"), full_page=True)


def test_outsider_is_turned_away(page, world):
    log_in(page, "outsider")
    r = page.goto(page.base + f"/situation/?region={world.fengtai.code}")
    assert r.status == 404
    log_in(page, "nobody")
    r = page.goto(page.base + "/situation/")
    assert r.status == 403
