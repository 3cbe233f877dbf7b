"""Reports to needs are the person's own service record: kept, and shown to them (PIPL art. 45)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muster.core import retention
from muster.needs.models import Report


def subject(person) -> list[dict]:
    rows = Report.objects.filter(person=person).select_related("need__role", "need__region").order_by("-created_at")[:500]
    return [{str(_("Need")): r.need.title or str(r.need.role), str(_("Community")): r.need.region.name,
             str(_("Start")): f"{timezone.localtime(r.need.start):%Y-%m-%d %H:%M}", str(_("Status")): r.get_status_display(),
             str(_("Hours")): str(r.hours or "")} for r in rows]


retention.register(retention.RecordType(
    key="needs.report", label=_("Reports to needs"), default_days=0, floor_days=0, max_days=0,
    anchor=_("kept with the person"), reason=_("The person's own record of service; it keeps the person's record."),
    action=retention.KEEP, order=95, subject=subject,
))
