"""The certificate's QR, drawn as runs of modules in one path, still reads back its verify address."""

from __future__ import annotations

from muster.volunteering.pdf import certificate_pdf
from muster.web.tests.test_qr import pdf_codes


def test_the_certificate_qr_reads_back_the_verify_address():
    url = "https://muster.example.cn/volunteering/verify/V202000000001/?d=abcdef0123456789"
    pdf = certificate_pdf(number="V202000000001", name="张秀英", id_masked="110105********002X",
                          period="2020年06月11日至2020年07月31日", hours="80.00", records=20, units="蒲安里第二社区",
                          lines=[("2020-06-11", "敲门行动入户登记", "蒲安里第二社区", "4.00")] * 3,
                          issued="2020年08月01日", verify_url=url)
    assert pdf_codes(pdf) == [url]
