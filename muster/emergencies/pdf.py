"""The resident's own-data download as a PDF, with an embedded Chinese font (see testing/pdf.py)."""

from __future__ import annotations

import io
import os
from functools import cache

FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]


@cache
def cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics

    for path in [os.environ.get("MUSTER_CJK_FONT", ""), *FONT_CANDIDATES]:
        if path and os.path.exists(path):
            from reportlab.pdfbase.ttfonts import TTFont

            try:
                pdfmetrics.registerFont(TTFont("MusterDataCJK", path, subfontIndex=0))
                return "MusterDataCJK"
            except Exception:  # noqa: BLE001 - a font reportlab cannot read: try the next
                continue
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def subject_pdf(title: str, doc: dict, labels: dict) -> bytes:
    """Every section as label: value lines, then the reads; new pages as needed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font = cjk_font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setTitle(title)
    c.setAuthor("Muster")
    w, h = A4
    y = h - 25 * mm

    def line(text: str, size: int = 10, indent: float = 0) -> None:
        nonlocal y
        if y < 20 * mm:
            c.showPage()
            y = h - 20 * mm
        c.setFont(font, size)
        c.drawString(20 * mm + indent, y, text[:90])
        y -= (size + 4) * 0.3528 * mm * 2.2

    line(title, 16)
    line(f"{labels['generated']}: {doc['generated_at'][:16].replace('T', ' ')}", 9)
    for section in doc["sections"]:
        y -= 3 * mm
        line(section["label"], 13)
        for row in section["rows"]:
            line("；".join(f"{k}：{v}" for k, v in row.items() if v not in ("", None)), 9, 4 * mm)
    y -= 3 * mm
    line(labels["reads"], 13)
    if not doc["reads"]:
        line(labels["no_reads"], 9, 4 * mm)
    for r in doc["reads"]:
        line(f"{r['at'][:16].replace('T', ' ')}  {r['who']}  {r['roles']}  {r['action']}", 9, 4 * mm)
    c.save()
    return buf.getvalue()
