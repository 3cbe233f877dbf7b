"""/api/v1/canvass/: a visitor's walk lists and the sync of visits recorded offline.

The phone queues visits with an idempotency key and posts them in batches; each visit gets its own
definite answer (recorded, replayed, conflict, or refused with the field), so the phone removes
exactly those and keeps the rest when the batch as a whole fails (401, 403, 5xx, no network).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from muster.canvass import actions, proposals, selectors
from muster.canvass.models import Visit
from muster.core.errors import InvalidInput

router = Router(tags=["canvass"])
MAX_BATCH = 200


class ListOut(Schema):
    id: int
    campaign: str
    number: int
    total: int
    done: int


class PersonIn(Schema):
    person_id: int | None = None
    name: str = ""
    answers: dict[str, Any] = Field(default_factory=dict)


class VisitIn(Schema):
    key: str
    door: int
    result: str
    recorded_at: dt.datetime
    people: list[PersonIn] = Field(default_factory=list)
    note: str = ""


class SyncIn(Schema):
    visits: list[VisitIn]


class ItemOut(Schema):
    key: str
    status: int
    outcome: str  # recorded | replayed | conflict | refused
    visit: int | None = None
    type: str | None = None
    title: str | None = None
    field: str | None = None


class SyncOut(Schema):
    results: list[ItemOut]


class DoorIn(Schema):
    building: int
    unit: str = ""
    room: str


class DoorOut(Schema):
    id: int
    building: str
    unit: str
    room: str
    status: str
    status_label: str
    rounds: int
    people: list[dict]


@router.post("/lists/{int:list_id}/doors", response={201: DoorOut}, url_name="canvass_door_add")
def door_add(request: HttpRequest, list_id: int, payload: DoorIn):
    """A household the registry lacks, found at the door: added to the registry and to this walk list."""
    wl = selectors.my_list(request.user, list_id)
    door = actions.door_add(actor=request.user, walk_list=wl, building=selectors.building_of(wl.campaign, payload.building),
                            unit=payload.unit, room=payload.room)
    return 201, {"id": door.pk, "building": door.building.name if door.building else "", "unit": door.unit,
                 "room": door.household.room, "status": door.status, "status_label": door.get_status_display(),
                 "rounds": 0, "people": []}


@router.get("/lists", response=list[ListOut])
def my_lists(request: HttpRequest):
    return [{"id": wl.pk, "campaign": wl.campaign.name, "number": wl.number, "total": wl.total, "done": wl.done}  # type: ignore[attr-defined]
            for wl in selectors.my_lists(request.user)]


def _data(v: VisitIn) -> actions.VisitData:
    return actions.VisitData(key=v.key, door_id=v.door, result=v.result, recorded_at=v.recorded_at, note=v.note,
                             people=[actions.PersonMet(person_id=p.person_id, name=p.name, answers=p.answers) for p in v.people])


def _item(key: str, visit, created: bool, e) -> dict:
    if e is not None:
        return {"key": key, "status": e.status, "outcome": "refused", "type": e.code, "title": str(e.message), "field": e.field}
    if visit.state == Visit.State.CONFLICT:
        return {"key": key, "status": 409, "outcome": "conflict", "visit": visit.pk, "type": "visit_conflict",
                "title": str(_conflict_title())}
    return {"key": key, "status": 201 if created else 200, "outcome": "recorded" if created else "replayed", "visit": visit.pk}


def _conflict_title():
    from django.utils.translation import gettext as _

    return _("Someone else already completed this household; the leader will decide.")


@router.post("/sync", response=SyncOut, url_name="canvass_sync")
def sync(request: HttpRequest, payload: SyncIn):
    """Record a batch of visits, each on its own: one refused visit never holds back the others."""
    if len(payload.visits) > MAX_BATCH:
        raise InvalidInput(field="visits")
    return {"results": _batch(request.user, payload.visits)}


def _batch(user, visits: list[VisitIn]) -> list[dict]:
    """A batch as the endpoint answers it (the benchmark's in-process path too)."""
    done = actions.visits_sync(actor=user, items=[_data(v) for v in visits])
    return [_item(v.key, *r) for v, r in zip(visits, done, strict=True)]


class FollowUpOut(Schema):
    id: int
    campaign: int
    kind: str
    label: str
    status: str
    every_hours: int
    due_at: dt.datetime
    overdue: bool
    assignee: str | None = None
    last_checked_at: dt.datetime | None = None
    last_checked_by: str | None = None
    last_result: str | None = None


class CheckIn(Schema):
    key: str
    result: str
    note: str = ""
    checked_at: dt.datetime | None = None


class CheckOut(Schema):
    id: int
    follow_up: int
    result: str
    checked_at: dt.datetime
    follow_up_status: str
    next_due_at: dt.datetime


def _followup(f) -> dict:
    last = f.last_check
    return {"id": f.pk, "campaign": f.campaign_id, "kind": f.kind, "label": f.label, "status": f.status,
            "every_hours": f.every_hours, "due_at": f.due_at, "overdue": f.overdue,
            "assignee": f.assignee.get_username() if f.assignee else None,
            "last_checked_at": last.checked_at if last else None, "last_checked_by": last.checked_by.get_username() if last else None,
            "last_result": last.result if last else None}


@router.get("/campaigns/{int:campaign_id}/followups", response=list[FollowUpOut], url_name="canvass_followups")
def followups(request: HttpRequest, campaign_id: int):
    """A campaign's open follow-ups (leaders), overdue ones flagged, with the last check: who, when, what."""
    return [_followup(f) for f in selectors.followups(request.user, selectors.campaign_for_leader(request.user, campaign_id))]


@router.get("/followups/mine", response=list[FollowUpOut], url_name="canvass_my_followups")
def my_followups(request: HttpRequest):
    return [_followup(f) for f in selectors.my_followups(request.user)]


@router.post("/followups/{int:followup_id}/checks", response={200: CheckOut, 201: CheckOut}, url_name="canvass_followup_check")
def followup_check(request: HttpRequest, followup_id: int, payload: CheckIn):
    """Record a check; the same key again answers 200 with the first check."""
    fu = selectors.followup_for(request.user, followup_id)
    check, created = actions.followup_check(actor=request.user, follow_up=fu, key=payload.key, result=payload.result,
                                            note=payload.note, checked_at=payload.checked_at)
    return (201 if created else 200), {"id": check.pk, "follow_up": fu.pk, "result": check.result, "checked_at": check.checked_at,
                                       "follow_up_status": fu.status, "next_due_at": fu.due_at}


class LineOut(Schema):
    walk_list: int
    number: int
    kind: str  # user | team
    id: int
    name: str
    metres: int


class ProposalOut(Schema):
    lines: list[LineOut]
    left: int


class LineIn(Schema):
    walk_list: int
    kind: str
    id: int


class ApplyIn(Schema):
    lines: list[LineIn]


@router.get("/campaigns/{int:campaign_id}/proposal", response=ProposalOut, url_name="canvass_proposal")
def proposal(request: HttpRequest, campaign_id: int):
    """The dispatch engine's proposal for the campaign's unassigned walk lists (nothing is written)."""
    lines, left = proposals.propose(selectors.campaign_for_leader(request.user, campaign_id))
    return {"lines": [{"walk_list": ln.walk_list.pk, "number": ln.walk_list.number, "kind": ln.kind, "id": ln.target_id,
                       "name": ln.name, "metres": ln.metres} for ln in lines], "left": left}


@router.post("/campaigns/{int:campaign_id}/proposal/apply", response=dict, url_name="canvass_proposal_apply")
def proposal_apply(request: HttpRequest, campaign_id: int, payload: ApplyIn):
    """Apply the reviewed lines in one step: all or nothing."""
    c = selectors.campaign_for_leader(request.user, campaign_id)
    return {"assigned": actions.lists_apply(actor=request.user, campaign=c,
                                            lines=[(ln.walk_list, ln.kind, ln.id) for ln in payload.lines])}
