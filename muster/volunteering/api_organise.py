"""/api/v1/volunteering/organise/: the organiser's operations, as on the organiser's pages. Publish a project with
its first session and add sessions; list a project's sign-ups and decide those awaiting approval; at the session,
scan a volunteer's personal code to sign them in or out and back-fill hours with a reason; close a project with a
reason; record a volunteer's training, award or evaluation.

Every write takes an `Idempotency-Key` header, as a sign-up does: a phone that retries after losing its network
gets the first answer back instead of a second scan (which would sign the volunteer out) or a second project.
Only the projects the user organises (their regions, the teams they manage) are found: 404 for any other;
403 when the user sees it but may not do this; 409 when its state no longer allows it; 422 naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import AwareDatetime, BeforeValidator, Field, StringConstraints

from muster.core.api import Paged, paged
from muster.core.errors import InvalidInput
from muster.core.idempotency import run_once_for
from muster.volunteering import actions, selectors, selectors_teams
from muster.volunteering.models import Category, Honour, Project

router = Router(tags=["volunteering organisers"])

Text = Annotated[str, StringConstraints(max_length=2000)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=200)]
SkillCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
# As the pages' forms take hours: positive, two decimals, under 1000.
Hours = Annotated[float, Field(gt=0, lt=1000, multiple_of=0.01)]


def _iso_date(value):
    # pydantic reads a number as a Unix time; a date is written YYYY-MM-DD.
    if not isinstance(value, str) or len(value.strip()) != 10:
        raise ValueError("a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class SessionIn(Schema):
    starts_at: AwareDatetime
    ends_at: AwareDatetime = Field(description="after the start, at most 24 hours later")
    places: int = Field(ge=1, le=10_000)


class ProjectIn(SessionIn):
    """The publishing form's fields: the project and its first session."""

    title: str = Field(min_length=1, max_length=120)
    category: Category
    region: str = Field(pattern=r"^\d{12}$", description="12-digit code of a community or street you organise in")
    team_id: int | None = Field(default=None, description="publish for this team (one you manage); omit for the community")
    description: Text = ""
    skills: list[SkillCode] = Field(default_factory=list, max_length=50)
    min_age: int = Field(default=18, ge=14, le=80)
    risks: Text = ""
    insurance_required: bool = False
    approval: Project.Approval = Project.Approval.AUTO


class SessionManagedOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    places: int
    taken: int
    code: str


class ProjectManagedOut(Schema):
    id: int
    title: str
    category: str
    status: str
    approval: str
    region: str
    team_id: int | None
    min_age: int
    insurance_required: bool
    sessions: list[SessionManagedOut]


class SignupManagedOut(Schema):
    id: int
    session_id: int
    starts_at: dt.datetime
    person_id: int
    person_name: str
    status: str
    waiting_position: int | None
    changed_at: dt.datetime
    decision_note: str


class DecideIn(Schema):
    approve: bool
    reason: str = Field(default="", max_length=200, description="required to refuse")


class ScanIn(Schema):
    personal: str = Field(min_length=1, max_length=200, description="the code on the volunteer's own page")


class AttendanceOut(Schema):
    action: str
    signup_id: int
    person_id: int
    person_name: str
    signed_in_at: dt.datetime | None
    signed_out_at: dt.datetime | None
    hours: float | None
    credited: bool
    backfill_hours: float | None


class BackfillIn(Schema):
    signup_id: int
    hours: Hours = Field(description="hours served but not scanned; with those captured, at most the session's length")
    reason: Line


class CloseIn(Schema):
    reason: Line = Field(description="told to the volunteers signed up")


class HonourIn(Schema):
    kind: Honour.Kind
    title: str = Field(min_length=1, max_length=120)
    date: IsoDate
    organiser: str = Field(min_length=1, max_length=120, description="the organising unit")
    hours: Hours | None = Field(default=None, description="a training's hours")
    rating: Honour.Rating | None = Field(default=None, description="an evaluation's rating (required for one)")


class HonourOut(Schema):
    id: int
    person_id: int
    kind: str
    title: str
    date: dt.date
    organiser: str
    hours: float | None
    rating: str


def _once(request, scope: str, fn) -> tuple[int, dict]:
    status, out, _replayed = run_once_for(request, scope=f"volunteering.organise.{scope}", fn=fn)
    return status, out


def _session(s) -> dict:
    return {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at, "places": s.places, "taken": s.taken,
            "code": s.code}


def _project(p) -> dict:
    return {"id": p.pk, "title": p.title, "category": p.category, "status": p.status, "approval": p.approval,
            "region": p.region.code, "team_id": p.team_id, "min_age": p.min_age,
            "insurance_required": p.insurance_required,
            "sessions": [_session(s) for s in selectors.sessions_of(p, upcoming_only=False)]}


def _signup(s) -> dict:
    return {"id": s.pk, "session_id": s.session_id, "starts_at": s.session.starts_at, "person_id": s.person_id,
            "person_name": s.person.name, "status": s.status, "waiting_position": selectors.waiting_position(s),
            "changed_at": s.changed_at, "decision_note": s.decision_note}


def _attendance(action: str, a) -> dict:
    return {"action": action, "signup_id": a.signup_id, "person_id": a.signup.person_id,
            "person_name": a.signup.person.name, "signed_in_at": a.signed_in_at, "signed_out_at": a.signed_out_at,
            "hours": float(a.hours) if a.hours is not None else None, "credited": a.credited,
            "backfill_hours": float(a.backfill_hours) if a.backfill_hours is not None else None}


