"""The resident's own-data download as a PDF, with an embedded Chinese font (see testing/pdf.py)."""

from __future__ import annotations

import io

from muster.web.fonts import cjk_font, printable


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
        c.drawString(20 * mm + indent, y, printable(text[:90]))
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
