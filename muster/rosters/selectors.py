"""Reads of posts, rosters and the duty log, scoped by the acting user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, SITE_ROLES, Scope
from muster.core.errors import NotFound
from muster.geo.models import Site
from muster.people.models import Person, Skill
from muster.rosters.models import (
    Absence,
    Assignment,
    Band,
    CalendarFeed,
    CheckIn,
    CoverException,
    DutyNote,
    Post,
    Roster,
    SwapRequest,
    TeamMember,
)

# A shift with nobody checked in this long after its start is flagged as missed.
MISSED_AFTER = dt.timedelta(minutes=15)


def posts_visible(user) -> QuerySet[Post]:
    """Posts the user manages (region), works at (site role) or staffs (team)."""
    scope = Scope.of(user)
    q = scope.region_q("region", MANAGERS)
    sites = scope.site_ids(SITE_ROLES)
    if sites:
        q |= Q(site_id__in=sites)
    if getattr(user, "person_id", None):
        q |= Q(team__person_id=user.person_id)
    return Post.objects.filter(q).distinct().select_related("site", "region")


def post_get(user, pk: int) -> Post:
    post = posts_visible(user).filter(pk=pk).first()
    if post is None:
        raise NotFound()
    return post


def can_manage(user, post: Post) -> bool:
    return Scope.of(user).covers(post.region, MANAGERS)


def roster_get(user, pk: int) -> Roster:
    roster = Roster.objects.select_related("post", "post__region", "post__site").filter(pk=pk).first()
    if roster is None or not posts_visible(user).filter(pk=roster.post_id).exists():
        raise NotFound()
    if roster.status != Roster.Status.PUBLISHED and not can_manage(user, roster.post):
        raise NotFound()
    return roster


def team_of(post: Post) -> QuerySet[TeamMember]:
    return post.team.select_related("person", "pair_with").prefetch_related("person__skills", "absences").order_by("person__name")


def active_team(post: Post) -> QuerySet[TeamMember]:
    """The post's active members, for the duty page's stand-in choice."""
    return post.team.filter(active=True).select_related("person")


def member_get(post: Post, pk: int) -> TeamMember:
    """One member of the post's team (the caller has checked the user may manage the post); 404 otherwise."""
    member = post.team.filter(pk=pk).select_related("person").first()
    if member is None:
        raise NotFound()
    return member


def absences_of(member: TeamMember) -> QuerySet[Absence]:
    return member.absences.all()


def team_person(post: Post, person_id) -> Person | None:
    """A person on the post's team (active or not), or None: a partner for a pair, a stand-in for a shift."""
    member = TeamMember.objects.filter(post=post, person_id=person_id or 0).select_related("person").first()
    return member.person if member else None


def team_candidates(user, post: Post) -> QuerySet[Person]:
    """People of the post's community the user coordinates who are not on its team yet."""
    return (Person.objects.filter(Scope.of(user).region_q("region", MANAGERS), region=post.region)
            .exclude(post_memberships__post=post))


def person_for_team(user, pk: int) -> Person:
    """A person in any region of the user's scope, to put on a team (the action checks the region); 404 otherwise."""
    person = Person.objects.filter(Scope.of(user).region_q("region"), pk=pk).select_related("region").first()
    if person is None:
        raise NotFound()
    return person


def sites_for_posts(user) -> QuerySet[Site]:
    """Active sites where the user may open a post: those of the regions they coordinate."""
    return Site.objects.filter(Scope.of(user).region_q("region", MANAGERS), active=True).select_related("region")


def site_for_post(user, pk: int) -> Site:
    """A site of a region the user coordinates (active or not); 404 otherwise, also for a site outside it."""
    site = Site.objects.select_related("region").filter(pk=pk).first()
    if site is None or not Scope.of(user).covers(site.region, MANAGERS):
        raise NotFound()
    return site


def bands_of(post: Post) -> QuerySet[Band]:
    return post.bands.select_related("skill")


def exceptions_ahead(post: Post, today: dt.date) -> QuerySet[CoverException]:
    """The post's cover exceptions from today on."""
    return post.exceptions.select_related("band").filter(date__gte=today)


def rosters_of(user, post: Post) -> QuerySet[Roster]:
    """The post's rosters the user may see: all of them for its coordinator, the published ones for everyone else."""
    if can_manage(user, post):
        return post.rosters.select_related("created_by", "based_on")
    return post.rosters.select_related("based_on").filter(status=Roster.Status.PUBLISHED)


