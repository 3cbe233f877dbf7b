"""Inputs for non-experts: a region picked by name (suggestions as you type), the cover grid instead of the
mini-language, in Chinese and English, and both fit a 360-px phone."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.usefixtures("patient")

WIDTH = 360


def _fits(pg) -> bool:
    return pg.evaluate("document.documentElement.scrollWidth") <= WIDTH


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_region_picker_suggests_by_name_and_names_a_wrong_one(browse, world, shots, locale):
    from muster.people.models import Person

    suffix = "zh" if locale == "zh-CN" else "en"
    pg = browse(locale)
    log_in(pg, "street")
    pg.goto(pg.base + "/people/new/")
    pg.fill("#id_name", "赵新")
    pg.locator("#id_region_code").press_sequentially("蒲安里", delay=50)
    # The suggestions come from the server as you type (web/picker.js), only regions in the user's scope.
    pg.locator("#id_region_code-options option").nth(1).wait_for(state="attached")
    values = pg.eval_on_selector_all("#id_region_code-options option", "els => els.map(e => e.value)")
    assert sorted(values) == ["蒲安里第一社区 (110106007004)", "蒲安里第二社区 (110106007005)"]
    pg.screenshot(path=str(shots / f"expert-picker-suggestions-{suffix}.png"))
    # A name that is nobody's: the form says which.
    pg.fill("#id_region_code", "不存在社区")
    pg.click("main form button[type=submit]")
    error = pg.locator(".errorlist").first.inner_text()
    assert "不存在社区" in error
    assert ("pick one of the suggestions" in error) if locale == "en-US" else ("请从提示中选择" in error)
    pg.screenshot(path=str(shots / f"expert-picker-error-{suffix}.png"), full_page=True)
    pg.fill("#id_region_code", values[1])
    pg.click("main form button[type=submit]")
    pg.wait_for_url("**/people/*/")
    assert Person.objects.get(name="赵新").region == world.puanli

    phone = browse(locale, width=WIDTH, height=740, mobile=True)
    log_in(phone, "fengtai")
    for path in ("/people/new/", "/needs/deployments/"):
        phone.goto(phone.base + path)
        assert _fits(phone), path
    phone.screenshot(path=str(shots / f"expert-deployments-phone-{suffix}.png"), full_page=True)


def _post(world):
    from muster.rosters import actions
    from muster.rosters.forms import parse_cover

    post = actions.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷", solve_seconds=5)
    actions.cover_set(actor=world.coordinator, post=post, bands=parse_cover("1-5 06:30-11:30 2 health_code_app:1\n6-7 06:30-11:30 3"))
    return post


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_cover_grid_reads_edits_and_saves_the_requirement(browse, world, shots, locale):
    from muster.rosters.forms import format_cover

    suffix = "zh" if locale == "zh-CN" else "en"
    post = _post(world)
    pg = browse(locale)
    log_in(pg, "coordinator")
    pg.goto(f"{pg.base}/rosters/{post.pk}/cover/")
    # The text requirement is read into the grid: one band, Monday needs 2 with one who reads the health-code app.
    assert pg.input_value("[name=r0-start]") == "06:30" and pg.input_value("[name=r0-d1-n]") == "2"
    assert pg.input_value("[name=r0-d1-skill]") == "health_code_app" and pg.input_value("[name=r0-d7-n]") == "3"
    assert not pg.locator("#id_text").is_visible()  # the text stays, folded, as the advanced editor
    pg.screenshot(path=str(shots / f"expert-cover-grid-{suffix}.png"), full_page=True)
    # An impossible cell is named by weekday and band, nothing saved.
    pg.fill("[name=r0-d2-n]", "99")
    pg.click("#cover-grid .actions button[name=save]")
    error = pg.locator("#grid-errors").inner_text()
    assert ("Tuesday, 06:30–11:30" in error) if locale == "en-US" else ("星期二 06:30–11:30" in error)
    pg.screenshot(path=str(shots / f"expert-cover-grid-error-{suffix}.png"), full_page=True)
    pg.fill("[name=r0-d2-n]", "2")
    # A second band: add a row, fill it for the weekend, save.
    pg.click("#cover-grid button[name=add]")
    pg.fill("[name=r1-start]", "18:00")
    pg.fill("[name=r1-end]", "22:00")
    pg.fill("[name=r1-d6-n]", "1")
    pg.fill("[name=r1-d7-n]", "1")
    pg.click("#cover-grid .actions button[name=save]")
    pg.wait_for_url(f"{pg.base}/rosters/{post.pk}/")
    assert format_cover(post).splitlines() == ["1-5 06:30-11:30 2 health_code_app:1", "6-7 06:30-11:30 3", "6-7 18:00-22:00 1"]

    phone = browse(locale, width=WIDTH, height=740, mobile=True)
    log_in(phone, "coordinator")
    phone.goto(f"{phone.base}/rosters/{post.pk}/cover/")
    assert _fits(phone)
    assert phone.locator("[name=r0-d1-n]").is_visible()
    phone.screenshot(path=str(shots / f"expert-cover-grid-phone-{suffix}.png"), full_page=True)
    # Enter in a cell saves (the grid's first button is its save, not "remove band").
    phone.fill("[name=r1-d5-n]", "1")
    phone.press("[name=r1-d5-n]", "Enter")
    phone.wait_for_url(f"{phone.base}/rosters/{post.pk}/")
    assert "5-7 18:00-22:00 1" in format_cover(post)
