"""PDFs with an embedded Chinese font and a verification QR: the test report (and, for quarantine, the release notice)."""

from __future__ import annotations

import io

from muster.web.fonts import cjk_font, printable


def _qr(canvas, url: str, x: float, y: float, size: float) -> None:
    from muster.web import qr

    matrix = qr.matrix(url)
    n = len(matrix)
    cell = size / (n + 8)
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, v in enumerate(row):
            if v:
                canvas.rect(x + (c + 4) * cell, y + size - (r + 5) * cell, cell, cell, stroke=0, fill=1)


def document(pages: list[dict], title: str) -> bytes:
    """One A4 page per entry: {"title", "lines": [(label, value)], "paragraphs": [...], "url", "footer"}."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font = cjk_font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setTitle(title)
    c.setAuthor("Muster")
    w, h = A4
    for page in pages:
        c.setFont(font, 20)
        c.drawCentredString(w / 2, h - 30 * mm, printable(page["title"]))
        if page.get("subtitle"):
            c.setFont(font, 11)
            c.drawCentredString(w / 2, h - 38 * mm, printable(page["subtitle"]))
        y = h - 55 * mm
        c.setFont(font, 12)
        for label, value in page.get("lines", []):
            c.drawString(25 * mm, y, printable(f"{label}："))
            c.drawString(70 * mm, y, printable(str(value)))
            y -= 9 * mm
        y -= 4 * mm
        for para in page.get("paragraphs", []):
            for chunk in [para[i : i + 38] for i in range(0, len(para), 38)]:
                c.drawString(25 * mm, y, printable(chunk))
                y -= 7 * mm
            y -= 3 * mm
        if page.get("url"):
            _qr(c, page["url"], w - 75 * mm, 25 * mm, 50 * mm)
            c.setFont(font, 8)
            c.drawString(25 * mm, 30 * mm, printable(page.get("verify_label", "")))
            c.drawString(25 * mm, 25 * mm, printable(page["url"]))
        if page.get("footer"):
            c.setFont(font, 10)
            c.drawString(25 * mm, 40 * mm, printable(page["footer"]))
        c.showPage()
    c.save()
    return buf.getvalue()
