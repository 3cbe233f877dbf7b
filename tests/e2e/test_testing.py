"""The registration desk with a (simulated) wedge scanner, its offline queue, the board, and the residents' phone pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def _setup(world, n=7):
    from muster.testing.tests.factories import campaign, people

    c, point = campaign(world, pool_size=5)
    return c, point, people(world, n)


def scan(page, text):
    page.fill("#scan", text)
    page.press("#scan", "Enter")


def test_desk_scans_fills_tube_and_survives_a_network_drop(page, world, shots):
    from muster.testing.models import Sample, Tube
    from muster.testing.tests.factories import resident_id_of

    c, point, ps = _setup(world)
    log_in(page, "clerk")
    page.goto(page.base + f"/testing/desk/{point.pk}/")
    scan(page, "T000000001")
    expect(page.locator("#tube")).to_have_text("T000000001")
    for p in ps[:3]:
        scan(page, resident_id_of(p))
    expect(page.locator("#done")).to_have_text("3")
    assert page.inner_text("#last") == ps[2].name
    scan(page, "hello-world")
    assert "格式错误" in page.inner_text("#flash")
    scan(page, resident_id_of(ps[0]))  # already sampled in this round
    expect(page.locator("#flash")).to_contain_text("本轮已采样")
    assert "bad" in page.get_attribute("#flash", "class")
    page.screenshot(path=str(shots / "testing_desk.png"))
    # The network drops: scans are kept on the device and sent when it returns, once each.
    page.context.set_offline(True)
    scan(page, resident_id_of(ps[3]))
    scan(page, resident_id_of(ps[4]))
    expect(page.locator("#queued")).to_have_text("2")
    page.screenshot(path=str(shots / "testing_desk_offline.png"))
    page.context.set_offline(False)
    expect(page.locator("#queued")).to_have_text("0", timeout=20_000)
    expect(page.locator("#done")).to_have_text("5")
    assert Sample.objects.filter(campaign=c).count() == 5
    tube = Tube.objects.get(barcode="T000000001")
    assert (tube.count, tube.status) == (5, "closed")
    # The tube closed itself at 5: the desk asks for a new one.
    assert page.inner_text("#tube") == "—"


def test_desk_on_a_phone_and_the_board(phone, page, world, shots):
    c, point, ps = _setup(world, 2)
    log_in(phone, "clerk")
    phone.goto(phone.base + f"/testing/desk/{point.pk}/")
    phone.screenshot(path=str(shots / "testing_desk_phone.png"), full_page=True)
    log_in(page, "fengtai")
    page.goto(page.base + f"/testing/{c.pk}/")
    assert "采样点" in page.inner_text("main")
    page.screenshot(path=str(shots / "testing_board.png"), full_page=True)
    page.goto(page.base + f"/testing/{c.pk}/planning/")
    page.screenshot(path=str(shots / "testing_planning.png"), full_page=True)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_resident_registers_on_a_phone_and_gets_a_qr(browse, world, shots, sms_outbox, locale):
    phone = browse(locale, width=360, height=740, mobile=True)
    c, point, ps = _setup(world, 0)
    phone.goto(phone.base + f"/testing/c/{c.pk}/register/")
    # A newcomer gets their code by SMS like everyone else (showing it here told the number was new),
    # with a link to its QR code.
    phone.fill("#id_name", "新居民")
    phone.fill("#id_id_number", "110105194912310011")
    phone.fill("#id_community", world.puanli.name)  # typed, picked from the list the page offers
    phone.fill("#id_phone", "13900000011")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("#sent")
    assert ("短信" if locale == "zh-CN" else "by SMS") in phone.inner_text("#sent")
    suffix = "" if locale == "zh-CN" else "-en"
    phone.screenshot(path=str(shots / f"testing_preregister_sent_phone{suffix}.png"), full_page=True)
    [sms] = sms_outbox.to("13900000011")
    code = re.search(r"MP[0-9A-Z]{12}", sms).group(0)
    assert code not in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # The SMS links to the site's public address (SITE_URL); the test server answers the same path.
    from urllib.parse import urlsplit

    from django.conf import settings

    link = re.search(r"https?://\S+/code/MP\w+/", sms).group(0)
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/")
    phone.goto(phone.base + urlsplit(link).path)
    assert phone.inner_text("#code") == code
    assert phone.locator(".qr svg").count() == 1
    phone.screenshot(path=str(shots / f"testing_my_code_phone{suffix}.png"), full_page=True)
    phone.goto(phone.base + "/testing/result/")
    phone.screenshot(path=str(shots / "testing_lookup_phone.png"), full_page=True)
