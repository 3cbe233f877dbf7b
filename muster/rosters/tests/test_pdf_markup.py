"""Names go into the week PDF as text, never as reportlab markup (issue 10: `<b>x` made it a 500)."""

import datetime as dt
from types import SimpleNamespace as NS

from django.utils import timezone

from muster.rosters.pdf import week_pdf
from muster.web.tests.test_pdf_markup import pdf_text

HOSTILE = "<b>x</a>&"


def test_week_pdf_takes_markup_in_names_as_text():
    monday = dt.date(2020, 6, 15)
    person = NS(name=f"{HOSTILE}人")
    stand_in = NS(name=f"{HOSTILE}替")
    cell = [{"in": True, "a": NS(person=person), "stand_ins": [stand_in]}]
    at = timezone.make_aware(dt.datetime(2020, 6, 15, 7, 0))
    week = NS(post=NS(name=f'岗<a href="https://evil.example/">点</a>{HOSTILE}',
                      site=NS(name=f"{HOSTILE}门", region=NS(name=f"{HOSTILE}社区"))),
              monday=monday, days=[monday + dt.timedelta(days=i) for i in range(7)],
              duty=[(f"06:30 {HOSTILE}", [cell] * 7)], patrol=[(f"22:00 {HOSTILE}", [cell] * 7)],
              checkins=[NS(at=at, person=person, get_method_display=lambda: f"QR {HOSTILE}")],
              notes=[NS(at=at, author_id=1, author=person, by_id=None, text=f"{HOSTILE}\n第二行",
                        get_kind_display=lambda: f"记 {HOSTILE}")])
    pdf = week_pdf(week)
    assert pdf.startswith(b"%PDF") and b"/URI" not in pdf  # built, and no link planted
    text = pdf_text(pdf)
    for expected in (f"{HOSTILE}人", f"{HOSTILE}门", f"{HOSTILE}社区", '<a href="https://evil.example/">', "第二行"):
        assert expected in text, expected
