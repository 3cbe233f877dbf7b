"""/api/v1/volunteering/: the public project list and pages, and a volunteer's sign-ups.

Browsing needs no sign-in, as on the site. A sign-up takes an `Idempotency-Key` header: a phone that
retries after losing its network gets the first answer back instead of a "duplicate" refusal.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Router, Schema

from muster.core.api import Paged, paged
from muster.core.idempotency import run_once_for
from muster.volunteering import actions, selectors
from muster.volunteering.api_organise import router as organise_router
from muster.volunteering.api_teams import router as teams_router
from muster.volunteering.models import Category

router = Router(tags=["volunteering"])


class ProjectOut(Schema):
    id: int
    title: str
    category: str
    organiser: str
    region: str
    region_name: str
    site: str
    min_age: int
    open_places: int
    next_start: dt.datetime | None


class SessionOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    places: int
    open_places: int


class ProjectDetailOut(ProjectOut):
    description: str
    risks: str
    insurance_required: bool
    approval: str
    skills: list[str]
    sessions: list[SessionOut]


class SignupOut(Schema):
    id: int
    session_id: int
    project_id: int
    project_title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    waiting_position: int | None
    decision_note: str = ""  # the organiser's reason, when they declined the sign-up


class SignupCreatedOut(SignupOut):
    insurance_missing: bool
    insurance_note: str
    insurance_url: str


class SignupIn(Schema):
    waitlist: bool = False


def _project(p, open_places: int | None = None, next_start=None) -> dict:
    return {"id": p.pk, "title": p.title, "category": p.category, "organiser": p.organiser, "region": p.region.code,
            "region_name": p.region.name, "site": p.site.name if p.site_id else "", "min_age": p.min_age,
            "open_places": open_places if open_places is not None else getattr(p, "open_places", 0),
            "next_start": next_start if next_start is not None else getattr(p, "next_start", None)}


def _session(s) -> dict:
    return {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at, "places": s.places, "open_places": s.open_places}


def _signup(s) -> dict:
    return {"id": s.pk, "session_id": s.session_id, "project_id": s.session.project_id,
            "project_title": s.session.project.title, "starts_at": s.session.starts_at, "ends_at": s.session.ends_at,
            "status": s.status, "waiting_position": selectors.waiting_position(s), "decision_note": s.decision_note}


@router.get("/projects", response=Paged[ProjectOut], auth=None, summary="Open volunteer projects (no sign-in needed)")
def list_projects(request, q: str = "", category: Category | None = None, day: dt.date | None = None,
                  district: str = "", limit: int = 50, offset: int = 0):
    d = selectors.districts().filter(code=district[:12]).first() if district else None
    qs = selectors.projects_public(text=q[:60], category=category or "", day=day, district=d)
    return paged(qs, limit, offset, _project)


@router.get("/projects/{int:project_id}", response=ProjectDetailOut, auth=None,
            summary="A volunteer project with its sessions to come")
def get_project(request, project_id: int):
    p = selectors.project_public(project_id)
    sessions = list(selectors.sessions_of(p))
    return {**_project(p, sum(s.open_places for s in sessions), sessions[0].starts_at if sessions else None),
            "description": p.description, "risks": p.risks, "insurance_required": p.insurance_required,
            "approval": p.approval, "skills": [s.code for s in p.skills.all()],
            "sessions": [_session(s) for s in sessions]}


@router.post("/sessions/{int:session_id}/signup", response={201: SignupCreatedOut},
             summary="Sign up for a session, or join its waiting list (Idempotency-Key header). "
                     "`insurance_missing`: the project requires accident insurance and no policy of yours covers the "
                     "session's day; you are signed up, but record one (POST `insurance_url`) before the session, "
                     "or sign-in refuses you")
def signup(request, session_id: int, body: SignupIn):
    session = selectors.session_public(session_id)

    def do():
        # The row comes back with its session and project (read above): nothing to read again but a waiting position.
        row = actions.signup_create(actor=request.user, session=session, waitlist=body.waitlist)
        note = actions.insurance_missing_note(row.session) if row.insurance_missing else ""
        return 201, SignupCreatedOut(**_signup(row), insurance_missing=row.insurance_missing, insurance_note=note,
                                     insurance_url=reverse("api-v1:record_my_insurance") if note else ""
                                     ).model_dump(mode="json")

    status, out, _replayed = run_once_for(request, scope="volunteering.signup", fn=do)
    return status, out


@router.post("/signups/{int:signup_id}/withdraw", response=SignupOut, summary="Withdraw from a session")
def withdraw(request, signup_id: int):
    row = selectors.signup_mine(request.user, signup_id)
    actions.signup_withdraw(actor=request.user, signup=row)
    return _signup(selectors.signup_mine(request.user, signup_id))


@router.get("/signups/mine", response=Paged[SignupOut], summary="My sign-ups, latest session first")
def my_signups(request, limit: int = 50, offset: int = 0):
    return paged(selectors.signups_mine(request.user), limit, offset, _signup)


class AttendIn(Schema):
    code: str


class AttendOut(Schema):
    action: str
    session_id: int
    signed_in_at: dt.datetime
    signed_out_at: dt.datetime | None
    hours: float | None
    credited: bool


@router.post("/attend", response=AttendOut, summary="Sign in (first entry) or out (second) with a session's 6-digit code")
def attend(request, body: AttendIn):
    scan = actions.attendance_scan(actor=request.user, code=body.code[:20])
    a = scan.attendance
    return {"action": scan.action, "session_id": a.signup.session_id, "signed_in_at": a.signed_in_at,
            "signed_out_at": a.signed_out_at, "hours": float(a.hours) if a.hours is not None else None,
            "credited": a.credited}


class RecordOut(Schema):
    id: int
    activity: str
    date: dt.date
    place: str
    content: str
    hours: float
    organiser: str
    leader: str
    backfilled: bool


def _record(r) -> dict:
    return {"id": r.pk, "activity": r.activity, "date": r.date, "place": r.place, "content": r.content,
            "hours": float(r.hours), "organiser": r.organiser, "leader": r.leader, "backfilled": r.backfilled}


@router.get("/records/mine", response=Paged[RecordOut], summary="My service records (the hours ledger), latest first")
def my_records(request, limit: int = 50, offset: int = 0):
    return paged(selectors.records_mine(request.user), limit, offset, _record)


class CorrectionIn(Schema):
    reason: str
    hours: float | None = None


class CorrectionOut(Schema):
    id: int
    record_id: int
    status: str
    reason: str
    hours: float | None


@router.post("/records/{int:record_id}/correction", response={201: CorrectionOut},
             summary="Ask the organiser to correct one of my records (404 for anyone else's)")
def correction(request, record_id: int, body: CorrectionIn):
    record = selectors.record_mine(request.user, record_id)
    c = actions.correction_request(actor=request.user, record=record, reason=body.reason[:1000],
                                   hours=None if body.hours is None else str(body.hours))
    return 201, {"id": c.pk, "record_id": record.pk, "status": c.status, "reason": c.reason,
                 "hours": float(c.hours) if c.hours is not None else None}


class CertificateIn(Schema):
    period_from: dt.date
    period_to: dt.date


class CertificateOut(Schema):
    number: str
    hours: float
    records: int
    units: str
    pdf_url: str
    verify_url: str


@router.post("/certificates", response={201: CertificateOut}, summary="Issue my certificate of service for a period")
def certificate(request, body: CertificateIn):
    from django.urls import reverse

    from muster.core.links import absolute

    c = actions.certificate_issue(actor=request.user, period_from=body.period_from, period_to=body.period_to)
    verify = absolute(reverse("volunteering:verify_number", args=[c.number]) + f"?d={c.digest[:16]}")
    return 201, {"number": c.number, "hours": float(c.hours), "records": c.records, "units": c.units,
                 "pdf_url": absolute(reverse("volunteering:certificate_pdf", args=[c.pk])), "verify_url": verify}


# Teams (joining, requests, invitations) and accident insurance: their own module, under the same prefix.
router.add_router("", teams_router)
# The organiser's operations (publishing, sign-ups, the leader's scan, closing, honours): theirs too.
router.add_router("", organise_router)
