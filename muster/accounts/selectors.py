"""Reads of users, grants and the audit trail, scoped by the acting user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from muster.accounts.models import ApiToken, Invitation, RoleGrant, User
from muster.accounts.scoping import MANAGERS, Scope
from muster.core.models import AuditEvent


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
