"""The clerk's fast entry screen: a normal passage, a fever, a refused temperature; the coordinator follows up."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.usefixtures("patient")


def test_entry_fever_and_follow_up(page, phone, world, shots):
    from muster.rosters import actions

    post = actions.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    log_in(phone, "coordinator")
    phone.goto(f"{phone.base}/checkpoints/{post.pk}/entry/")
    phone.fill("#id_visitor_name", "快递员")
    phone.fill("#id_temperature", "36.4")
    phone.press("#id_temperature", "Enter")
    phone.wait_for_selector(".flash.ok")
    # the form comes back empty with the cursor in the scan field
    assert phone.input_value("#id_visitor_name") == ""
    phone.fill("#id_code", "11010519491231002X")
    phone.fill("#id_temperature", "37.6")
    phone.click("button.bigbutton")
    phone.wait_for_selector(".flash.fever")
    assert "张秀英" in phone.inner_text(".flash.fever")
    phone.screenshot(path=str(shots / "checkpoints-entry-fever-phone.png"), full_page=True)
    phone.fill("#id_visitor_name", "送菜师傅")
    phone.fill("#id_temperature", "45")
    phone.click("button.bigbutton")
    phone.wait_for_selector("text=不合理")

    log_in(page, "coordinator")
    page.goto(f"{page.base}/checkpoints/{post.pk}/entry/")
    page.screenshot(path=str(shots / "checkpoints-entry.png"), full_page=True)
    page.goto(f"{page.base}/checkpoints/register/")
    assert page.locator("text=快递员").first.is_visible()
    page.screenshot(path=str(shots / "checkpoints-register.png"), full_page=True)
    page.goto(f"{page.base}/checkpoints/{post.pk}/hourly/")
    page.screenshot(path=str(shots / "checkpoints-hourly.png"), full_page=True)
    page.goto(f"{page.base}/checkpoints/alerts/")
    page.fill("input[name=outcome]", "复测 36.9 ℃，放行")
    page.click(".alert-row button[type=submit]")
    page.wait_for_selector("text=处理情况已记录。")
    page.goto(f"{page.base}/checkpoints/alerts/?status=all")
    page.screenshot(path=str(shots / "checkpoints-alerts.png"), full_page=True)
