"""Builders for canvass tests: buildings and households in the world's community, a campaign cut into lists."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from muster.canvass import actions
from muster.geo.models import Building, Household
from muster.testworld import make_user


def estate(world, buildings: int = 2, units: int = 2, rooms: int = 3) -> list[Household]:
    out = []
    for b in range(1, buildings + 1):
        bld = Building.objects.create(region=world.puanli, name=f"{b}号楼", lat=39.8629 + b * 0.0004, lon=116.4204 + b * 0.0003)
        for u in range(1, units + 1):
            for r in range(1, rooms + 1):
                out.append(Household.objects.create(region=world.puanli, building=bld, unit=f"{u}", room=f"{r}01"))
    return out


def campaign(world, lists: int = 2, **kw):
    estate(world, **{k: kw.pop(k) for k in ("buildings", "units", "rooms") if k in kw})
    now = timezone.now()
    c = actions.campaign_create(actor=world.coordinator, name="蒲安里敲门行动", region=world.puanli,
                                purpose_text="排查5月30日以来去过新发地市场的人员", template="market",
                                starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=3), **kw)
    wls = actions.lists_cut(actor=world.coordinator, campaign=c, lists=lists)
    visitors = []
    for i, wl in enumerate(wls):
        v = make_user(f"visitor{i}")
        actions.list_assign(actor=world.coordinator, walk_list=wl, assignee=v)
        visitors.append(v)
    return c, wls, visitors


def visit(user, door, result="completed", people=None, key=None, at=None):
    return actions.visit_record(actor=user, data=actions.VisitData(
        key=key or uuid.uuid4().hex, door_id=door.pk, result=result, recorded_at=at or timezone.now(),
        people=[actions.PersonMet(**p) for p in (people or [])]))
