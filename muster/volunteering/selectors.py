"""Reads of the volunteering app. Projects and their sessions are public; everything about people is scoped.

Who sees a volunteer: the coordinators and command of their area of residence, and the managers of a
team they belong to (GUIDE §3: "their team's members … and nothing else about those people").
"""

from __future__ import annotations

import datetime as dt
import hmac
import math

from django.db.models import Count, F, IntegerField, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import NotFound
from muster.geo.models import Region, Site
from muster.volunteering.models import Certificate, Membership, Project, Session, Signup, Team, Volunteer


def _upcoming_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}ends_at__gt": timezone.now()})


NEAR_KM = 3.0  # "nearby": within this distance of the volunteer (a box of that half-width, on site or community)


def _public_filters(prefix: str, *, text: str, category: str, district: Region | None,
                    near: tuple[float, float] | None) -> Q:
    """The list's filters on the project (`prefix` "" from Project, "project__" from Session)."""
    q = Q(**{f"{prefix}status": Project.Status.OPEN})
    if text:
        q &= (Q(**{f"{prefix}title__icontains": text}) | Q(**{f"{prefix}description__icontains": text})
              | Q(**{f"{prefix}region__name__icontains": text}) | Q(**{f"{prefix}team__name__icontains": text}))
    if category:
        q &= Q(**{f"{prefix}category": category})
    if district is not None:
        q &= Q(**{f"{prefix}region__path__startswith": district.path})
    if near is not None:
        lat, lon = near
        dlat = NEAR_KM / 111.0
        dlon = NEAR_KM / (111.0 * max(0.1, math.cos(math.radians(lat))))
        box = Q(lat__gte=lat - dlat, lat__lte=lat + dlat, lon__gte=lon - dlon, lon__lte=lon + dlon)
        # The box resolved to explicit ids first (as accounts.scoping does with region subtrees): given the
        # coordinates' OR across two joined tables, PostgreSQL guessed 21 rows for 4,600 and looped over them.
        sites = list(Site.objects.filter(box).values_list("pk", flat=True))
        unplaced = Site.objects.filter(lat__isnull=True).values("pk")
        regions = list(Region.objects.filter(box).values_list("pk", flat=True))
        q &= (Q(**{f"{prefix}site_id__in": sites})
              | ((Q(**{f"{prefix}site__isnull": True}) | Q(**{f"{prefix}site_id__in": unplaced}))
                 & Q(**{f"{prefix}region_id__in": regions})))
    return q


def _session_window(prefix: str, day: dt.date | None) -> Q:
    """Sessions still to come (ending after now), on `day` if given."""
    q = _upcoming_q(prefix)
    if day is not None:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        q &= Q(**{f"{prefix}starts_at__lt": start + dt.timedelta(days=1), f"{prefix}ends_at__gt": start})
    return q


def projects_public(*, text: str = "", category: str = "", day: dt.date | None = None,
                    district: Region | None = None, near: tuple[float, float] | None = None):
    """Open projects with sessions still to come, anyone may browse; each with `open_places` and `next_start`.
    `near` (lat, lon) keeps those whose site (else community) lies within NEAR_KM of it."""
    # Filtering the sessions before annotating makes the aggregate use that one (inner) join: only upcoming
    # sessions are grouped, and a project without one drops out without a HAVING over every project.
    qs = (Project.objects.filter(_public_filters("", text=text, category=category, district=district, near=near))
          .filter(_session_window("sessions__", day)).select_related("region", "team", "site"))
    qs = qs.annotate(
        open_places=Coalesce(Sum(F("sessions__places") - F("sessions__taken"), output_field=IntegerField()), 0),
        next_start=Min("sessions__starts_at"),
        n_sessions=Count("sessions"),
    )
    return qs.order_by("next_start", "pk")


