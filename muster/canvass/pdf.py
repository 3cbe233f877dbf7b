"""The paper walk sheet (for when phones fail): one table per walk list, a line per door with boxes to tick."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from muster.canvass.models import Visit
from muster.web.fonts import cjk_font, printable


def walk_sheet(walk_list, doors) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    buf = io.BytesIO()
    c = walk_list.campaign
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=printable(f"{c.name} #{walk_list.number}"))
    h = ParagraphStyle("h", fontName=font, fontSize=14, leading=18)
    p = ParagraphStyle("p", fontName=font, fontSize=9, leading=12)
    codes = " · ".join(f"{i + 1} {label}" for i, (_code, label) in enumerate(Visit.Result.choices))
    # Paragraph reads markup: what coordinators typed (the campaign's name and purpose) is escaped.
    story = [Paragraph(escape(printable(_("Walk sheet %(n)s: %(campaign)s") % {"n": walk_list.number, "campaign": c.name})), h),
             Paragraph(escape(printable(c.purpose + " · " + _("Printed %(at)s") % {"at": f"{timezone.localtime():%Y-%m-%d %H:%M}"})), p),
             Paragraph(escape(printable(_("Result codes: %(codes)s") % {"codes": codes})), p), Spacer(1, 4 * mm)]
    head = [_("Building"), _("Unit"), _("Room"), _("Round 1"), _("Round 2"), _("Round 3"), _("People met, answers")]
    rows = [[printable(str(x)) for x in head]]
    for d in doors:
        rows.append([printable(d.building.name if d.building else ""), printable(d.unit), printable(d.household.room), "", "", "", ""])
    t = Table(rows, colWidths=[28 * mm, 14 * mm, 16 * mm, 16 * mm, 16 * mm, 16 * mm, 80 * mm], repeatRows=1)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
                           ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                           ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.Color(0.97, 0.97, 0.97)])]))
    story.append(t)
    doc.build(story)
    return buf.getvalue()
