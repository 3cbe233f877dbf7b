"""The QR codes on Muster's pages, as Chromium draws them, read back with a standard QR decoder.

The personal code used to be a Micro QR code (segno.make() picks one for short content) that
zbar-based desk scanners could not read; the decoder here finds standard QR codes only.
"""

import io

import pytest

from tests.e2e.conftest import log_in

zxingcpp = pytest.importorskip("zxingcpp")


def read(png: bytes) -> list[str]:
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCodeModel2)
    return [b.text for b in found]


def test_personal_code_on_the_residents_phone_reads_back(phone, world):
    from muster.testing import actions
    from muster.testing.tests.factories import campaign

    c, point = campaign(world)
    reg = actions.preregister(campaign=c, name="张秀英", id_type="resident", id_number="11010519491231002X")
    # The page the SMS links to: the code is the key to it.
    phone.goto(phone.base + f"/testing/c/{c.pk}/code/{reg.code}/")
    assert phone.inner_text("#code").strip() == reg.code
    assert read(phone.locator(".qr svg").screenshot()) == [reg.code]


def test_need_and_post_checkin_codes_read_back(page, world, settings):
    from django.urls import reverse

    from muster.needs.models import Need
    from muster.needs.tests.helpers import post as need_post
    from muster.rosters import actions as rosters

    need = need_post(world)
    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷", solve_seconds=5)
    # A printed code outlives the address the coordinator printed it from: it holds the public address.
    settings.SITE_URL = "https://muster.example.cn"
    log_in(page, "coordinator")
    for url in (f"/needs/{need.pk}/", f"/needs/{need.pk}/qr/"):
        page.goto(page.base + url)
        (text,) = read(page.locator(".qr svg").first.screenshot())
        assert text == settings.SITE_URL + reverse("needs:scan", args=[Need.objects.get(pk=need.pk).checkin_code])
    page.goto(page.base + f"/rosters/{post.pk}/qr.svg")
    (text,) = read(page.locator("svg").screenshot())
    post.refresh_from_db()
    assert text == settings.SITE_URL + reverse("rosters:checkin_qr", args=[post.checkin_token])
