"""The certificate of service (志愿服务证明) as a PDF: Chinese text in the embedded CJK font, and a QR to its
verify page on SITE_URL."""

from __future__ import annotations

import io

from muster.web.fonts import cjk_font, printable


def _qr(canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR's dark modules as one filled path of horizontal runs, drawn in module units: a rectangle per run
    (not per module) and small integer coordinates, which is most of what rendering a certificate cost."""
    from muster.web import qr

    matrix = qr.matrix(url)
    n = len(matrix)
    cell = size / (n + 8)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    # Module (c, r) covers [c, c+1] x [-(r+1), -r] once scaled: row 0 at the top, as the old drawing placed it.
    canvas.translate(x + 4 * cell, y + size - 4 * cell)
    canvas.scale(cell, cell)
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append(f"{start} {-(r + 1)} {c - start} 1 re")
            else:
                c += 1
    # Whole numbers: written as they are, without reportlab's float formatting of every coordinate.
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()


def certificate_pdf(*, number: str, name: str, id_masked: str, period: str, hours: str, records: int, units: str,
                    lines: list[tuple[str, str, str, str]], issued: str, verify_url: str) -> bytes:
    """One A4 page (more if the record lines run over): the statement, the lines, the number and the QR."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font = cjk_font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setTitle(f"志愿服务证明 {number}")
    c.setAuthor("Muster")
    w, h = A4
    c.setFont(font, 22)
    c.drawCentredString(w / 2, h - 30 * mm, "志愿服务证明")
    c.setFont(font, 10)
    c.drawRightString(w - 20 * mm, h - 40 * mm, f"证明编号：{number}")
    text = c.beginText(20 * mm, h - 55 * mm)
    text.setFont(font, 12)
    text.setLeading(20)
    body = (f"兹证明 {name}（证件号 {id_masked}）于 {period} 期间参加志愿服务 {records} 次，"
            f"累计志愿服务时长 {hours} 小时。")
    for chunk in _wrap(printable(body), 38):
        text.textLine(chunk)
    for chunk in _wrap(printable(f"记录单位：{units}"), 38):
        text.textLine(chunk)
    c.drawText(text)
    y = h - 55 * mm - 20 * (len(_wrap(body, 38)) + len(_wrap(units, 38)) + 2)
    c.setFont(font, 9)
    for date, activity, unit, hrs in lines:
        if y < 60 * mm:
            c.showPage()
            c.setFont(font, 9)
            y = h - 25 * mm
        c.drawString(20 * mm, y, printable(f"{date}  {activity[:30]}  {unit[:18]}  {hrs} 小时"))
        y -= 14
    c.setFont(font, 10)
    c.drawString(20 * mm, 45 * mm, f"出具日期：{issued}")
    c.drawString(20 * mm, 38 * mm, "扫描右侧二维码或访问以下地址核验本证明：")
    c.setFont(font, 7)
    c.drawString(20 * mm, 32 * mm, verify_url[:110])
    _qr(c, verify_url, w - 60 * mm, 20 * mm, 40 * mm)
    c.save()
    return buf.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]
