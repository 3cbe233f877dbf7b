"""Reads for joining teams and for accident insurance, scoped like `selectors`: a team's name, region and join mode
are public (volunteers look for a team to join); its requests and members only to those who manage it; a
volunteer's insurance only to them and to those who may record it."""

from __future__ import annotations

from django.db.models import Count, Exists, Max, OuterRef, Q

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import NotFound
from muster.geo.models import Region
from muster.volunteering.models import Insurance, Membership, Session, Signup, Team, Volunteer
from muster.volunteering.selectors import _managed_team_ids


def teams_public(*, text: str = "", district: Region | None = None):
    """Teams a volunteer may look for: name, region, join mode and number of members (no people)."""
    qs = Team.objects.select_related("region", "parent").annotate(
        members=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)))
    text = " ".join((text or "").split())
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(region__name__icontains=text))
    if district is not None:
        qs = qs.filter(region__path__startswith=district.path)
    return qs.order_by("name", "pk")


def team_public(pk: int) -> Team:
    team = teams_public().filter(pk=pk).first()
    if team is None:
        raise NotFound(field="team")
    return team


def memberships_mine(user):
    """The signed-in volunteer's own rows: teams they are in, asked to join, were invited to, refused by, left."""
    if not getattr(user, "person_id", None):
        return Membership.objects.none()
    return (Membership.objects.filter(person_id=user.person_id).select_related("team__region")
            .order_by("-changed_at", "-pk"))


def membership_mine(user, pk: int) -> Membership:
    row = memberships_mine(user).filter(pk=pk).first()
    if row is None:
        raise NotFound(field="membership")
    return row


def membership_of(user, team: Team) -> Membership | None:
    return memberships_mine(user).filter(team=team).first()


def _teams_managed_q(user) -> Q:
    return Scope.of(user).region_q("region", MANAGERS) | Q(pk__in=_managed_team_ids(user))


def team_requests(team: Team):
    """The team's open requests and invitations, oldest first, for its managers."""
    return (team.memberships.filter(status__in=(Membership.Status.PENDING, Membership.Status.INVITED))
            .select_related("person", "person__volunteer__region").order_by("status", "changed_at", "pk"))


def membership_managed(user, pk: int) -> Membership:
    """A membership row of a team the user manages (a request they decide on)."""
    row = (Membership.objects.filter(pk=pk, team__in=Team.objects.filter(_teams_managed_q(user)))
           .select_related("team__region", "person").first())
    if row is None:
        raise NotFound(field="membership")
    return row


def teams_with_requests(user):
    """Teams the user manages with requests to join awaiting them, each with `waiting`, `newest` and `last_at`."""
    pending = Q(memberships__status=Membership.Status.PENDING)
    return (Team.objects.filter(_teams_managed_q(user))
            .annotate(waiting=Count("memberships", filter=pending), newest=Max("memberships__id", filter=pending),
                      last_at=Max("memberships__changed_at", filter=pending))
            .filter(waiting__gt=0).order_by("-last_at"))


def invitations_mine(user):
    return memberships_mine(user).filter(status=Membership.Status.INVITED)


# --- accident insurance -------------------------------------------------------------------------

def insurances_of(person_id: int):
    return Insurance.objects.filter(person_id=person_id).select_related("recorded_by")


def volunteer_get(user, person_id: int) -> Volunteer:
    """A volunteer the user may see (their area, their team) or has as a volunteer on a project they organise."""
    from muster.volunteering.selectors import projects_managed, volunteers_visible

    v = volunteers_visible(user).filter(person_id=person_id).first()
    if v is None:
        v = (Volunteer.objects.select_related("person", "region")
             .filter(person_id=person_id, person__volunteer_signups__status__in=Signup.ACTIVE,
                     person__volunteer_signups__session__project__in=projects_managed(user)).first())
    if v is None:
        raise NotFound(field="person")
    return v


def uncovered_person_ids(session: Session) -> set[int]:
    """Volunteers of the session (confirmed or awaiting) with no policy covering its day, when its project requires
    accident insurance; empty otherwise."""
    if not session.project.insurance_required:
        return set()
    from django.utils import timezone

    day = timezone.localtime(session.starts_at).date()
    covered = Insurance.objects.filter(person_id=OuterRef("person_id"), valid_from__lte=day, valid_until__gte=day)
    return set(Signup.objects.filter(session=session, status__in=(*Signup.HOLDING, Signup.Status.NO_SHOW))
               .exclude(Exists(covered)).values_list("person_id", flat=True))
