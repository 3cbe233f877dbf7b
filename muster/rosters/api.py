"""/api/v1/rosters/: posts, cover, teams, rosters, the published week, swaps, check-ins and notes."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from muster.core.api import Paged, paged
from muster.core.errors import InvalidInput, NotFound
from muster.rosters import actions, selectors
from muster.rosters.models import Assignment, Band, Post, Roster, SwapRequest, TeamMember

router = Router(tags=["rosters"])


class PostOut(Schema):
    id: int
    name: str
    kind: str
    site: int
    site_name: str
    community: str
    fever_threshold: float
    rules: dict


class PostIn(Schema):
    site: int
    name: str = Field(min_length=1, max_length=80)
    kind: Post.Kind = Post.Kind.TENT


class RulesIn(Schema):
    fever_threshold: float | None = None
    max_hours_day: int | None = None
    max_hours_week: int | None = None
    min_rest_hours: int | None = None
    max_consecutive_days: int | None = None
    max_consecutive_nights: int | None = None
    night_age_limit: int | None = None
    night_mix_age: int | None = None
    fair_nights: int | None = None
    fair_weekends: int | None = None
    keep_pairs: int | None = None
    change_weight: int | None = None
    solve_seconds: int | None = None
    min_age: int | None = Field(default=None, description="nobody younger is rostered; nights never below 18")


class BandIO(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start: dt.time
    end: dt.time = Field(description="before start: the band runs past midnight")
    required: int
    line: Band.Line = Band.Line.DUTY
    skill: str = ""
    skill_count: int = 0


class MemberIn(Schema):
    person: int
    available_weekdays: list[int] = []
    no_nights: bool = False
    night_consent: bool = False
    preferred: list[str] = []
    max_hours_week: int | None = None
    pair_with: int | None = None
    active: bool = True


class MemberOut(Schema):
    id: int
    person: int
    name: str
    birth_year: int | None
    available_weekdays: list[int]
    no_nights: bool
    night_consent: bool
    preferred: list[str]
    max_hours_week: int | None
    pair_with: int | None
    active: bool


class RosterIn(Schema):
    start: dt.date
    weeks: int = Field(1, ge=1, le=8)


class RosterOut(Schema):
    id: int
    post: int
    start: dt.date
    weeks: int
    status: str
    engine_status: str
    objective: int | None
    lower_bound: int | None
    gap_percent: float | None
    seconds: float | None
    time_limit: int
    progress: list[dict]
    penalties: list[dict]
    problems: list[str]
    changes: int | None


class AssignmentOut(Schema):
    id: int
    post: int
    person: int
    name: str
    date: dt.date
    line: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    checked_in: bool


class SwapIn(Schema):
    assignment: int
    kind: SwapRequest.Kind
    other: int
    other_assignment: int | None = None
    reason: str = Field("", max_length=200)


class SwapOut(Schema):
    id: int
    assignment: int
    kind: str
    other: int
    other_assignment: int | None
    status: str
    reason: str


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=2000)
    kind: str = "handover"


class NoteOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    text: str
    author: str


class CheckInOut(Schema):
    id: int
    person: int
    assignment: int | None
    at: dt.datetime
    method: str
    minutes: int


def post_out(p: Post) -> dict:
    return {"id": p.id, "name": p.name, "kind": p.kind, "site": p.site_id, "site_name": p.site.name, "community": p.region.code,
            "fever_threshold": float(p.fever_threshold), "rules": {k: (float(getattr(p, k)) if k == "fever_threshold" else getattr(p, k))
                                                                   for k in actions.RULE_FIELDS}}


def roster_out(r: Roster) -> dict:
    return {"id": r.id, "post": r.post_id, "start": r.start, "weeks": r.weeks, "status": r.status, "engine_status": r.engine_status,
            "objective": r.objective, "lower_bound": r.lower_bound, "gap_percent": r.gap, "seconds": r.seconds,
            "time_limit": r.time_limit, "progress": r.progress, "penalties": r.penalties, "problems": r.problems, "changes": r.changes}


def member_out(m: TeamMember) -> dict:
    return {"id": m.id, "person": m.person_id, "name": m.person.name, "birth_year": m.person.birth_year,
            "available_weekdays": m.available_weekdays, "no_nights": m.no_nights, "night_consent": m.night_consent,
            "preferred": m.preferred, "max_hours_week": m.max_hours_week, "pair_with": m.pair_with_id, "active": m.active}


def assignment_out(a: Assignment) -> dict:
    return {"id": a.id, "post": a.post_id, "person": a.person_id, "name": a.person.name, "date": a.date, "line": a.line,
            "starts_at": a.starts_at, "ends_at": a.ends_at, "checked_in": bool(getattr(a, "checked_in", False))}


def _managed(request, post_id: int) -> Post:
    post = selectors.post_get(request.user, post_id)
    if not selectors.can_manage(request.user, post):
        raise NotFound()
    return post


@router.get("/posts", response=Paged[PostOut], summary="Posts you manage, work at or staff")
def list_posts(request, limit: int = 50, offset: int = 0):
    return paged(selectors.posts_visible(request.user).order_by("id"), limit, offset, post_out)


@router.post("/posts", response={201: PostOut}, summary="Create a post at a site of your community")
def create_post(request, body: PostIn):
    site = selectors.site_for_post(request.user, body.site)
    return 201, post_out(actions.post_create(actor=request.user, site=site, name=body.name, kind=body.kind))


@router.get("/posts/{int:post_id}", response=PostOut)
def get_post(request, post_id: int):
    return post_out(selectors.post_get(request.user, post_id))


@router.patch("/posts/{int:post_id}/rules", response=PostOut, summary="Switch and tune the post's rules")
def set_rules(request, post_id: int, body: RulesIn):
    post = _managed(request, post_id)
    data = body.dict(exclude_unset=True)
    return post_out(actions.post_update_rules(actor=request.user, post=post, **data))


@router.get("/posts/{int:post_id}/cover", response=list[BandIO])
def get_cover(request, post_id: int):
    post = selectors.post_get(request.user, post_id)
    return [{"weekday": b.weekday, "start": b.start, "end": b.end, "required": b.required, "line": b.line,
             "skill": b.skill.code if b.skill_id else "", "skill_count": b.skill_count} for b in selectors.bands_of(post)]


@router.put("/posts/{int:post_id}/cover", response=list[BandIO], summary="Replace the cover requirement (all or nothing)")
def put_cover(request, post_id: int, body: list[BandIO]):
    post = _managed(request, post_id)
    actions.cover_set(actor=request.user, post=post, bands=[actions.BandData(**b.dict()) for b in body])
    return get_cover(request, post_id)


@router.get("/posts/{int:post_id}/team", response=list[MemberOut])
def get_team(request, post_id: int):
    return [member_out(m) for m in selectors.team_of(_managed(request, post_id))]


def _member_data(post: Post, body: MemberIn) -> actions.MemberData:
    pair = None
    if body.pair_with is not None:
        pair = selectors.team_person(post, body.pair_with)
        if pair is None:
            raise InvalidInput("pair_with: not on this team", field="pair_with")
    return actions.MemberData(available_weekdays=body.available_weekdays, no_nights=body.no_nights, night_consent=body.night_consent,
                              preferred=body.preferred, max_hours_week=body.max_hours_week, pair_with=pair, active=body.active)


@router.post("/posts/{int:post_id}/team", response={201: MemberOut}, summary="Add a person to the team")
def add_member(request, post_id: int, body: MemberIn):
    post = _managed(request, post_id)
    person = selectors.person_for_team(request.user, body.person)
    m = actions.team_add(actor=request.user, post=post, person=person, data=_member_data(post, body))
    return 201, member_out(m)


@router.put("/posts/{int:post_id}/team/{int:member_id}", response=MemberOut)
def update_member(request, post_id: int, member_id: int, body: MemberIn):
    post = _managed(request, post_id)
    m = selectors.member_get(post, member_id)
    return member_out(actions.team_update(actor=request.user, member=m, data=_member_data(post, body)))


@router.post("/posts/{int:post_id}/rosters", response={202: RosterOut}, summary="Queue a solve; poll the roster for progress")
def request_roster(request, post_id: int, body: RosterIn):
    post = _managed(request, post_id)
    r = actions.roster_request(actor=request.user, post=post, start=body.start, weeks=body.weeks)
    r.refresh_from_db()
    return 202, roster_out(r)


@router.get("/posts/{int:post_id}/rosters", response=Paged[RosterOut])
def list_rosters(request, post_id: int, limit: int = 20, offset: int = 0):
    post = selectors.post_get(request.user, post_id)
    return paged(selectors.rosters_of(request.user, post), limit, offset, roster_out)


@router.get("/rosters/{int:roster_id}", response=RosterOut, summary="A roster's status, progress, broken wishes or reasons")
def get_roster(request, roster_id: int):
    return roster_out(selectors.roster_get(request.user, roster_id))


@router.get("/rosters/{int:roster_id}/assignments", response=list[AssignmentOut])
def roster_assignments(request, roster_id: int):
    r = selectors.roster_get(request.user, roster_id)
    return [assignment_out(a) for a in selectors.roster_shifts(r)]


@router.post("/rosters/{int:roster_id}/publish", response=RosterOut)
def publish(request, roster_id: int):
    return roster_out(actions.roster_publish(actor=request.user, roster=selectors.roster_get(request.user, roster_id)))


@router.get("/posts/{int:post_id}/week/{date}", response=list[AssignmentOut], summary="The published shifts of one week")
def week(request, post_id: int, date: dt.date):
    post = selectors.post_get(request.user, post_id)
    return [assignment_out(a) for a in selectors.week_shifts(post, actions.monday_of(date))]


@router.get("/me/shifts", response=list[AssignmentOut], summary="My coming shifts")
def my_shifts(request):
    return [assignment_out(a) for a in selectors.my_shifts(request.user).select_related("person")[:200]]


@router.post("/swaps", response={201: SwapOut}, summary="Ask for a swap or cover of one of my shifts")
def create_swap(request, body: SwapIn):
    a = selectors.my_shifts(request.user).filter(pk=body.assignment).first()
    if a is None:
        raise NotFound()
    other = selectors.swap_partner(a, body.other)
    if other is None:
        # The same answer for an unknown id and for anyone outside the team: ids are sequential.
        raise InvalidInput(_("This person is not on this post's team."), field="other")
    other_a = selectors.swap_partner_shift(a, other, body.other_assignment)
    if body.other_assignment and other_a is None:
        raise InvalidInput(_("Choose one of their shifts at this post to trade for."), field="other_assignment")
    s = actions.swap_request(actor=request.user, assignment=a, kind=body.kind, other=other, other_assignment=other_a, reason=body.reason)
    return 201, _swap_out(s)


def _swap_out(s: SwapRequest) -> dict:
    return {"id": s.id, "assignment": s.assignment_id, "kind": s.kind, "other": s.other_id, "other_assignment": s.other_assignment_id,
            "status": s.status, "reason": s.reason}


@router.get("/swaps", response=list[SwapOut], summary="Open swap and cover requests you may see")
def list_swaps(request, status: SwapRequest.Status = SwapRequest.Status.OPEN):
    return [_swap_out(s) for s in selectors.swaps_for(request.user).filter(status=status)[:200]]


@router.post("/swaps/{int:swap_id}/decision", response=SwapOut, summary="Approve or reject (coordinator)")
def decide_swap(request, swap_id: int, body: DecisionIn):
    s = selectors.swaps_for(request.user).filter(pk=swap_id).first()
    if s is None:
        raise NotFound()
    return _swap_out(actions.swap_decide(actor=request.user, request=s, approve=body.approve, note=body.note))


@router.post("/posts/{int:post_id}/checkins", response={201: CheckInOut}, summary="Check myself in for my current shift")
def check_in(request, post_id: int):
    c = actions.checkin(actor=request.user, post=selectors.post_get(request.user, post_id))
    return 201, {"id": c.id, "person": c.person_id, "assignment": c.assignment_id, "at": c.at, "method": c.method, "minutes": c.minutes}


@router.get("/posts/{int:post_id}/notes", response=list[NoteOut])
def list_notes(request, post_id: int, limit: int = 50):
    post = selectors.post_get(request.user, post_id)
    return [{"id": n.id, "at": n.at, "kind": n.kind, "text": n.text, "author": n.author.name if n.author_id else (n.by.get_username() if n.by_id else "")}
            for n in selectors.notes_of(post)[: max(1, min(limit, 200))]]


@router.post("/posts/{int:post_id}/notes", response={201: NoteOut}, summary="A hand-over note or an incident")
def add_note(request, post_id: int, body: NoteIn):
    n = actions.duty_note_add(actor=request.user, post=selectors.post_get(request.user, post_id), text=body.text, kind=body.kind)
    return 201, {"id": n.id, "at": n.at, "kind": n.kind, "text": n.text, "author": n.author.name if n.author_id else request.user.get_username()}


@router.get("/missed", response=list[AssignmentOut], summary="Shifts nobody checked in for, at posts you manage")
def missed(request):
    return [assignment_out(a) for a in selectors.missed_shifts(request.user)[:200]]


@router.get("/posts/{int:post_id}/hours", response=list[dict], summary="Hours on duty per person")
def hours(request, post_id: int, start: dt.date, end: dt.date):
    if end < start:
        raise InvalidInput("end is before start", field="end")
    return selectors.hours_by_person(_managed(request, post_id), start, end)