def project_rows(*, text: str = "", category: str = "", day: dt.date | None = None,
                 district: Region | None = None, near: tuple[float, float] | None = None):
    """`projects_public` for a page of the public list: the same projects in the same order, as narrow rows
    (project_id, next_start, open_places, n_sessions) grouped from the sessions alone; `projects_of_rows` makes
    the page's rows projects. At the scenario's scale (7,683 projects, 15,000 sessions) grouping every project
    row with its region, team and site columns to sort them cost ~140 ms a page; the narrow rows sort in a few."""
    return (Session.objects.filter(_session_window("", day))
            .filter(_public_filters("project__", text=text, category=category, district=district, near=near))
            .values("project_id")
            .annotate(next_start=Min("starts_at"), n_sessions=Count("id"),
                      open_places=Coalesce(Sum(F("places") - F("taken"), output_field=IntegerField()), 0))
            .order_by("next_start", "project_id"))


def projects_of_rows(rows) -> list[Project]:
    """The projects of `project_rows` rows, in their order, each with `open_places`, `next_start` and `n_sessions`."""
    rows = list(rows)
    found = Project.objects.select_related("region", "team", "site").in_bulk([r["project_id"] for r in rows])
    out = []
    for r in rows:
        p = found.get(r["project_id"])
        if p is not None:
            p.open_places, p.next_start, p.n_sessions = r["open_places"], r["next_start"], r["n_sessions"]
            out.append(p)
    return out


def project_public(pk: int) -> Project:
    project = (Project.objects.filter(pk=pk, status=Project.Status.OPEN)
               .select_related("region", "team", "site").prefetch_related("skills").first())
    if project is None:
        raise NotFound(field="project")
    return project


def sessions_of(project: Project, *, upcoming_only: bool = True):
    qs = project.sessions.all()
    return qs.filter(_upcoming_q()) if upcoming_only else qs


def session_public(pk: int) -> Session:
    """A session of an open project: what a volunteer signs up for."""
    session = (Session.objects.select_related("project__region", "project__team")
               .filter(pk=pk, project__status=Project.Status.OPEN).first())
    if session is None:
        raise NotFound(field="session")
    return session


def districts():
    return Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")


def community_find(district: Region | None, text: str):
    """Communities and villages matching a name (or a code) inside a district, for the public registration page."""
    text = " ".join((text or "").split())
    if not text:
        return Region.objects.none()
    qs = Region.objects.filter(level=Region.Level.COMMUNITY)
    if district is not None:
        qs = qs.filter(path__startswith=district.path)
    if text.isdigit():
        return qs.filter(code=text)
    exact = qs.filter(name=text)
    return exact if exact.exists() else qs.filter(name__icontains=text)


def volunteer_of(user) -> Volunteer | None:
    """The signed-in user's own volunteer record, if they registered."""
    if not getattr(user, "is_authenticated", False) or not user.person_id:
        return None
    return Volunteer.objects.select_related("person", "region").filter(person_id=user.person_id).first()


def signups_mine(user):
    if not getattr(user, "is_authenticated", False) or not user.person_id:
        return Signup.objects.none()
    return (Signup.objects.filter(person_id=user.person_id)
            .select_related("session__project__region", "session__project__team").order_by("-session__starts_at"))


def signup_mine(user, pk: int) -> Signup:
    row = signups_mine(user).filter(pk=pk).first()
    if row is None:
        raise NotFound(field="signup")
    return row


def _managed_team_ids(user) -> list[int]:
    if not getattr(user, "person_id", None):
        return []
    return list(Membership.objects.filter(person_id=user.person_id, role=Membership.Role.MANAGER,
                                          status=Membership.Status.ACTIVE).values_list("team_id", flat=True))


def teams_visible(user):
    """Teams in the user's regions, and the teams they manage."""
    scope = Scope.of(user)
    return (Team.objects.filter(scope.region_q("region", MANAGERS) | Q(pk__in=_managed_team_ids(user)))
            .select_related("region", "parent").annotate(members=Count("memberships", distinct=True)))


