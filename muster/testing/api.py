"""/api/v1/testing/: campaigns and boards, the desk (with idempotency keys), boxes, lab results."""

from __future__ import annotations

from ninja import Router, Schema
from pydantic import Field

from muster.core.api import Paged, paged
from muster.core.errors import InvalidInput
from muster.testing import actions, selectors
from muster.testing.parsing import parse_result_items

router = Router(tags=["testing"])


class CampaignOut(Schema):
    id: int
    name: str
    region: str
    region_name: str
    round: int
    pool_size: int
    status: str
    starts_at: str
    ends_at: str
    target_population: int


def campaign_out(c) -> dict:
    return {"id": c.pk, "name": c.name, "region": c.region.code, "region_name": c.region.name, "round": c.round,
            "pool_size": c.pool_size, "status": c.status, "starts_at": c.starts_at.isoformat(), "ends_at": c.ends_at.isoformat(),
            "target_population": c.target_population}


@router.get("/campaigns", response=Paged[CampaignOut], summary="Campaigns you can see")
def list_campaigns(request, limit: int = 50, offset: int = 0):
    return paged(selectors.campaigns_visible(request.user).order_by("-starts_at", "-id"), limit, offset, campaign_out)


@router.get("/campaigns/{int:campaign_id}", response=CampaignOut)
def get_campaign(request, campaign_id: int):
    return campaign_out(selectors.campaign_get(request.user, campaign_id))


@router.get("/campaigns/{int:campaign_id}/progress", summary="The progress board's figures")
def campaign_progress(request, campaign_id: int):
    c = selectors.campaign_get(request.user, campaign_id)
    return {"campaign": selectors.progress(c),
            "points": [{"point": p.pk, "site": p.site.name, **s} for p, s in selectors.progress_by_point(c)]}


class TubeIn(Schema):
    barcode: str = Field(max_length=30)
    single: bool = False


class TubeOut(Schema):
    barcode: str
    count: int
    capacity: int
    status: str


@router.post("/points/{int:point_id}/tubes", response={201: TubeOut},
             summary="Open a tube at a desk (sending it again while it is open resumes it)")
def open_tube(request, point_id: int, body: TubeIn):
    # A clerk at their own site opening a new tube: one statement, permission and audit event
    # included. Anything else (a resume, a used barcode, a refusal) takes the full path.
    done = actions.tube_open_direct(actor=request.user, point_id=point_id, barcode=body.barcode, single=body.single)
    if done is not None:
        return 201, done
    point = selectors.point_get(request.user, point_id)
    t = actions.tube_open(actor=request.user, point=point, barcode=body.barcode, single=body.single)
    return 201, {"barcode": t.barcode, "count": t.count, "capacity": t.capacity, "status": t.status}


@router.post("/points/{int:point_id}/tubes/{barcode}/close", response=TubeOut,
             summary="Close a tube on demand (closing a closed tube answers it again)")
def close_tube(request, point_id: int, barcode: str):
    point = selectors.point_get(request.user, point_id)
    t = actions.tube_close(actor=request.user, point=point, barcode=barcode)
    return {"barcode": t.barcode, "count": t.count, "capacity": t.capacity, "status": t.status}


class ScanIn(Schema):
    tube: str = Field(max_length=30)
    scan: str = Field(max_length=60, description="Personal QR payload or resident ID number")
    key: str = Field(min_length=1, max_length=64, description="Idempotency key: a resend with the same key returns the first answer")


class ScanOut(Schema):
    ok: bool
    replayed: bool
    sample: int
    person: str
    tube: TubeOut


@router.post("/points/{int:point_id}/scan", response=ScanOut, summary="Register a person's swab into the open tube")
def scan(request, point_id: int, body: ScanIn):
    # A clerk at their own site: one statement, permission included. Anything else, or any
    # refusal, takes the full path for its precise answer.
    done = actions.desk_scan_direct(actor=request.user, point_id=point_id, tube_barcode=body.tube, scan=body.scan,
                                    client_key=body.key)
    if done is not None:
        return done
    point = selectors.point_get(request.user, point_id)
    return actions.desk_scan(actor=request.user, point=point, tube_barcode=body.tube, scan=body.scan, client_key=body.key)


class WalkinIn(Schema):
    id_number: str = Field(max_length=30)
    name: str = Field(max_length=60)
    phone: str = Field(default="", max_length=20)
    key: str = Field(default="", max_length=64, description="Idempotency key: a resend with the same key returns the same person")


class WalkinOut(Schema):
    person: str


@router.post("/points/{int:point_id}/walkins", response={201: WalkinOut}, summary="Register a walk-in not in the registry")
def walkin(request, point_id: int, body: WalkinIn):
    point = selectors.point_get(request.user, point_id)
    person = actions.walkin_register(actor=request.user, point=point, name=body.name, id_number=body.id_number,
                                     phone=body.phone, client_key=body.key)
    return 201, {"person": person.name}


class ReceiveIn(Schema):
    barcode: str = Field(max_length=30)
    receiver: str = Field(default="", max_length=60)


@router.post("/labs/{int:lab_id}/receive", summary="Receive a box at the lab")
def receive(request, lab_id: int, body: ReceiveIn):
    lab = selectors.lab_get(request.user, lab_id)
    b = actions.box_receive(actor=request.user, lab=lab, barcode=body.barcode, receiver=body.receiver)
    return {"barcode": b.barcode, "status": b.status, "tubes": b.tube_count}


class ResultIn(Schema):
    tube: str = Field(max_length=30)
    result: str = Field(max_length=20)
    ct: float | None = Field(default=None, ge=0, le=50)


class ResultsIn(Schema):
    results: list[ResultIn] = Field(min_length=1, max_length=20000)


@router.post("/labs/{int:lab_id}/results", summary="Enter results: all or nothing, with a row report")
def results(request, lab_id: int, body: ResultsIn):
    lab = selectors.lab_get(request.user, lab_id)
    rows, errors = parse_result_items([(r.tube, r.result, r.ct) for r in body.results])
    report = actions.results_enter(actor=request.user, lab=lab, rows=rows, errors=errors)
    if not report.ok:
        raise InvalidInput(errors=[e.as_dict() for e in report.errors])
    return {"updated": report.updated, "unchanged": report.unchanged}


class LabTubeOut(Schema):
    barcode: str
    box: str
    count: int
    result: str
    ct: float | None


@router.get("/labs/{int:lab_id}/tubes", response=Paged[LabTubeOut], summary="Tubes sent to your lab (no personal data)")
def lab_tubes(request, lab_id: int, result: str = "", limit: int = 100, offset: int = 0):
    lab = selectors.lab_get(request.user, lab_id)
    return paged(selectors.lab_tubes(lab, result), limit, offset,
                 lambda t: {"barcode": t.barcode, "box": t.box.barcode, "count": t.count, "result": t.result, "ct": t.ct})