def _out(schema, status: int, body: dict) -> tuple[int, dict]:
    return status, schema(**body).model_dump(mode="json")


@router.get("/organise/projects", response=Paged[ProjectManagedOut], summary="The projects I organise, newest first")
def my_projects(request, limit: int = 50, offset: int = 0):
    return paged(selectors.projects_managed(request.user).order_by("-created_at", "-pk"), limit, offset, _project)


@router.post("/organise/projects", response={201: ProjectManagedOut},
             summary="Publish a project with its first session (Idempotency-Key header)")
def create_project(request, body: ProjectIn):
    team = selectors.team_get(request.user, body.team_id) if body.team_id is not None else None
    region = selectors.publish_region(request.user, body.region, team)
    if region is None:
        raise InvalidInput(_("This region is not in your scope."), field="region")

    def do():
        # One transaction (run_once's): a first session refused leaves no project behind.
        p = actions.project_create(
            actor=request.user, title=body.title, category=body.category, region=region, team=team,
            description=body.description, skills=tuple(body.skills), min_age=body.min_age, risks=body.risks,
            insurance_required=body.insurance_required, approval=body.approval)
        actions.session_add(actor=request.user, project=p, starts_at=body.starts_at, ends_at=body.ends_at,
                            places=body.places)
        return _out(ProjectManagedOut, 201, _project(selectors.project_managed(request.user, p.pk)))

    return _once(request, "project", do)


@router.post("/organise/projects/{int:project_id}/sessions", response={201: SessionManagedOut},
             summary="Add a session to a project I organise (Idempotency-Key header)")
def add_session(request, project_id: int, body: SessionIn):
    p = selectors.project_managed(request.user, project_id)

    def do():
        s = actions.session_add(actor=request.user, project=p, starts_at=body.starts_at, ends_at=body.ends_at,
                                places=body.places)
        return _out(SessionManagedOut, 201, _session(s))

    return _once(request, "session", do)


@router.get("/organise/projects/{int:project_id}/signups", response=Paged[SignupManagedOut],
            summary="A project's sign-ups, by session and status")
def project_signups(request, project_id: int, limit: int = 50, offset: int = 0):
    return paged(selectors.signups_of(selectors.project_managed(request.user, project_id)), limit, offset, _signup)


@router.post("/organise/signups/{int:signup_id}/decide", response=SignupManagedOut,
             summary="Approve a sign-up awaiting me, or refuse it with a reason (Idempotency-Key header)")
def decide_signup(request, signup_id: int, body: DecideIn):
    row = selectors.signup_managed(request.user, signup_id)

    def do():
        actions.signup_decide(actor=request.user, signup=row, accept=body.approve, reason=body.reason)
        return _out(SignupManagedOut, 200, _signup(selectors.signup_managed(request.user, signup_id)))

    return _once(request, "decide", do)


@router.post("/organise/sessions/{int:session_id}/scan", response=AttendanceOut,
             summary="Sign a volunteer in (first scan) or out (second) by their personal code (Idempotency-Key header)")
def leader_scan(request, session_id: int, body: ScanIn):
    s = selectors.session_managed(request.user, session_id)

    def do():
        res = actions.attendance_scan_person(actor=request.user, session=s, personal=body.personal)
        return _out(AttendanceOut, 200, _attendance(res.action, res.attendance))

    return _once(request, "scan", do)


@router.post("/organise/sessions/{int:session_id}/backfill", response=AttendanceOut,
             summary="Back-fill hours a volunteer served but did not scan, with a reason (Idempotency-Key header)")
def backfill(request, session_id: int, body: BackfillIn):
    s = selectors.session_managed(request.user, session_id)
    row = selectors.signup_managed(request.user, body.signup_id)
    if row.session_id != s.pk:
        raise InvalidInput(_("This volunteer is not on this session."), field="signup_id")

    def do():
        a = actions.attendance_backfill(actor=request.user, signup=row, hours=body.hours, reason=body.reason)
        return _out(AttendanceOut, 200, _attendance("backfill", a))

    return _once(request, "backfill", do)


@router.post("/organise/projects/{int:project_id}/close", response=ProjectManagedOut,
             summary="Close a project; the volunteers signed up are told the reason (Idempotency-Key header)")
def close_project(request, project_id: int, body: CloseIn):
    p = selectors.project_managed(request.user, project_id)

    def do():
        actions.project_close(actor=request.user, project=p, reason=body.reason)
        return _out(ProjectManagedOut, 200, _project(selectors.project_managed(request.user, project_id)))

    return _once(request, "close", do)


@router.post("/organise/volunteers/{int:person_id}/honours", response={201: HonourOut},
             summary="Record a volunteer's training, award or evaluation (Idempotency-Key header)")
def record_honour(request, person_id: int, body: HonourIn):
    v = selectors_teams.volunteer_get(request.user, person_id)

    def do():
        h = actions.honour_record(actor=request.user, person=v.person, kind=body.kind, title=body.title, date=body.date,
                                  organiser=body.organiser, rating=body.rating or "",
                                  hours=Decimal(str(body.hours)) if body.hours is not None else None)
        return _out(HonourOut, 201, {"id": h.pk, "person_id": h.person_id, "kind": h.kind, "title": h.title,
                                     "date": h.date, "organiser": h.organiser, "rating": h.rating,
                                     "hours": float(h.hours) if h.hours is not None else None})

    return _once(request, "honour", do)