def roster_shifts(roster: Roster) -> QuerySet[Assignment]:
    return roster.assignments.select_related("person")


def post_by_checkin_token(token: str) -> Post:
    """The post whose printed QR code carries this token; the token is the secret, so no scope applies. 404 otherwise."""
    post = Post.objects.filter(checkin_token=token).select_related("site").first()
    if post is None:
        raise NotFound()
    return post


def shift_managed(user, pk: int) -> Assignment:
    """A shift at a post the user coordinates; 404 otherwise (also for one they may not manage)."""
    a = Assignment.objects.filter(pk=pk).select_related("post", "post__region").first()
    if a is None or not can_manage(user, a.post):
        raise NotFound()
    return a


def on_duty_now(post: Post, now: dt.datetime, early: dt.timedelta) -> QuerySet[Assignment]:
    """Published shifts at the post under way now (or starting within `early`), with who checked in for them."""
    return (Assignment.objects.filter(post=post, roster__status=Roster.Status.PUBLISHED, starts_at__lte=now + early,
                                      ends_at__gt=now)
            .select_related("person", "band").prefetch_related("checkins__person"))


def notes_of(post: Post) -> QuerySet[DutyNote]:
    """The post's hand-over notes and incidents, newest first."""
    return post.notes.select_related("author", "by")


def checkins_of(post: Post) -> QuerySet[CheckIn]:
    """The post's check-ins, newest first."""
    return post.checkins.select_related("person", "assignment")


def calendar_feed_of(user) -> CalendarFeed | None:
    """The user's own private calendar feed, if they made one."""
    if not getattr(user, "person_id", None):
        return None
    return CalendarFeed.objects.filter(person_id=user.person_id).first()


@dataclass
class Calendar:
    person: Person
    shifts: list[Assignment]


def calendar_by_token(token: str, now: dt.datetime | None = None) -> Calendar:
    """A member's published shifts from 60 days back, for the feed whose secret URL holds `token`; 404 otherwise.

    Calendar apps cannot log in: the token is the secret, so no user scope applies.
    """
    feed = CalendarFeed.objects.filter(token=token).select_related("person").first()
    if feed is None:
        raise NotFound()
    now = now or timezone.now()
    shifts = (Assignment.objects.filter(person=feed.person, roster__status=Roster.Status.PUBLISHED,
                                        starts_at__gte=now - dt.timedelta(days=60))
              .select_related("post", "post__site", "band").order_by("starts_at")[:1000])
    return Calendar(person=feed.person, shifts=list(shifts))


def week_shifts(post: Post, monday: dt.date) -> list[Assignment]:
    """The published shifts of the week from `monday`, each with `checked_in`: whether anybody checked in for it."""
    qs = (Assignment.objects.filter(post=post, roster__status=Roster.Status.PUBLISHED, date__gte=monday,
                                    date__lt=monday + dt.timedelta(days=7)).select_related("person"))
    checked = set(post.checkins.filter(assignment__in=qs).values_list("assignment_id", flat=True))
    out = list(qs)
    for a in out:
        a.checked_in = a.id in checked
    return out


@dataclass
class Week:
    """One page of the book: the shift plan, the night-patrol plan and the duty record of one week."""

    post: Post
    monday: dt.date
    days: list[dt.date]
    # line -> [(band label, [cell per day: list of (assignment, checked_in)])]
    plans: dict[str, list[tuple[str, list[list]]]] = field(default_factory=dict)
    notes: list[DutyNote] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    roster: Roster | None = None

    @property
    def duty(self):
        return self.plans.get(Band.Line.DUTY, [])

    @property
    def patrol(self):
        return self.plans.get(Band.Line.PATROL, [])

    @property
    def by_day(self) -> list[tuple[dt.date, list[tuple[str, str, list]]]]:
        """The same plans day by day, for a phone: [(date, [(line, band label, cell)])]."""
        out = []
        for i, date in enumerate(self.days):
            rows = [(line, label, cells[i]) for line in (Band.Line.DUTY, Band.Line.PATROL) for label, cells in self.plans.get(line, [])]
            out.append((date, rows))
        return out


