"""Retention of quarantine cases and release notices: N days after release.

While a case is active nothing is purged. `quarantine.case` days after release (or the
planned end, for a case transferred to hospital) the room and the reason are cleared and the
release notice is withdrawn (its verification link stops answering); the case row stays with
its dates, place and tests, so a hotel's occupancy and release figures are unchanged. The
person is anonymised by `people.person` once nothing else keeps them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.core import retention
from muster.quarantine.models import Case, ReleaseNotice

KEY = "quarantine.case"


def _ended_before(clock: retention.Clock) -> QuerySet:
    cutoff = clock.cutoff(KEY)
    return (Case.objects.exclude(status=Case.Status.ACTIVE)
            .annotate(ended=Coalesce(TruncDate("released_at"), "planned_end"))
            .filter(ended__lt=cutoff.date()))


def due(clock: retention.Clock) -> QuerySet:
    return _ended_before(clock).filter(~Q(room="") | ~Q(reason="") | Q(notice__isnull=False)).order_by()


def purge(pks: list[int], clock: retention.Clock) -> int:
    ids = list(due(clock).filter(pk__in=pks).values_list("pk", flat=True))
    notices = list(ReleaseNotice.objects.filter(case_id__in=ids).values_list("pk", flat=True))
    ReleaseNotice.objects.filter(pk__in=notices).delete()
    retention.scrub_audit("quarantine.releasenotice", notices)
    retention.scrub_audit("quarantine.case", ids)
    return Case.objects.filter(pk__in=ids).update(room="", reason="")


def live_people(clock: retention.Clock) -> QuerySet:
    ended = _ended_before(clock).values("pk")
    return Case.objects.exclude(pk__in=ended).values("person_id")


def subject(person) -> list[dict]:
    rows = Case.objects.filter(person=person).select_related("site").order_by("-start")
    return [{str(pgettext_lazy("quarantine place", "Place")): c.site.name, str(_("Room")): c.room, str(_("Start")): c.start.isoformat(),
             str(_("Planned end")): c.planned_end.isoformat(), str(_("Status")): c.get_status_display(),
             str(_("Release notice")): getattr(getattr(c, "notice", None), "number", "")} for c in rows]


retention.register(retention.RecordType(
    key=KEY, label=_("Quarantine cases and release notices"), default_days=180, floor_days=30, max_days=3 * 365,
    anchor=_("after release"),
    reason=_("A released person may need their notice for work or travel for some months, and a case may be asked "
             "about in follow-up of a cluster; after that the room, reason and notice go."),
    action=retention.ANONYMISE, model="quarantine.Case", due=due, purge=purge, person_field="person",
    live_people=live_people, covers=("quarantine.Case",), order=40, subject=subject,
))
