"""Demo data for mass testing: a Fengtai round under way at 蒲安里, with a box at the lab and a recall.

Runs inside the demo's transaction, so rows are written directly (the actions open durable transactions).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.core import purpose


def build(ctx) -> None:
    from muster.geo.models import Region
    from muster.people.models import Person
    from muster.testing.actions import new_code, recalls_follow_up
    from muster.testing.models import (
        Box,
        Campaign,
        CollectionPoint,
        CustodyEvent,
        Registration,
        Sample,
        SingleTubeFlag,
        Tube,
    )

    fengtai = Region.objects.get(code="110106000000")
    puanli = ctx.regions["puanli"]
    lab = ctx.sites["lab"]
    collection = ctx.sites.get("puanli.collection")
    if collection is None:
        return
    now = timezone.now()
    start = now - dt.timedelta(hours=6)
    c = Campaign.objects.create(name="丰台区第一轮全员核酸检测", region=fengtai, round=1, starts_at=start, ends_at=start + dt.timedelta(hours=15),
                                pool_size=10, prevalence=0.001, created_by=ctx.users["fengtai"], emergency_id=purpose.emergency_for(fengtai),
                                target_population=Person.objects.filter(region__path__startswith=fengtai.path).count())
    c.labs.set([lab])
    point = CollectionPoint.objects.create(campaign=c, site=collection, desks=6)
    clerk = ctx.users["clerk"]
    # The point's team and its staff roll: the morning shift is over and recorded, so its hours are in the
    # volunteer ledger (testing/service.py) once the worker collects them.
    from muster.testing.actions.shifts import shift_record
    from muster.testing.actions.teams import team_add

    roll = list(Person.objects.filter(region=puanli).order_by("pk")[200:204])
    for person, role in zip(roll, ("lead", "sampler", "sampler", "clerk"), strict=False):
        team_add(actor=ctx.users["fengtai"], point=point, person=person, role=role)
    for person in roll[:3]:
        shift_record(actor=ctx.users["fengtai"], point=point, person=person, starts_at=start, ends_at=start + dt.timedelta(hours=4))
    residents = list(Person.objects.filter(region=puanli).order_by("pk")[:120])
    contact = residents[-1]
    SingleTubeFlag.objects.create(person=contact, reason=SingleTubeFlag.Reason.CONTACT, note="新发地市场")
    for p in residents[:15]:
        Registration.objects.create(campaign=c, person=p, code=new_code())
    # 100 people in ten 10-in-1 tubes; the last tube still open at the desk.
    tubes = []
    for t in range(10):
        group = residents[t * 10 : t * 10 + (10 if t < 9 else 6)]
        at = start + dt.timedelta(minutes=20 * t)
        tube = Tube.objects.create(barcode=f"T{2020061100 + t}", campaign=c, point=point, capacity=10, count=len(group),
                                   status=Tube.Status.CLOSED if t < 9 else Tube.Status.OPEN, opened_at=at, opened_by=clerk,
                                   closed_at=at + dt.timedelta(minutes=15) if t < 9 else None)
        Sample.objects.bulk_create([Sample(campaign=c, person=p, tube=tube, point=point, registered_at=at + dt.timedelta(minutes=i),
                                           registered_by=clerk, client_key=f"demo-{c.pk}-{p.pk}") for i, p in enumerate(group)])
        tubes.append(tube)
    received = Box.objects.create(barcode="B20200611", campaign=c, point=point, lab=lab, status=Box.Status.RECEIVED, tube_count=6,
                                  created_by=clerk, closed_at=start + dt.timedelta(hours=2), closed_by=clerk,
                                  handed_at=start + dt.timedelta(hours=2, minutes=10), courier="刘师傅",
                                  received_at=start + dt.timedelta(hours=3), received_by=ctx.users["lab"], receiver="检测员")
    late = Box.objects.create(barcode="B20200612", campaign=c, point=point, lab=lab, status=Box.Status.IN_TRANSIT, tube_count=2,
                              created_by=clerk, closed_at=start + dt.timedelta(minutes=30), closed_by=clerk,
                              handed_at=start + dt.timedelta(minutes=40), courier="张师傅")
    for box in (received, late):
        CustodyEvent.objects.create(box=box, kind=CustodyEvent.Kind.SEALED, at=box.closed_at, by=clerk, name="登记员")
        CustodyEvent.objects.create(box=box, kind=CustodyEvent.Kind.HANDED, at=box.handed_at, by=clerk, name=box.courier)
    CustodyEvent.objects.create(box=received, kind=CustodyEvent.Kind.RECEIVED, at=received.received_at, by=ctx.users["lab"], name="检测员")
    Tube.objects.filter(pk__in=[t.pk for t in tubes[:6]]).update(box=received)
    Tube.objects.filter(pk__in=[t.pk for t in tubes[6:8]]).update(box=late)
    # Results for the received box: one positive pool, which opens a recall of its ten people.
    resulted = list(Tube.objects.filter(pk__in=[t.pk for t in tubes[:5]]))
    for i, t in enumerate(resulted):
        t.result = Tube.Result.POSITIVE if i == 2 else Tube.Result.NEGATIVE
        t.ct = 27.4 if i == 2 else None
        t.resulted_at = start + dt.timedelta(hours=4, minutes=i * 5)
        t.resulted_by = ctx.users["lab"]
    Tube.objects.bulk_update(resulted, ["result", "ct", "resulted_at", "resulted_by"])
    recalls_follow_up(resulted, now)