def week_of(post: Post, monday: dt.date, roster: Roster | None = None) -> Week:
    """The published roster of the week (or the given roster), grouped as the book had it."""
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    qs = Assignment.objects.filter(post=post, date__gte=days[0], date__lte=days[-1]).select_related("person", "band")
    qs = qs.filter(roster=roster) if roster is not None else qs.filter(roster__status=Roster.Status.PUBLISHED)
    checked = set(CheckIn.objects.filter(assignment__in=qs).values_list("assignment_id", "person_id"))
    stand_ins = defaultdict(list)
    for c in CheckIn.objects.filter(assignment__in=qs).select_related("person"):
        stand_ins[c.assignment_id].append(c)
    rows: dict[tuple[str, str, dt.time], list[list]] = {}
    labels: dict[tuple[str, str, dt.time], str] = {}
    for b in post.bands.all():
        key = (b.line, b.key, b.start)
        rows.setdefault(key, [[] for _ in days])
        labels[key] = b.clock
    for a in qs.order_by("starts_at", "person__name"):
        if a.band_id is None:
            continue
        key = (a.line, a.band.key, a.band.start)
        rows.setdefault(key, [[] for _ in days])
        labels.setdefault(key, a.band.clock)
        others = [c.person for c in stand_ins.get(a.id, []) if c.person_id != a.person_id]
        rows[key][(a.date - monday).days].append({"a": a, "in": (a.id, a.person_id) in checked, "stand_ins": others})
    week = Week(post=post, monday=monday, days=days, roster=roster)
    # The book's day starts with the morning band, not at midnight.
    for key in sorted(rows, key=lambda k: (k[0], (k[2].hour * 60 + k[2].minute - 360) % 1440)):
        week.plans.setdefault(key[0], []).append((labels[key], rows[key]))
    start = dt.datetime.combine(days[0], dt.time(0), tzinfo=timezone.get_current_timezone())
    end = start + dt.timedelta(days=7)
    week.notes = list(DutyNote.objects.filter(post=post, at__gte=start, at__lt=end).select_related("author", "by").order_by("at"))
    week.checkins = list(CheckIn.objects.filter(post=post, at__gte=start, at__lt=end).select_related("person", "assignment"))
    return week


def my_shifts(user, since: dt.datetime | None = None) -> QuerySet[Assignment]:
    if not getattr(user, "person_id", None):
        return Assignment.objects.none()
    since = since or timezone.now() - dt.timedelta(days=1)
    return (Assignment.objects.filter(person_id=user.person_id, roster__status=Roster.Status.PUBLISHED, ends_at__gte=since)
            .select_related("post", "post__site", "band").order_by("starts_at"))


def missed_shifts(user, now: dt.datetime | None = None, days: int = 3) -> QuerySet[Assignment]:
    """Published shifts that started more than 15 minutes ago with nobody checked in, at posts the user manages."""
    posts = Post.objects.filter(Scope.of(user).region_q("region", MANAGERS))
    return missed_since(now or timezone.now(), dt.timedelta(days=days)).filter(post__in=posts)


def missed_since(now: dt.datetime, window: dt.timedelta) -> QuerySet[Assignment]:
    """Every post's published shifts that started between `window` ago and MISSED_AFTER ago with nobody checked in.

    Unscoped: for the periodic job that tells coordinators; pages use `missed_shifts`.
    """
    any_checkin = CheckIn.objects.filter(assignment=OuterRef("pk"))
    return (Assignment.objects.filter(roster__status=Roster.Status.PUBLISHED, starts_at__lte=now - MISSED_AFTER,
                                      starts_at__gte=now - window)
            .exclude(Exists(any_checkin)).select_related("person", "post", "post__region", "band").order_by("-starts_at"))


def swap_partner(assignment: Assignment, person_id: int) -> Person | None:
    """The active teammate at the shift's post whom a member may name in a swap or cover request, or None.

    A member sees their teammates (the published week names them) and nobody else: a person id
    outside the team answers exactly like an id that does not exist.
    """
    member = (TeamMember.objects.filter(post_id=assignment.post_id, person_id=person_id, active=True)
              .select_related("person").first())
    return member.person if member else None


def swap_partner_shift(assignment: Assignment, other: Person | None, pk: int | None) -> Assignment | None:
    """One of the teammate's published shifts at the same post, or None."""
    if other is None or not pk:
        return None
    return Assignment.objects.filter(pk=pk, post_id=assignment.post_id, person=other,
                                     roster__status=Roster.Status.PUBLISHED).first()


