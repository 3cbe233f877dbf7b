"""Reads of users, grants and the audit trail, scoped by the acting user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from muster.accounts.models import ApiToken, Invitation, RoleGrant, User
from muster.accounts.scoping import MANAGERS, Scope
from muster.core.models import AuditEvent
from muster.people.models import Person


def grants_visible(user) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("user", "region", "site")


def users_visible(user) -> QuerySet[User]:
    """Users holding a role inside the regions the acting user manages."""
    scope = Scope.of(user)
    if scope.is_superuser:
        return User.objects.all()
    return User.objects.filter(Q(grants__in=grants_visible(user)) | Q(pk=user.pk)).distinct()


def invitations_visible(user) -> QuerySet[Invitation]:
    return Invitation.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("region", "invited_by")


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def audit_visible(user, *, action: str = "", actor: str = "", kind: str = "") -> QuerySet[AuditEvent]:
    """The audit trail of the regions the user manages (and their own doings)."""
    scope = Scope.of(user)
    q = scope.path_q("region_path", MANAGERS)
    if not scope.is_superuser:
        q = (q & ~Q(region_path="")) | Q(actor=user)
    qs = AuditEvent.objects.filter(q)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label=actor)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-at", "-id")


def region_leads(region) -> list[Person]:
    """Who leads `region` and should be told about events in it: the nearest managers with a person to reach.

    Walks up from the region itself (community coordinators first, then the street, then
    command) and stops at the first level where someone holding a managing role on that
    region is linked to a person. Not scoped by an acting user: alerts and periodic jobs
    use it to route messages, never to show anything.
    """
    if region is None:
        return []
    ancestors = [int(x) for x in region.path.strip("/").split("/") if x.isdigit()]
    grants = (RoleGrant.objects.filter(role__in=MANAGERS, region_id__in=ancestors, user__is_active=True,
                                       user__person__isnull=False)
              .select_related("region", "user__person").order_by("-region__depth", "user_id"))
    leads: list[Person] = []
    depth = None
    for g in grants:
        if depth is not None and g.region.depth != depth:
            break
        depth = g.region.depth
        if all(p.pk != g.user.person_id for p in leads):
            leads.append(g.user.person)
    return leads
