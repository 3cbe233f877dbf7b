"""The weekly page as a PDF: shift plan, night-patrol plan and duty record, with an embedded Chinese font."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape as xml_escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from muster.web.fonts import cjk_font, printable


def escape(text: str) -> str:
    """Text for a Paragraph: markup escaped, and characters the font cannot draw replaced."""
    return xml_escape(printable(text))


def week_pdf(week) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    body = ParagraphStyle("b", fontName=font, fontSize=8.5, leading=11)
    head = ParagraphStyle("h", fontName=font, fontSize=15, leading=19, spaceAfter=4)
    sub = ParagraphStyle("s", fontName=font, fontSize=11, leading=14, spaceBefore=6, spaceAfter=3)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
                            bottomMargin=10 * mm, title=f"{week.post.name} {week.monday:%Y-%m-%d}", author="Muster")
    post = week.post
    # Every value a user typed goes in escaped: Paragraph reads its text as markup, and a name
    # like `<b>x` broke the build (a 500) while `<a href=…>` planted a link in the printed book.
    story = [Paragraph(escape(f"{post.site.region.name} · {post.site.name} · {post.name}"), head),
             Paragraph(_("Week of %(date)s") % {"date": f"{week.days[0]:%Y-%m-%d} – {week.days[-1]:%Y-%m-%d}"}, body)]
    daynames = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    header = [Paragraph(_("Band"), body)] + [Paragraph(f"{daynames[i]} {d:%m-%d}", body) for i, d in enumerate(week.days)]

    def plan_table(rows):
        data = [header]
        for label, cells in rows:
            data.append([Paragraph(escape(str(label)), body)] + [
                Paragraph("<br/>".join(escape(("✓" if c["in"] else "") + c["a"].person.name +
                                              "".join(f" → {p.name}" for p in c["stand_ins"])) for c in cell) or "—", body)
                for cell in cells])
        t = Table(data, colWidths=[28 * mm] + [35 * mm] * 7, repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    story += [Paragraph(_("Shift plan"), sub), plan_table(week.duty)]
    if week.patrol:
        story += [Paragraph(_("Night-patrol plan"), sub), plan_table(week.patrol)]
    story += [Paragraph(_("Duty record"), sub)]
    tz = timezone.get_current_timezone()
    lines = [[Paragraph(_("Time"), body), Paragraph(_("Who"), body), Paragraph(_("Record"), body)]]
    for c in week.checkins:
        lines.append([Paragraph(f"{c.at.astimezone(tz):%m-%d %H:%M}", body), Paragraph(escape(c.person.name), body),
                      Paragraph(escape(_("Checked in (%(method)s)") % {"method": c.get_method_display()}), body)])
    for n in week.notes:
        who = n.author.name if n.author_id else (n.by.get_username() if n.by_id else "")
        text = escape(n.text).replace("\n", "<br/>")
        lines.append([Paragraph(f"{n.at.astimezone(tz):%m-%d %H:%M}", body), Paragraph(escape(who), body),
                      Paragraph(f"[{escape(n.get_kind_display())}] {text}", body)])
    lines[1:] = sorted(lines[1:], key=lambda r: r[0].text)
    if len(lines) == 1:
        lines.append([Paragraph("—", body), Paragraph("", body), Paragraph(_("Nothing recorded yet."), body)])
    t = Table(lines, colWidths=[28 * mm, 35 * mm, 210 * mm], repeatRows=1)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [t, Spacer(1, 4 * mm), Paragraph("✓ = " + pgettext("a shift that was worked", "checked in") + "  → = " + _("covered by"), body)]
    doc.build(story)
    return buf.getvalue()