def team_get(user, pk: int) -> Team:
    team = teams_visible(user).filter(pk=pk).first()
    if team is None:
        raise NotFound(field="team")
    return team


def team_members(team: Team):
    return (team.memberships.filter(status=Membership.Status.ACTIVE).select_related("person", "person__volunteer")
            .order_by("-role", "person__name"))


def volunteers_visible(user):
    """Volunteers living in the user's regions, and the members of teams the user manages."""
    scope = Scope.of(user)
    teams = _managed_team_ids(user)
    q = scope.region_q("region", MANAGERS)
    if teams:
        q |= Q(person__volunteer_memberships__team_id__in=teams,
               person__volunteer_memberships__status__in=Membership.OPEN)
    return Volunteer.objects.filter(q).select_related("person", "region").distinct()


def projects_managed(user):
    """Projects the user organises: in their regions, or published by a team they manage."""
    scope = Scope.of(user)
    return (Project.objects.filter(scope.region_q("region", MANAGERS) | Q(team_id__in=_managed_team_ids(user)))
            .select_related("region", "team"))


def project_managed(user, pk: int) -> Project:
    project = projects_managed(user).filter(pk=pk).first()
    if project is None:
        raise NotFound(field="project")
    return project


def signups_of(project: Project):
    return (Signup.objects.filter(session__project=project).select_related("person", "session")
            .order_by("session__starts_at", "status", "changed_at"))


def signup_managed(user, pk: int) -> Signup:
    row = Signup.objects.filter(pk=pk, session__project__in=projects_managed(user)).select_related("session__project", "person").first()
    if row is None:
        raise NotFound(field="signup")
    return row


def waiting_position(signup: Signup) -> int | None:
    """1 for the first on the waiting list."""
    if signup.status != Signup.Status.WAITING:
        return None
    return Signup.objects.filter(session_id=signup.session_id, status=Signup.Status.WAITING).filter(
        Q(changed_at__lt=signup.changed_at) | Q(changed_at=signup.changed_at, pk__lt=signup.pk)).count() + 1


def regions_managed(user):
    """Communities and streets where the user may publish (their regions, for the publishing form)."""
    scope = Scope.of(user)
    return Region.objects.filter(scope.region_q("", MANAGERS)).order_by("code")


def sites_in(region: Region):
    from muster.geo.models import Site

    return Site.objects.filter(region__path__startswith=region.path).order_by("name")



def volunteer_by_phone(phone: str) -> Volunteer:
    """A registered volunteer by the mobile number they gave a team manager (the manager adds them to the team)."""
    from django.utils.translation import gettext as _

    from muster.core.pii import validate_phone

    number = validate_phone(phone)
    v = Volunteer.objects.select_related("person").filter(person__phone=number).first() if number else None
    if v is None:
        raise NotFound(_("No volunteer is registered with this mobile number."), field="phone")
    return v


def region_within(root: Region, code: str) -> Region | None:
    return Region.objects.filter(code=code, path__startswith=root.path).first() if code else None


def publish_region(user, code: str, team: Team | None) -> Region | None:
    """Where a project may be published: one of the user's regions, or (for a team manager) one inside the team's."""
    region = regions_managed(user).filter(code=code).first() if code else None
    if region is None and team is not None:
        region = region_within(team.region, code)
    return region


def records_mine(user):
    """The signed-in volunteer's own lines of the hours ledger."""
    from muster.volunteering.models import ServiceRecord

    if not getattr(user, "is_authenticated", False) or not user.person_id:
        return ServiceRecord.objects.none()
    return ServiceRecord.objects.filter(person_id=user.person_id)


def hours_total(records):
    return records.aggregate(total=Sum("hours"))["total"] or 0


def no_shows(project: Project) -> int:
    """How many confirmed volunteers of the project's sessions did not come."""
    return Signup.objects.filter(session__project=project, status=Signup.Status.NO_SHOW).count()


