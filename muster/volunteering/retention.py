"""A volunteer's registration and sign-ups are the person's own service record: kept, and shown to them (PIPL art. 45)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muster.core import retention
from muster.volunteering.models import ServiceRecord, Signup, Volunteer


def subject(person) -> list[dict]:
    rows = []
    v = Volunteer.objects.filter(person=person).select_related("region").first()
    if v is not None:
        rows.append({str(_("Volunteer registration")): v.region.name, str(_("Date of birth")): f"{v.birth_date:%Y-%m-%d}",
                     str(_("Service categories")): "、".join(v.category_labels()),
                     str(_("Consent given")): f"{timezone.localtime(v.consent_at):%Y-%m-%d %H:%M}",
                     str(_("Guardian")): v.guardian_name})
    for s in (Signup.objects.filter(person=person).select_related("session__project")
              .order_by("-session__starts_at")[:500]):
        rows.append({str(_("Volunteer project")): s.session.project.title,
                     str(_("Start")): f"{timezone.localtime(s.session.starts_at):%Y-%m-%d %H:%M}",
                     str(_("Status")): s.get_status_display()})
    for r in ServiceRecord.objects.filter(person=person)[:500]:
        rows.append({str(_("Service record")): r.activity, str(_("Date")): f"{r.date:%Y-%m-%d}", str(_("Hours")): str(r.hours),
                     str(_("Organising unit")): r.organiser})
    return rows


retention.register(retention.RecordType(
    key="volunteering.record", label=_("Volunteer registrations and service records"), default_days=0, floor_days=0,
    max_days=0, anchor=_("kept with the person"),
    reason=_("The volunteer's own record of service, which the national rules require to be kept and certified."),
    action=retention.KEEP, order=94, subject=subject,
))
