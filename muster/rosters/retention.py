"""Roster shifts are the person's own service record: kept, and shown to them (PIPL art. 45)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.core import retention
from muster.rosters.models import Assignment


def subject(person) -> list[dict]:
    rows = Assignment.objects.filter(person=person).select_related("post").order_by("-starts_at")[:500]
    return [{str(pgettext_lazy("checkpoint post", "Post")): a.post.name, str(_("Date")): a.date.isoformat(),
             str(_("Start")): f"{timezone.localtime(a.starts_at):%H:%M}", str(_("End")): f"{timezone.localtime(a.ends_at):%H:%M}"}
            for a in rows]


retention.register(retention.RecordType(
    key="rosters.shift", label=_("Roster shifts"), default_days=0, floor_days=0, max_days=0,
    anchor=_("kept with the person"), reason=_("The person's own record of service; it keeps the person's record."),
    action=retention.KEEP, order=96, subject=subject,
))