def sessions_overdue(user, *, now: dt.datetime | None = None, limit: int = 200) -> list[Session]:
    """The organiser's sessions past the 10 working days the national rules give to record them, with confirmed
    volunteers whose attendance is neither recorded nor marked as a no-show."""
    from muster.volunteering.ledger import record_due

    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = (Session.objects.filter(project__in=projects_managed(user), ends_at__lt=now - dt.timedelta(days=10),
                                   signups__status=Signup.Status.CONFIRMED, signups__attendance__isnull=True)
            .select_related("project__region", "project__team").distinct().order_by("ends_at")[:limit])
    return [s for s in rows if record_due(timezone.localdate(s.ends_at)) < today]


def session_managed(user, pk: int) -> Session:
    s = Session.objects.select_related("project__region", "project__team", "project__site").filter(
        pk=pk, project__in=projects_managed(user)).first()
    if s is None:
        raise NotFound()
    return s


def attendance_of(session: Session):
    """The session's volunteers (those holding or having held a place) with their attendance, for the leader."""
    return (Signup.objects.filter(session=session, status__in=(Signup.Status.CONFIRMED, Signup.Status.NO_SHOW))
            .select_related("person", "attendance").order_by("person__name"))


def stars_of(user) -> tuple[int, object]:
    """The volunteer's star level and total recorded hours."""
    from muster.volunteering.models import stars_for

    total = hours_total(records_mine(user))
    return stars_for(total), total


def honours_mine(user):
    from muster.volunteering.models import Honour

    if not getattr(user, "person_id", None):
        return Honour.objects.none()
    return Honour.objects.filter(person_id=user.person_id)


def record_mine(user, pk: int):
    """One of the volunteer's own records; anyone else's is not found (a correction of another's record is refused)."""
    row = records_mine(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def corrections_to_decide(user):
    """Open correction requests of records the user organised or whose region they coordinate."""
    from muster.volunteering.models import Correction

    scope = Scope.of(user)
    return (Correction.objects.filter(status=Correction.Status.OPEN)
            .filter(scope.region_q("record__region", MANAGERS) | Q(record__recorded_by=user))
            .select_related("record__person", "record__region").order_by("created_at"))


def correction_managed(user, pk: int):
    row = corrections_to_decide(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def certificate_mine(user, pk: int):
    row = Certificate.objects.select_related("person").filter(pk=pk, person_id=getattr(user, "person_id", None) or 0).first()
    if row is None:
        raise NotFound()
    return row


def certificate_check(number: str, shown: str = "") -> tuple[str, Certificate | None]:
    """Verify a certificate by its number (and the digest its QR carries): ("valid", cert) when the stored
    statement still matches its keyed digest and the shown digest (if any) matches; ("invalid", None) otherwise."""

    from muster.volunteering.certificates import certificate_digest_matches, certificate_statement

    c = Certificate.objects.select_related("person").filter(number=(number or "").strip().upper()[:24]).first()
    if c is None:
        return "invalid", None
    if not certificate_digest_matches(certificate_statement(c, c.person.name), c.digest):
        return "invalid", None
    if shown and not hmac.compare_digest(c.digest[:len(shown)], shown) or (shown and len(shown) < 16):
        return "invalid", None
    return "valid", c


def certificate_lines(c) -> list:
    from muster.volunteering.models import ServiceRecord

    return list(ServiceRecord.objects.filter(person_id=c.person_id, date__gte=c.period_from, date__lte=c.period_to)
                .order_by("date", "pk")[:200])


def team_roll(team: Team) -> list:
    """The team's members with their recorded hours and star level (one query for the hours)."""
    from muster.volunteering.models import ServiceRecord, stars_for

    members = list(team_members(team))
    hours = dict(ServiceRecord.objects.filter(person_id__in=[m.person_id for m in members]).values("person_id")
                 .annotate(total=Sum("hours")).values_list("person_id", "total"))
    for m in members:
        m.hours = hours.get(m.person_id) or 0
        m.stars = stars_for(m.hours)
        m.star_marks = "★" * m.stars
    return members
