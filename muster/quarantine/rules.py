"""Who may do what in quarantine: shared by the actions and the selectors."""

from __future__ import annotations

from django.utils.translation import gettext as _

from muster.accounts.models import Role
from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import Forbidden, NotFound
from muster.geo.models import Site
from muster.people.models import Person

HOTEL_ROLES = frozenset({Role.SITE_LEAD})


def can_manage_site(actor, site: Site) -> bool:
    scope = Scope.of(actor)
    return scope.covers(site.region, MANAGERS) or site.pk in scope.site_ids(HOTEL_ROLES)


def require_site(actor, site: Site) -> None:
    if not can_manage_site(actor, site):
        raise Forbidden(_("You do not manage this quarantine site."))


def may_open_case_for(actor, person: Person) -> bool:
    """Command opens cases for anyone; others only for people of the regions their grants cover."""
    scope = Scope.of(actor)
    return scope.has_role({Role.COMMAND}) or scope.covers(person.region, MANAGERS | HOTEL_ROLES)


def unknown_person() -> NotFound:
    """The one answer for a number nobody has and for a person the actor may not open a case for."""
    return NotFound(_("Nobody with this document number is in the registry."), field="id_number")
