import datetime as dt

from ninja import Router, Schema
from pydantic import Field

from muster.accounts.scoping import MANAGERS, Scope
from muster.checkpoints import actions, selectors
from muster.checkpoints.models import FeverAlert, Passage
from muster.core.api import Paged, paged
from muster.core.errors import Forbidden, NotFound
from muster.rosters.selectors import posts_visible

router = Router(tags=["checkpoints"])


class PassageIn(Schema):
    post: int
    direction: Passage.Direction
    temperature: str = Field(description="°C, e.g. \"36.5\"; refused outside 34–43")
    health_code: Passage.Code
    pass_checked: bool = False
    code: str = Field("", max_length=80, description="ID number or personal QR content")
    visitor_name: str = Field("", max_length=60)
    note: str = Field("", max_length=200)


class PassageOut(Schema):
    id: int
    post: int
    at: dt.datetime
    person: int | None
    name: str
    visitor: bool
    direction: str
    temperature: float
    pass_checked: bool
    health_code: str
    fever: bool
    note: str


class AlertOut(Schema):
    id: int
    status: str
    passage: PassageOut
    outcome: str


class CloseIn(Schema):
    outcome: str = Field(min_length=1, max_length=200)


class HourOut(Schema):
    hour: int
    total: int
    ins: int
    outs: int
    fevers: int


def passage_out(p: Passage) -> dict:
    return {"id": p.id, "post": p.post_id, "at": p.at, "person": p.person_id, "name": p.who, "visitor": not p.person_id,
            "direction": p.direction, "temperature": float(p.temperature), "pass_checked": p.pass_checked,
            "health_code": p.health_code, "fever": p.fever, "note": p.note}


def alert_out(a: FeverAlert) -> dict:
    return {"id": a.id, "status": a.status, "passage": passage_out(a.passage), "outcome": a.outcome}


@router.post("/passages", response={201: PassageOut}, summary="Record a passage check at a post you are on duty at")
def record(request, body: PassageIn):
    post = posts_visible(request.user).filter(pk=body.post).first()
    if post is None:
        raise NotFound()
    p = actions.passage_record(actor=request.user, post=post, data=actions.PassageData(
        direction=body.direction, temperature=body.temperature, health_code=body.health_code, pass_checked=body.pass_checked,
        code=body.code, visitor_name=body.visitor_name, note=body.note))
    return 201, passage_out(p)


@router.get("/passages", response=Paged[PassageOut], summary="The register, scoped to your region or site")
def register(request, post: int | None = None, day_from: dt.date | None = None, day_to: dt.date | None = None,
             fever: bool = False, q: str = "", limit: int = 50, offset: int = 0):
    post_obj = None
    if post is not None:
        post_obj = selectors.posts_for_register(request.user).filter(pk=post).first()
        if post_obj is None:
            raise NotFound()
    qs = selectors.passages(request.user, post=post_obj, day_from=day_from, day_to=day_to, fever_only=fever, q=q)
    return paged(qs, limit, offset, passage_out)


@router.get("/posts/{int:post_id}/hourly", response=list[HourOut], summary="Passages per hour of one day")
def hourly(request, post_id: int, day: dt.date):
    post = selectors.posts_for_register(request.user).filter(pk=post_id).first()
    if post is None:
        raise NotFound()
    return [{k: r[k] for k in ("hour", "total", "ins", "outs", "fevers")} for r in selectors.hourly(request.user, post, day)]


@router.get("/alerts", response=list[AlertOut], summary="Fever alerts for follow-up")
def list_alerts(request, status: FeverAlert.Status | None = FeverAlert.Status.OPEN):
    if not Scope.of(request.user).has_role(MANAGERS):
        raise Forbidden()
    return [alert_out(a) for a in selectors.alerts(request.user, status)[:200]]


@router.post("/alerts/{int:alert_id}/close", response=AlertOut, summary="Record the follow-up of a fever alert")
def close_alert(request, alert_id: int, body: CloseIn):
    a = selectors.alerts(request.user, None).filter(pk=alert_id).first()
    if a is None:
        raise NotFound()
    return alert_out(actions.alert_close(actor=request.user, alert=a, outcome=body.outcome))
