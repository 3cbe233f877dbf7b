"""/api/v1/quarantine/: cases and releases."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from pydantic import Field

from muster.core import pii
from muster.core.api import Paged, paged
from muster.core.errors import NotFound
from muster.quarantine import actions, selectors

router = Router(tags=["quarantine"])


class CaseOut(Schema):
    id: int
    person: str
    id_masked: str
    site: int
    site_name: str
    room: str
    start: dt.date
    planned_end: dt.date
    required_tests: int
    status: str
    releasable: bool
    notice: str | None


def case_out(c) -> dict:
    notice = getattr(c, "notice", None) if c.status == "released" else None
    return {"id": c.pk, "person": c.person.name, "id_masked": c.person.id_masked, "site": c.site_id, "site_name": c.site.name,
            "room": c.room, "start": c.start, "planned_end": c.planned_end, "required_tests": c.required_tests, "status": c.status,
            "releasable": selectors.release_check(c)[0] if c.status == "active" else False, "notice": notice.number if notice else None}


@router.get("/cases", response=Paged[CaseOut])
def list_cases(request, site: int | None = None, status: str = "", limit: int = 50, offset: int = 0):
    qs = selectors.cases_visible(request.user).order_by("planned_end", "pk")
    if site:
        qs = qs.filter(site_id=site)
    if status:
        qs = qs.filter(status=status)
    return paged(qs, limit, offset, case_out)


class CaseIn(Schema):
    id_type: str = pii.IdType.RESIDENT
    id_number: str = Field(max_length=30)
    site: int
    room: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=120)
    start: dt.date
    planned_end: dt.date
    required_tests: int = Field(default=2, ge=0, le=10)


@router.post("/cases", response={201: CaseOut})
def create_case(request, body: CaseIn):
    site = selectors.hotels_visible(request.user).filter(pk=body.site).first()
    if site is None:
        raise NotFound(field="site")
    number = pii.validate_id(body.id_type, body.id_number)
    person = selectors.person_for_case(request.user, body.id_type, number)
    case = actions.case_open(actor=request.user, data=actions.CaseData(person=person, site=site, start=body.start, planned_end=body.planned_end,
                                                                       required_tests=body.required_tests, room=body.room, reason=body.reason))
    return 201, case_out(selectors.case_get(request.user, case.pk))


@router.post("/cases/{int:case_id}/release", response=CaseOut)
def release_case(request, case_id: int):
    case = selectors.case_get(request.user, case_id)
    actions.case_release(actor=request.user, case=case)
    return case_out(selectors.case_get(request.user, case_id))


@router.post("/hotels/{int:site_id}/release", summary="Release every case at a hotel whose rules are met")
def release_hotel(request, site_id: int):
    site = selectors.hotels_visible(request.user).filter(pk=site_id).first()
    if site is None:
        raise NotFound()
    notices = actions.hotel_release(actor=request.user, site=site)
    return {"released": len(notices), "notices": [n.number for n in notices]}
