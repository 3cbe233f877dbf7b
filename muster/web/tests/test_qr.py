"""Every QR code Muster prints is a standard QR code that a common decoder reads back exactly.

The decoder is zxing-cpp restricted to standard (model 2) QR codes: a Micro QR code, which
segno.make() used to choose for personal codes and zbar-based scanners cannot read, is not
found at all. The pages' SVG codes are read from a real browser (tests/e2e/test_qr_codes.py).
"""

import datetime as dt
import io
import re
from types import SimpleNamespace

import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp
from django.test import Client
from django.utils import timezone
from PIL import Image as PIL


def decode(image) -> list[str]:
    """The texts of the standard QR codes found in a PIL image."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCodeModel2))
    assert all(b.format == zxingcpp.BarcodeFormat.QRCode for b in found)
    return [b.text for b in found]


def pdf_codes(pdf: bytes) -> list[str]:
    """Render each page as the printer would (150 dpi) and read its QR codes."""
    doc = pdfium.PdfDocument(pdf)
    texts = []
    for i in range(len(doc)):
        texts += decode(doc[i].render(scale=150 / 72).to_pil())
    return texts


PERSONAL_CODE = "MP23456789ABCD"  # "MP" + 12: short enough for segno.make() to choose Micro QR


def test_short_content_used_to_become_a_micro_qr_that_standard_decoders_miss():
    micro = segno.make(PERSONAL_CODE, error="m")
    assert micro.is_micro
    buf = io.BytesIO()
    micro.save(buf, kind="png", scale=8, border=4)
    assert decode(PIL.open(io.BytesIO(buf.getvalue()))) == []


@pytest.mark.parametrize("content", [PERSONAL_CODE, "http://testserver/needs/scan/7KQ2M9XD/",
                                     "http://testserver/rosters/checkin/abcdefghijklmnopqrstuvwx/",
                                     "http://testserver/testing/verify/Zx8_tokentokentokentoken/"])
def test_the_helper_makes_standard_codes_that_read_back(content):
    from muster.web import qr

    assert not qr.make(content).is_micro
    assert decode(PIL.open(io.BytesIO(qr.png(content)))) == [content]
    assert "<svg" in qr.svg(content) and qr.svg(content, inline=False).startswith("<?xml")
    assert len(qr.matrix(content)) == qr.make(content).symbol_size(border=0)[0]


def test_test_report_pdf_qr_reads_back_the_verify_address(world, settings):
    from muster.testing.models import Report, Sample
    from muster.testing.tests.factories import campaign, people, sample_all

    c, point = campaign(world)
    (p,) = people(world, 1)
    sample_all(world, point, [p])
    client = Client()
    session = client.session
    session["testing_person"] = p.pk
    session.save()
    sample = Sample.objects.get(person=p)
    # The download button posts (the report is issued), then the download is a GET.
    # Paper outlives the address it was printed from: the QR holds the site's public address (SITE_URL),
    # not the Host the request came in on.
    settings.SITE_URL = "https://muster.example.cn"
    r = client.post(f"/testing/result/report/{sample.pk}.pdf", follow=True)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_codes(r.content)
    token = Report.objects.get(sample=sample).token
    assert text == f"https://muster.example.cn/testing/verify/{token}/"
    assert Client().get(text.removeprefix("https://muster.example.cn")).status_code == 200


def test_release_notice_pdf_qr_reads_back_each_notice_address():
    from muster.quarantine.pdf import notices_pdf

    now = timezone.now()
    notices = [SimpleNamespace(number=f"FT-2020-{i:04d}", issued_at=now, case=SimpleNamespace(
        person=SimpleNamespace(name="张秀英", id_masked="110105********002X"), site=SimpleNamespace(name="丰台区某隔离酒店"),
        room=f"30{i}", start=(now - dt.timedelta(days=14)).date(), released_at=now)) for i in range(1, 3)]
    pdf = notices_pdf(notices, lambda n: f"https://muster.example/quarantine/verify/{n.number}/")
    assert pdf_codes(pdf) == [f"https://muster.example/quarantine/verify/FT-2020-{i:04d}/" for i in range(1, 3)]


def test_no_qr_producer_calls_segno_directly():
    """One web layer for QR images: segno.make() anywhere else would bring Micro QR back."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "tests" not in p.parts and p.name != "qr.py" and re.search(r"\bsegno\b", p.read_text())]
    assert offenders == []
