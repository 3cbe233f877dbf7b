"""Who may do what in mass testing: the rules both the actions and the selectors need.

Kept below both so that neither imports the other for them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from muster.accounts.models import Role
from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import Forbidden
from muster.geo.models import Region, Site
from muster.testing.models import Campaign, CollectionPoint, TeamMember

DESK_ROLES = frozenset({Role.SITE_LEAD, Role.SAMPLER, Role.CLERK})
LAB_ROLES = frozenset({Role.LAB_TECH})


def is_manager(user) -> bool:
    """Command or a coordinator somewhere: may see the manager pages (each page then scopes by region)."""
    return Scope.of(user).has_role(MANAGERS)


def require_any_manager(user) -> None:
    if not is_manager(user):
        raise Forbidden(_("Only command or coordinators of this region may do this."))


def require_manager(actor, region: Region) -> None:
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("Only command or coordinators of this region may do this."))


def can_manage(user, campaign: Campaign) -> bool:
    return Scope.of(user).covers(campaign.region, MANAGERS)


def require_campaign_manager(user, campaign: Campaign) -> None:
    if not can_manage(user, campaign):
        raise Forbidden(_("Only command or coordinators of this region may do this."))


def can_work_desk(actor, point: CollectionPoint) -> bool:
    scope = Scope.of(actor)
    return point.site_id in scope.site_ids(DESK_ROLES) or scope.covers(point.site.region, MANAGERS)


def require_desk(actor, point: CollectionPoint) -> None:
    if not can_work_desk(actor, point):
        raise Forbidden(_("You do not work at this collection point."))


def can_work_lab(actor, lab: Site) -> bool:
    scope = Scope.of(actor)
    return lab.pk in scope.site_ids(LAB_ROLES) or scope.is_superuser


def require_lab(actor, lab: Site) -> None:
    if not can_work_lab(actor, lab):
        raise Forbidden(_("You do not work at this lab."))


def may_record_shifts(user, point: CollectionPoint) -> bool:
    """The point's team leads and the campaign's coordinators keep the point's staff roll."""
    if Scope.of(user).covers(point.campaign.region, MANAGERS):
        return True
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and TeamMember.objects.filter(point=point, person_id=person_id,
                                                         role=TeamMember.Role.LEAD).exists()
