"""User text in every PDF is text (issue 10): a name `<b>x</a>&` prints as typed and breaks nothing."""

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace as NS

from django.test import Client
from django.utils import timezone

from muster.web.tests.pdftext import pdf_text

HOSTILE = "<b>x</a>&"


def test_release_notice_prints_markup_in_names_aspdf_text():
    from muster.quarantine.pdf import notices_pdf

    now = timezone.now()
    notice = NS(number="FT-2020-0001", issued_at=now, case=NS(
        person=NS(name=f"{HOSTILE}张", id_masked="110105********002X"), site=NS(name=f"{HOSTILE}酒店"),
        room=HOSTILE, start=(now - dt.timedelta(days=14)).date(), released_at=now))
    pdf = notices_pdf([notice], lambda n: "https://muster.example/quarantine/verify/FT-2020-0001/")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert f"{HOSTILE}张" in text and f"{HOSTILE}酒店" in text


def test_test_report_prints_markup_in_names_aspdf_text(world):
    from muster.geo.models import Site
    from muster.people.models import Person
    from muster.testing.models import Campaign, Sample
    from muster.testing.tests.factories import campaign, people, sample_all

    c, point = campaign(world)
    (p,) = people(world, 1)
    sample_all(world, point, [p])
    Person.objects.filter(pk=p.pk).update(name=f"{HOSTILE}李")
    Campaign.objects.filter(pk=c.pk).update(name=f"{HOSTILE}第一轮")
    Site.objects.filter(pk=point.site_id).update(name=f"{HOSTILE}采样点")
    client = Client()
    session = client.session
    session["testing_person"] = p.pk
    session.save()
    # The download button posts (the report is issued), then the download is a GET.
    r = client.post(f"/testing/result/report/{Sample.objects.get(person=p).pk}.pdf", follow=True)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    assert f"{HOSTILE}李" in text and f"{HOSTILE}第一轮" in text and f"{HOSTILE}采样点" in text


def test_every_module_building_paragraphs_escapes():
    """reportlab's Paragraph reads markup: a module that builds one must escape what users typed."""
    root = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "tests" not in p.parts and re.search(r"\bParagraph\(", p.read_text())
                 and "from xml.sax.saxutils import escape" not in p.read_text()]
    assert offenders == []


def test_walk_sheet_prints_markup_in_campaign_name_as_text(client, world):
    from muster.canvass.models import Campaign
    from muster.canvass.tests.helpers import campaign

    c, wls, _visitors = campaign(world)
    Campaign.objects.filter(pk=c.pk).update(name=f"{HOSTILE}敲门", purpose=f"{HOSTILE}排查")
    client.force_login(world.coordinator)
    r = client.get(f"/canvass/l/{wls[0].pk}/sheet.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    assert f"{HOSTILE}敲门" in text and f"{HOSTILE}排查" in text
