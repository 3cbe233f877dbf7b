"""/api/v1/needs/: needs, reports, check-in, dispatch and deployments.

Writes that phones retry (reporting, check-in) take an `Idempotency-Key` header:
a retry with the same key returns the first answer and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ninja import Router, Schema
from pydantic import AwareDatetime, BeforeValidator, Field

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.api import Paged, paged
from muster.core.errors import InvalidInput
from muster.core.idempotency import run_once_for
from muster.geo import selectors as geo
from muster.needs import actions, deploying, dispatching, selectors
from muster.needs.models import DispatchRun, Need, Report
from muster.people import selectors as people


def _iso_date(value):
    # pydantic reads a number as a Unix time: "?day=5e-212" would be 1970-01-01 instead of an error.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("a date as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

router = Router(tags=["needs"])


class RoleOut(Schema):
    code: str
    name_zh: str
    name_en: str


class NeedOut(Schema):
    id: int
    role: str
    title: str
    community: str
    community_name: str
    site_id: int | None
    start: dt.datetime
    end: dt.datetime
    headcount: int
    accepted: int
    open_places: int
    skills: list[str]
    affiliation_kinds: list[str]
    urgency: str
    status: str
    notes: str
    series: str | None
    deployment_id: int | None


class NeedManagedOut(NeedOut):
    checkin_code: str


class NeedIn(Schema):
    role: str = Field(description="code from /needs/roles")
    community: str | None = Field(default=None, pattern=r"^\d{12}$", description="12-digit community code (or give site_id)")
    site_id: int | None = None
    title: str = Field(default="", max_length=120)
    start: AwareDatetime
    end: AwareDatetime
    headcount: int
    skills: list[str] = []
    affiliation_kinds: list[str] = []
    urgency: Need.Urgency = Need.Urgency.NORMAL
    recurrence: Need.Recurrence = Need.Recurrence.NONE
    occurrences: int = 1
    notes: str = Field(default="", max_length=2000)


class StatusIn(Schema):
    action: Literal["pause", "resume", "cancel", "close"]
    reason: str = ""


class ReportIn(Schema):
    person_id: int | None = Field(default=None, description="coordinators: add this person; omit to report yourself")
    accept: bool = False
    note: str = Field(default="", max_length=200)


class ReportOut(Schema):
    id: int
    need_id: int
    person_id: int
    person_name: str
    status: str
    source: str
    note: str
    reason: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    hours: float | None


class ReasonIn(Schema):
    reason: str = ""


class CheckinIn(Schema):
    code: str = Field(min_length=1, max_length=20)


class CheckinOut(Schema):
    action: Literal["in", "out"]
    report: ReportOut


class DispatchIn(Schema):
    region: str = Field(pattern=r"^\d{12}$")
    max_km: float = 5.0
    background: bool | None = None


class LineOut(Schema):
    id: int
    need_id: int
    person_id: int
    person_name: str
    metres: int
    reason: str
    included: bool
    report_id: int | None
    outcome: str


class RunOut(Schema):
    id: int
    region: str
    status: str
    needs: int
    people: int
    places: int
    filled: int
    total_m: int
    solve_ms: int
    engine_status: str
    error: str
    confirmed: int
    lines: list[LineOut]


class ConfirmIn(Schema):
    keep: list[int] | None = Field(default=None, description="line ids to keep; omit to keep all")


class SuggestionOut(Schema):
    person_id: int
    name: str
    metres: int
    reason: str


class DeploymentIn(Schema):
    region: str = Field(pattern=r"^\d{12}$")
    title: str
    total: int
    communities: list[str]
    organisation_ids: list[int]
    role: str = "gate_duty"
    start: AwareDatetime
    end: AwareDatetime
    notes: str = ""


class DeploymentOut(Schema):
    id: int
    title: str
    total: int
    status: str
    needs: list[NeedOut]


def need_out(n: Need, *, managed: bool = False) -> dict:
    body = {"id": n.id, "role": n.role.code, "title": n.title, "community": n.region.code, "community_name": n.region.name,
            "site_id": n.site_id, "start": n.start, "end": n.end, "headcount": n.headcount, "accepted": n.accepted_count,
            "open_places": n.open_places, "skills": sorted(s.code for s in n.skills.all()),
            "affiliation_kinds": list(n.affiliation_kinds), "urgency": n.urgency, "status": n.status, "notes": n.notes,
            "series": str(n.series) if n.series else None, "deployment_id": n.deployment_id}
    if managed:
        body["checkin_code"] = n.checkin_code
    return body


def report_out(r: Report) -> dict:
    return {"id": r.id, "need_id": r.need_id, "person_id": r.person_id, "person_name": r.person.name, "status": r.status,
            "source": r.source, "note": r.note, "reason": r.reason, "checked_in_at": r.checked_in_at,
            "checked_out_at": r.checked_out_at, "hours": float(r.hours) if r.hours is not None else None}


def run_out(run: DispatchRun) -> dict:
    lines = selectors.run_lines(run)
    return {"id": run.id, "region": run.region.code, "status": run.status, "needs": run.needs_count, "people": run.people_count,
            "places": run.places, "filled": run.filled, "total_m": run.total_m, "solve_ms": run.solve_ms,
            "engine_status": run.engine_status, "error": run.error, "confirmed": run.confirmed_count,
            "lines": [{"id": ln.id, "need_id": ln.need_id, "person_id": ln.person_id, "person_name": ln.person.name,
                       "metres": ln.metres, "reason": ln.reason, "included": ln.included, "report_id": ln.report_id,
                       "outcome": ln.outcome} for ln in lines]}


def _need_data(request, body: NeedIn) -> actions.NeedData:
    role = selectors.role_by_code(body.role)
    if role is None:
        raise InvalidInput(pgettext("a job to do", "Unknown role."), field="role")
    site = None
    if body.site_id is not None:
        site = selectors.site_for_need(request.user, body.site_id)
        if site is None:
            raise InvalidInput(_("Unknown site."), field="site_id")
    region = None
    if body.community:
        region = selectors.community_for_need(request.user, body.community)
        if region is None:
            raise InvalidInput(_("Unknown community."), field="community")
    return actions.NeedData(role=role, region=region, site=site, start=body.start, end=body.end, headcount=body.headcount,
                            title=body.title, notes=body.notes, skills=tuple(body.skills),
                            affiliation_kinds=tuple(body.affiliation_kinds), urgency=body.urgency,
                            recurrence=body.recurrence, occurrences=body.occurrences)


@router.get("/roles", response=list[RoleOut], summary="The role catalogue")
def roles(request):
    return list(selectors.roles_active().values("code", "name_zh", "name_en"))


@router.get("/", response=Paged[NeedManagedOut], summary="The board: needs in the regions you manage")
def board(request, status: Need.Status | None = None, urgency: Need.Urgency | None = None, role: str = "",
          day: IsoDate | None = None, gaps: bool = False, limit: int = 50, offset: int = 0):
    f = selectors.BoardFilter(status=status or "", urgency=urgency or "", role=role, day=day, gaps_only=gaps)
    return paged(selectors.board(request.user, f), limit, offset, lambda n: need_out(n, managed=True))


@router.get("/open", response=list[NeedOut], summary="Open needs you may answer: your community first, then nearby")
def open_needs(request, fits: bool = False, day: IsoDate | None = None):
    return [need_out(o.need) for o in selectors.needs_open_for(request.user, mine_only_skills=fits, day=day)]


@router.post("/", response={201: list[NeedManagedOut]}, summary="Post a need (several when it repeats)")
def post_need(request, body: NeedIn):
    needs = actions.need_post(actor=request.user, data=_need_data(request, body))
    return 201, [need_out(n, managed=True) for n in needs]


@router.get("/{int:need_id}", response=NeedOut, summary="One need")
def get_need(request, need_id: int):
    n = selectors.need_get(request.user, need_id)
    return need_out(n, managed=Scope.of(request.user).covers(n.region, MANAGERS))


@router.put("/{int:need_id}", response=NeedManagedOut, summary="Edit a need")
def edit_need(request, need_id: int, body: NeedIn):
    need = selectors.need_manageable(request.user, need_id)
    actions.need_update(actor=request.user, need=need, data=_need_data(request, body))
    return need_out(selectors.need_get(request.user, need_id), managed=True)


@router.post("/{int:need_id}/status", response=NeedManagedOut, summary="Pause, resume, cancel or close a need")
def need_status(request, need_id: int, body: StatusIn):
    need = selectors.need_manageable(request.user, need_id)
    actions.need_set_status(actor=request.user, need=need, verb=body.action, reason=body.reason)
    return need_out(selectors.need_get(request.user, need_id), managed=True)


@router.get("/{int:need_id}/reports", response=list[ReportOut], summary="Reports to a need (coordinators)")
def need_reports(request, need_id: int):
    need = selectors.need_manageable(request.user, need_id)
    return [report_out(r) for r in selectors.reports_of(need)]


@router.post("/{int:need_id}/reports", response={201: ReportOut}, summary="Report to a need (Idempotency-Key header)")
def create_report(request, need_id: int, body: ReportIn):
    need = selectors.need_get(request.user, need_id)
    person = people.person_get(request.user, body.person_id) if body.person_id else None

    def do():
        r = actions.report_create(actor=request.user, need=need, person=person, note=body.note, accept=body.accept)
        r.person = person or request.user.person
        return 201, ReportOut(**report_out(r)).model_dump(mode="json")

    status, out, _replayed = run_once_for(request, scope="needs.report", fn=do)
    return status, out


@router.get("/{int:need_id}/suggestions", response=list[SuggestionOut], summary="Top 20 people for a need")
def need_suggestions(request, need_id: int, max_km: float = 5.0):
    need = selectors.need_manageable(request.user, need_id)
    return [{"person_id": s.person.pk, "name": s.person.name, "metres": s.metres, "reason": s.reason}
            for s in dispatching.suggestions_for(request.user, need, max_km=max(0.1, min(max_km, 100.0)))]


@router.get("/reports/mine", response=list[ReportOut], summary="My upcoming commitments")
def my_reports(request, past: bool = False):
    return [report_out(r) for r in selectors.my_commitments(request.user, past=past).select_related("person")[:200]]


@router.post("/reports/{int:report_id}/{verb}", response=ReportOut, summary="accept, decline, no_show (coordinators) or withdraw (yourself)")
def decide_report(request, report_id: int, verb: Literal["accept", "decline", "no_show", "withdraw"], body: ReasonIn):
    if verb == "withdraw":
        r = selectors.report_mine(request.user, report_id)
        actions.report_withdraw(actor=request.user, report=r, reason=body.reason)
    else:
        r = selectors.report_managed(request.user, report_id)
        if verb == "accept":
            actions.report_accept(actor=request.user, report=r)
        elif verb == "decline":
            actions.report_decline(actor=request.user, report=r, reason=body.reason)
        else:
            actions.report_no_show(actor=request.user, report=r)
    return report_out(selectors.report_reloaded(r))


@router.post("/checkin", response=CheckinOut, summary="Check in (first scan) or out (second scan) with a need's code")
def checkin(request, body: CheckinIn):
    def do():
        res = actions.check_in_or_out(actor=request.user, code=body.code)
        return 200, CheckinOut(action=res.action, report=ReportOut(**report_out(res.report))).model_dump(mode="json")

    status, out, _replayed = run_once_for(request, scope="needs.checkin", fn=do)
    return status, out


def _started(request, run: DispatchRun):
    """201 with the proposal when the run finished inline; 202 with the run to poll when it was queued."""
    run = selectors.run_get(request.user, run.pk)
    return (202 if run.status == DispatchRun.Status.QUEUED else 201), run_out(run)


@router.post("/dispatch", response={201: RunOut, 202: RunOut},
             summary="Run the dispatcher for a region (inline when small; queued above a size, answering 202 to poll)")
def start_dispatch(request, body: DispatchIn):
    region = geo.region_get(request.user, body.region)
    run = actions.dispatch_start(actor=request.user, region=region, max_km=body.max_km, background=body.background)
    return _started(request, run)


@router.get("/dispatch/{int:run_id}", response=RunOut, summary="A dispatch run: status and proposal")
def get_run(request, run_id: int):
    return run_out(selectors.run_get(request.user, run_id))


@router.post("/dispatch/{int:run_id}/confirm", response=RunOut, summary="Keep some lines (or all) and confirm")
def confirm_run(request, run_id: int, body: ConfirmIn):
    run = selectors.run_get(request.user, run_id)
    if body.keep is not None:
        actions.proposal_adjust(actor=request.user, run=run, keep=set(body.keep))
    actions.proposal_confirm(actor=request.user, run=run)
    return run_out(selectors.run_get(request.user, run_id))


@router.post("/deployments", response={201: DeploymentOut}, summary="Post a cadre deployment over communities")
def post_deployment(request, body: DeploymentIn):
    region = geo.region_get(request.user, body.region)
    communities = selectors.regions_by_codes(body.communities)
    missing = sorted(set(body.communities) - {c.code for c in communities})
    if missing:
        raise InvalidInput(_("Unknown community: %(codes)s") % {"codes": ", ".join(missing)}, field="communities")
    orgs = list(people.organisations_visible(request.user).filter(pk__in=body.organisation_ids))
    if len(orgs) != len(set(body.organisation_ids)):
        raise InvalidInput(_("Unknown organisation."), field="organisation_ids")
    role = selectors.role_by_code(body.role)
    if role is None:
        raise InvalidInput(pgettext("a job to do", "Unknown role."), field="role")
    dep = deploying.deployment_post(actor=request.user, region=region, title=body.title, total=body.total,
                                    communities=communities, organisations=orgs, role=role, start=body.start,
                                    end=body.end, notes=body.notes)
    return 201, {"id": dep.id, "title": dep.title, "total": dep.total, "status": dep.status,
                 "needs": [need_out(n) for n in selectors.deployment_needs(dep)]}


@router.post("/deployments/{int:dep_id}/allocate", response={201: RunOut, 202: RunOut},
             summary="Run the dispatcher for a deployment (202 when queued)")
def allocate(request, dep_id: int, background: bool | None = None):
    dep = selectors.deployment_get(request.user, dep_id)
    run = actions.dispatch_start(actor=request.user, region=dep.region, deployment=dep,
                                 max_km=dispatching.DEPLOYMENT_MAX_KM, background=background)
    return _started(request, run)

