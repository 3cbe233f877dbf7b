"""The one place that knows what a user may see: their role grants, each over a region subtree.

Every selector asks a Scope for a filter; nothing else decides visibility.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from muster.accounts.models import Role

# Who may see the people directory and manage a region's work.
MANAGERS = frozenset({Role.COMMAND, Role.COORDINATOR})
SITE_ROLES = frozenset({Role.SITE_LEAD, Role.SAMPLER, Role.CLERK, Role.LAB_TECH})
ALL_ROLES = frozenset(Role.values)
# Roles that may see a full ID number (each view is audited).
ID_REVEALERS = MANAGERS


def current(grants):
    """Grants still in force: without an end date, or ending today or later (local date)."""
    from django.utils import timezone

    return grants.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))


class Scope:
    """The grants of one user, with the filters that follow from them."""

    def __init__(self, user):
        self.user = user
        self.is_anonymous = not getattr(user, "is_authenticated", False)
        self.is_superuser = bool(getattr(user, "is_superuser", False))
        self.grants = [] if self.is_anonymous else list(current(user.grants.all()).select_related("region", "site"))

    @classmethod
    def of(cls, user) -> Scope:
        """The user's scope, computed once per user object (i.e. once per request)."""
        scope = getattr(user, "_muster_scope", None)
        if scope is None:
            scope = cls(user)
            if not scope.is_anonymous:
                user._muster_scope = scope
        return scope

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, roles: Iterable[str]) -> bool:
        return self.is_superuser or bool(self.roles() & set(roles))

    def paths(self, roles: Iterable[str] = MANAGERS) -> list[str]:
        """Region paths the given roles cover, with nested ones dropped."""
        if self.is_superuser:
            return ["/"]
        wanted = set(roles)
        paths = sorted({g.region.path for g in self.grants if g.role in wanted})
        minimal: list[str] = []
        for p in paths:
            if not any(p.startswith(m) for m in minimal):
                minimal.append(p)
        return minimal

    def region_ids(self, roles: Iterable[str] = MANAGERS) -> list[int]:
        """Ids of every region inside the covered subtrees (one query, cached per scope)."""
        key = frozenset(roles)
        cache = self.__dict__.setdefault("_region_ids", {})
        if key not in cache:
            from muster.geo.models import Region

            q = Q()
            for p in self.paths(key):
                q |= Q(path__startswith=p)
            cache[key] = list(Region.objects.filter(q).order_by().values_list("id", flat=True)) if q else []
        return cache[key]

    def region_q(self, field: str = "region", roles: Iterable[str] = MANAGERS) -> Q:
        """A Q matching rows whose `field` (a Region foreign key path) lies in a covered subtree.

        The subtree is resolved to explicit region ids first: PostgreSQL cannot
        estimate `path LIKE '/1/2/%'` and, underestimating a district's 400
        communities as a dozen, picks nested loops that are 50x slower at a
        million people. With the ids it plans from real statistics.
        """
        paths = self.paths(roles)
        if not paths:
            return Q(pk__in=[])
        if paths == ["/"]:
            return Q()
        return Q(**{f"{field}__in" if field else "pk__in": self.region_ids(roles)})

    def path_q(self, field: str, roles: Iterable[str] = MANAGERS) -> Q:
        """Like region_q for a denormalised path column (e.g. the audit trail)."""
        paths = self.paths(roles)
        if not paths:
            return Q(pk__in=[])
        if paths == ["/"]:
            return Q()
        q = Q()
        for p in paths:
            q |= Q(**{f"{field}__startswith": p})
        return q

    def covers(self, region, roles: Iterable[str] = MANAGERS) -> bool:
        if region is None:
            return False
        return any(region.path.startswith(p) for p in self.paths(roles))

    def site_ids(self, roles: Iterable[str] = SITE_ROLES) -> set[int]:
        wanted = set(roles)
        return {g.site_id for g in self.grants if g.role in wanted and g.site_id}

    def home_region(self):
        """The widest region of the user's grants, for the dashboard."""
        if not self.grants:
            return None
        return min((g.region for g in self.grants), key=lambda r: r.depth)
