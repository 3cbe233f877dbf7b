"""Reads of quarantine, scoped by the acting user."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import pii
from muster.core.errors import NotFound
from muster.geo.models import Site
from muster.people.models import Person
from muster.quarantine.models import Case, ReleaseNotice
from muster.quarantine.rules import HOTEL_ROLES, may_open_case_for, unknown_person
from muster.testing.models import Sample, Tube


def hotels_visible(user) -> QuerySet[Site]:
    scope = Scope.of(user)
    q = scope.region_q("region", MANAGERS) | Q(pk__in=scope.site_ids(HOTEL_ROLES))
    return Site.objects.filter(q, kind=Site.Kind.HOTEL).select_related("region")


def cases_visible(user) -> QuerySet[Case]:
    return Case.objects.filter(site__in=hotels_visible(user)).select_related("person", "site", "site__region")


def person_for_case(user, id_type: str, number: str) -> Person:
    """The person with this document number whom the user may open a case for; else the answer for nobody."""
    person = Person.objects.select_related("region").filter(id_type=id_type, id_hash=pii.lookup_hash(id_type, number)).first()
    if person is None or not may_open_case_for(user, person):
        raise unknown_person()
    return person


def case_get(user, pk: int) -> Case:
    case = cases_visible(user).filter(pk=pk).first()
    if case is None:
        raise NotFound()
    return case


def case_tests(case: Case) -> list[dict]:
    """Tests during the stay: recorded at the site, and results of testing campaigns."""
    tests = [{"date": t.taken_on, "result": t.result, "source": pgettext("quarantine place", "site")} for t in case.tests.all()]
    start = timezone.make_aware(dt.datetime.combine(case.start, dt.time()))
    for s in Sample.objects.filter(person=case.person, registered_at__gte=start).select_related("tube", "campaign"):
        if s.tube.count == 1 and s.tube.result in (Tube.Result.NEGATIVE, Tube.Result.POSITIVE):
            tests.append({"date": timezone.localtime(s.registered_at).date(), "result": s.tube.result, "source": s.campaign.name})
    tests.sort(key=lambda t: t["date"])
    return tests


def release_check(case: Case, today: dt.date | None = None) -> tuple[bool, list[str]]:
    """Whether the release rules are met: stay over, enough negative tests on different days, none positive, last negative."""
    today = today or timezone.localdate()
    reasons = []
    if case.status != Case.Status.ACTIVE:
        reasons.append(_("The case is not under observation."))
    if today < case.planned_end:
        reasons.append(_("The observation period ends on %(date)s.") % {"date": case.planned_end.isoformat()})
    tests = case_tests(case)
    if any(t["result"] == "positive" for t in tests):
        reasons.append(_("A test was positive."))
    negative_days = {t["date"] for t in tests if t["result"] == "negative"}
    if len(negative_days) < case.required_tests:
        reasons.append(_("%(have)s of %(need)s negative tests on different days.") % {"have": len(negative_days), "need": case.required_tests})
    if tests and tests[-1]["result"] != "negative":
        reasons.append(_("The latest test is not negative."))
    return not reasons, reasons


def notice_by_token(token: str) -> ReleaseNotice | None:
    if not token or len(token) > 40:
        return None
    return ReleaseNotice.objects.filter(token=token).select_related("case__person", "case__site").first()


def notice_of(case: Case) -> ReleaseNotice | None:
    """The release notice of a case the caller has already fetched through `case_get` (so within scope)."""
    return ReleaseNotice.objects.filter(case=case).select_related("case__person", "case__site").first()


def notices_issued(site: Site, day: dt.date) -> list[ReleaseNotice]:
    """Notices issued at a hotel (fetched through `hotels_visible`) on a local day, in room order to print."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return list(ReleaseNotice.objects.filter(case__site=site, issued_at__gte=start, issued_at__lt=start + dt.timedelta(days=1))
                .select_related("case__person", "case__site").order_by("case__room", "number"))