def swaps_for(user, post: Post | None = None) -> QuerySet[SwapRequest]:
    scope = Scope.of(user)
    q = Q(assignment__post__in=Post.objects.filter(scope.region_q("region", MANAGERS))) | Q(requested_by=user)
    if getattr(user, "person_id", None):
        q |= Q(other_id=user.person_id)
    qs = SwapRequest.objects.filter(q)
    if post is not None:
        qs = qs.filter(assignment__post=post)
    return qs.select_related("assignment", "assignment__person", "assignment__post", "other", "other_assignment", "requested_by")


def my_swaps(user) -> QuerySet[SwapRequest]:
    """Requests the user made, and requests that name the user's person as the one to cover or trade."""
    q = Q(requested_by=user)
    if getattr(user, "person_id", None):
        q |= Q(other_id=user.person_id)
    return SwapRequest.objects.filter(q).select_related("assignment", "assignment__person", "assignment__post", "other",
                                                        "other_assignment", "requested_by")


def with_checked_in(qs: QuerySet[Assignment], person_id: int | None) -> QuerySet[Assignment]:
    """Annotate `checked_in`: whether the person checked in for the shift."""
    return qs.annotate(checked_in=Exists(CheckIn.objects.filter(assignment=OuterRef("pk"), person_id=person_id)))


def hours_by_person(post: Post, start: dt.date, end: dt.date) -> list[dict]:
    """Checked-in minutes per person at the post between two dates: the hours that go to their record."""
    lo = dt.datetime.combine(start, dt.time(0), tzinfo=timezone.get_current_timezone())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone())
    rows = (CheckIn.objects.filter(post=post, at__gte=lo, at__lt=hi).values("person_id", "person__name")
            .annotate(minutes=Sum("minutes")).order_by("-minutes", "person__name"))
    return [{"person_id": r["person_id"], "name": r["person__name"], "hours": round((r["minutes"] or 0) / 60, 1)} for r in rows]


def hours_export(user, start: dt.date, end: dt.date, post: Post | None = None) -> dict[str, tuple[list[str], Iterator[list]]]:
    """Hours served at the posts the user manages (or at one), between two local dates: one row per person, post
    and date, and a sheet of totals per person. From the check-ins, which are what goes to a person's record."""
    lo = dt.datetime.combine(start, dt.time(0), tzinfo=timezone.get_current_timezone())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone())
    qs = CheckIn.objects.filter(Scope.of(user).region_q("post__region", MANAGERS), at__gte=lo, at__lt=hi)
    if post is not None:
        qs = qs.filter(post=post)
    rows = list(qs.annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
                .values("person__name", "person_id", "post__name", "post__region__name", "day")
                .annotate(minutes=Sum("minutes"), shifts=Count("pk")).order_by("day", "post__name", "person__name"))

    def by_day() -> Iterator[list]:
        for r in rows:
            yield [r["person__name"], r["post__name"], r["post__region__name"], r["day"], r["shifts"], round((r["minutes"] or 0) / 60, 2)]

    def totals() -> Iterator[list]:
        per: dict[int, list] = {}
        for r in rows:
            t = per.setdefault(r["person_id"], [r["person__name"], 0, 0])
            t[1] += r["shifts"]
            t[2] += r["minutes"] or 0
        for name, shifts, minutes in sorted(per.values(), key=lambda t: (-t[2], t[0])):
            yield [name, shifts, round(minutes / 60, 2)]

    return {"days": ([_("Name"), _("Post"), _("Community"), _("Date"), _("Shifts"), _("Hours")], by_day()),
            "totals": ([_("Name"), _("Shifts"), _("Hours")], totals())}


def person_hours(person_id: int) -> float:
    total = CheckIn.objects.filter(person_id=person_id).aggregate(m=Sum("minutes"))["m"] or 0
    return round(total / 60, 1)


def solves_abandoned(now: dt.datetime, margin: dt.timedelta) -> list[int]:
    """Rosters still "solving" long after their time limit: the worker that took them is gone.

    A solve runs for its time limit and, when there is no roster, explains why for as long
    again (at least 10 s); past twice the limit plus `margin` nobody is working on it.
    """
    rows = (Roster.objects.filter(status=Roster.Status.SOLVING, started_at__lt=now - margin)
            .values_list("pk", "started_at", "time_limit"))
    return [pk for pk, started, limit in rows
            if started + dt.timedelta(seconds=2 * limit + 10) + margin < now]


def skills_for_cover() -> QuerySet[Skill]:
    """The skills a band may require (the shared catalogue), for the cover grid's choices."""
    return Skill.objects.order_by("code")
