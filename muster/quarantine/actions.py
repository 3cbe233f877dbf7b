"""Writes of quarantine: open a case, record tests, release with a notice (one by one or per hotel)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit, purpose
from muster.core.errors import Conflict, InvalidInput
from muster.core.transactions import atomic
from muster.geo.models import Site
from muster.people.models import Person
from muster.quarantine.audits import Audit
from muster.quarantine.models import Case, CaseTest, ReleaseNotice
from muster.quarantine.rules import may_open_case_for, require_site, unknown_person
from muster.quarantine.selectors import release_check
from muster.testing.actions import flag_set
from muster.testing.models import SingleTubeFlag


@dataclass
class CaseData:
    person: Person
    site: Site
    start: dt.date
    planned_end: dt.date
    required_tests: int = 2
    room: str = ""
    reason: str = ""


def case_open(*, actor, data: CaseData) -> Case:
    """Put a person under centralised observation; they are sampled alone from now on."""
    require_site(actor, data.site)
    if not may_open_case_for(actor, data.person):
        # Neither "already under observation" nor a new case and flag for someone elsewhere.
        raise unknown_person()
    if data.site.kind != Site.Kind.HOTEL:
        raise InvalidInput(_("The place must be a quarantine hotel."), field="site")
    if data.planned_end < data.start:
        raise InvalidInput(_("The planned end is before the start."), field="planned_end")
    if (data.planned_end - data.start).days > 60:
        raise InvalidInput(_("A stay longer than 60 days is not plausible."), field="planned_end")
    if not (0 <= data.required_tests <= 10):
        raise InvalidInput(_("Required tests must be between 0 and 10."), field="required_tests")
    try:
        with atomic():
            case = Case.objects.create(person=data.person, site=data.site, room=data.room.strip()[:20], reason=data.reason.strip()[:120],
                                       start=data.start, planned_end=data.planned_end, required_tests=data.required_tests,
                                       created_by=actor, emergency_id=purpose.emergency_for(data.site.region))
            flag_set(actor=None, person=data.person, reason=SingleTubeFlag.Reason.QUARANTINE, note=data.site.name)
            audit.record(actor=actor, action=Audit.QUARANTINE_OPEN, obj=case, region=data.site.region,
                         changes={"person": data.person.id_masked, "start": data.start, "planned_end": data.planned_end})
    except IntegrityError:
        raise Conflict(_("This person is already under observation."), field="person") from None
    return case


def case_test_record(*, actor, case: Case, taken_on: dt.date, result: str) -> CaseTest:
    require_site(actor, case.site)
    if result not in CaseTest.Result.values:
        raise InvalidInput(_("The result must be negative or positive."), field="result")
    if taken_on < case.start or taken_on > timezone.localdate():
        raise InvalidInput(_("The test date must lie between the start of the stay and today."), field="taken_on")
    try:
        with atomic():
            test = CaseTest.objects.create(case=case, taken_on=taken_on, result=result, source="site", recorded_by=actor)
            audit.record(actor=actor, action=Audit.QUARANTINE_TEST, obj=case, region=case.site.region, changes={"date": taken_on, "result": result})
    except IntegrityError:
        raise Conflict(_("A test for this day is already recorded."), field="taken_on") from None
    return test


def _notice_number(case: Case, now) -> str:
    return f"{case.site_id:04d}-{now:%Y%m%d}-{case.pk:06d}"


def case_release(*, actor, case: Case, today: dt.date | None = None) -> ReleaseNotice:
    """Release a case whose rules are met; issues the release notice."""
    require_site(actor, case.site)
    ok, reasons = release_check(case, today=today)
    if not ok:
        raise Conflict("; ".join(str(r) for r in reasons), code="not_releasable")
    return _release(actor, case)


def _release(actor, case: Case) -> ReleaseNotice:
    now = timezone.now()
    with atomic():
        n = Case.objects.filter(pk=case.pk, status=Case.Status.ACTIVE).update(status=Case.Status.RELEASED, released_at=now)
        if not n:
            raise Conflict(_("This case is no longer under observation."), code="not_active")
        notice = ReleaseNotice.objects.create(case=case, number=_notice_number(case, timezone.localtime(now)),
                                              token=secrets.token_urlsafe(24), issued_at=now, issued_by=actor)
        flag_set(actor=None, person=case.person, reason=SingleTubeFlag.Reason.QUARANTINE, active=False)
        audit.record(actor=actor, action=Audit.QUARANTINE_RELEASE, obj=case, region=case.site.region, changes={"notice": notice.number})
    case.status, case.released_at = Case.Status.RELEASED, now
    return notice


def hotel_release(*, actor, site: Site, today: dt.date | None = None) -> list[ReleaseNotice]:
    """Release every case at a hotel whose rules are met, in one transaction."""
    require_site(actor, site)
    notices = []
    with atomic():
        for case in Case.objects.filter(site=site, status=Case.Status.ACTIVE).select_related("person", "site__region"):
            if release_check(case, today=today)[0]:
                notices.append(_release(actor, case))
    return notices
