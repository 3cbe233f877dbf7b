"""Demo data for quarantine: a hotel in Fengtai with people due for release today and others mid-stay.

Runs inside the demo's transaction, so rows are written directly (the actions open durable transactions).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.core import purpose


def build(ctx) -> None:
    from muster.geo.models import Site
    from muster.people.models import Person
    from muster.quarantine.models import Case, CaseTest
    from muster.testing.models import SingleTubeFlag

    puanli = ctx.regions["puanli"]
    hotel, _c = Site.objects.get_or_create(region=puanli, name="丰台区集中隔离观察点（某酒店）",
                                           defaults={"kind": Site.Kind.HOTEL, "address": "蒲安里附近"})
    ctx.sites["puanli.hotel"] = hotel
    today = timezone.localdate()
    # Residents, not the gate team (the latest rows of Puanli are the team's retired party members):
    # a team quarantined wholesale leaves the gate unstaffed. One team member is mid-stay, so the
    # roster page shows someone left out and why.
    team = [p.pk for p in getattr(ctx, "gate_team", [])]
    people = list(Person.objects.filter(region=puanli).exclude(pk__in=team).order_by("-pk")[:11])
    people += list(Person.objects.filter(pk__in=team[4:5]))
    coordinator = ctx.users.get("puanli")
    for i, person in enumerate(people):
        days_in = 15 if i < 6 else 7
        case = Case.objects.create(person=person, site=hotel, room=f"{3 + i // 4}{i % 4 + 1:02d}", reason="新发地市场密切接触者",
                                   start=today - dt.timedelta(days=days_in), planned_end=today - dt.timedelta(days=days_in - 14),
                                   required_tests=2, created_by=coordinator, emergency_id=purpose.emergency_for(hotel.region))
        SingleTubeFlag.objects.create(person=person, reason=SingleTubeFlag.Reason.QUARANTINE, note=hotel.name)
        tests = [3, 1] if i < 5 else [2] if i < 9 else []
        for d in tests:
            CaseTest.objects.create(case=case, taken_on=today - dt.timedelta(days=d), result=CaseTest.Result.NEGATIVE, source="site",
                                    recorded_by=coordinator)
