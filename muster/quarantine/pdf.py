"""The release notice (解除医学观察通知书) as PDF, one page per notice, with a verification QR."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from muster.testing.pdf import document


def notices_pdf(notices, url_for) -> bytes:
    # The notice is an official paper in Chinese whatever the clerk's screen language.
    with translation.override("zh-hans"):
        return _notices_pdf(notices, url_for)


def _notices_pdf(notices, url_for) -> bytes:
    pages = []
    for n in notices:
        case = n.case
        person = case.person
        pages.append({
            "title": _("Release notice of medical observation"),
            "subtitle": _("No. %(number)s") % {"number": n.number},
            "lines": [(_("Name"), person.name), (_("ID number"), person.id_masked), (pgettext("quarantine place", "Place"), case.site.name),
                      (_("Room"), case.room or "—"), (_("Observation"), f"{case.start:%Y-%m-%d} – {timezone.localtime(case.released_at or n.issued_at):%Y-%m-%d}"),
                      (_("Issued"), f"{timezone.localtime(n.issued_at):%Y-%m-%d %H:%M}")],
            "paragraphs": [_("The person above has completed centralised medical observation, with the required nucleic acid tests "
                             "all negative, and is released from medical observation as of the date of issue. "
                             "Please keep monitoring your health for 14 days and report any fever or symptoms to your community.")],
            "footer": case.site.name,
            "verify_label": _("Scan the code or open this address to verify this notice:"), "url": url_for(n),
        })
    return document(pages, title=_("Release notice of medical observation"))
