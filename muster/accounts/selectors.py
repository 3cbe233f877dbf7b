"""Reads of users, grants and the audit trail, scoped by the acting user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from muster.accounts.models import ApiToken, Invitation, RoleGrant, User
from muster.accounts.scoping import MANAGERS, Scope, current
from muster.core.errors import NotFound
from muster.core.models import AuditEvent
from muster.geo.models import Region
from muster.people.models import Person


def grants_visible(user) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("user", "region", "site")


def access_review(user, *, unused_days: int = 30, unused_only: bool = False) -> list[dict]:
    """Who holds which role where, with when each user was last active; a role unused for
    `unused_days` (no sign-in and no audited action since) is marked for revocation."""
    import datetime as dt

    from django.db.models import Max
    from django.utils import timezone

    grants = list(grants_visible(user).order_by("region__code", "user__username", "role"))
    acted = dict(AuditEvent.objects.filter(actor_id__in={g.user_id for g in grants}).values("actor_id")
                 .annotate(last=Max("at")).values_list("actor_id", "last"))
    since = timezone.now() - dt.timedelta(days=unused_days)
    today = timezone.localdate()
    rows = []
    for g in grants:
        seen = [t for t in (g.user.last_login, acted.get(g.user_id)) if t]
        last = max(seen) if seen else None
        unused = (last is None or last < since) and g.created_at < since
        expired = g.ends_on is not None and g.ends_on < today
        if unused_only and not (unused or expired):
            continue
        rows.append({"grant": g, "last": last, "unused": unused, "expired": expired})
    return rows


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


def token_get(user, pk: int) -> ApiToken:
    """One of the user's own API tokens; anyone else's is not found."""
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token

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
    grants = (current(RoleGrant.objects.all()).filter(role__in=MANAGERS, region_id__in=ancestors, user__is_active=True,
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


def invitable_region(user, code: str) -> Region | None:
    """The region with this code, if it lies where the user manages (where they may invite someone)."""
    return Region.objects.filter(Scope.of(user).region_q(field="", roles=MANAGERS), code=code).first()
