"""/api/v1/emergencies/: what command declares, what belongs to it, and declaring it over."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from pydantic import Field

from muster.core.errors import NotFound
from muster.emergencies import actions, selectors
from muster.geo import selectors as geo

router = Router(tags=["emergencies"])


class WorkOut(Schema):
    kind: str
    count: int


class EmergencyOut(Schema):
    id: int
    name: str
    region: str
    region_name: str
    level: str
    purpose: str
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None


class EmergencyDetailOut(EmergencyOut):
    work: list[WorkOut]


def emergency_out(e) -> dict:
    return {"id": e.pk, "name": e.name, "region": e.region.code, "region_name": e.region.name, "level": e.level,
            "purpose": e.purpose, "status": e.status, "started_at": e.started_at, "ended_at": e.ended_at}


@router.get("", response=list[EmergencyOut], summary="Emergencies of the regions you command")
def list_emergencies(request, status: str = ""):
    qs = selectors.emergencies_visible(request.user).order_by("-started_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return [emergency_out(e) for e in qs[:200]]


@router.get("/{int:emergency_id}", response=EmergencyDetailOut)
def get_emergency(request, emergency_id: int):
    e = selectors.emergency_get(request.user, emergency_id)
    return {**emergency_out(e), "work": [{"kind": k, "count": n} for k, n in selectors.emergency_work(e)]}


class DeclareIn(Schema):
    name: str = Field(max_length=120)
    region: str = Field(max_length=12, description="12-digit code of a region you command")
    level: str = Field(max_length=1, description="Response level: 1 (Ⅰ, most severe) to 4 (Ⅳ)")
    purpose: str = Field(max_length=2000, description="What the personal data collected in it may be used for")
    started_at: dt.datetime | None = None


@router.post("", response={201: EmergencyOut}, summary="Declare an emergency")
def declare(request, body: DeclareIn):
    region = geo.regions_visible(request.user).filter(code=body.region).first()
    if region is None:
        raise NotFound(field="region")
    e = actions.emergency_declare(actor=request.user, name=body.name, region=region, level=body.level,
                                  purpose=body.purpose, started_at=body.started_at)
    return 201, emergency_out(e)


@router.post("/{int:emergency_id}/close", response=EmergencyOut, summary="Declare an emergency over")
def close(request, emergency_id: int):
    e = selectors.emergency_get(request.user, emergency_id)
    return emergency_out(actions.emergency_close(actor=request.user, emergency=e))


class AttachIn(Schema):
    kind: str = Field(max_length=80, description="Kind of work, e.g. testing.Campaign, needs.Need, rosters.Post, quarantine.Case")
    ids: list[int] = Field(min_length=1, max_length=1000)


class AttachOut(Schema):
    attached: int


@router.post("/{int:emergency_id}/attach", response=AttachOut, summary="Attach work in its region to an emergency")
def attach(request, emergency_id: int, body: AttachIn):
    e = selectors.emergency_get(request.user, emergency_id)
    return {"attached": actions.emergency_attach(actor=request.user, emergency=e, kind=body.kind, ids=body.ids)}
