"""Collection-point teams (and the desk grant a place on one gives) and single-tube flags."""

from __future__ import annotations

from django.db import IntegrityError
from django.utils.translation import gettext as _

from muster.accounts.models import Role, RoleGrant, User
from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit
from muster.core.errors import Conflict, InvalidInput, NotFound
from muster.core.imports import ImportReport, RowError
from muster.core.transactions import atomic
from muster.geo.models import Region
from muster.people import fitness
from muster.people.models import Person
from muster.people.selectors import people_visible
from muster.testing.audits import Audit
from muster.testing.fitness import point_duty
from muster.testing.models import CollectionPoint, SingleTubeFlag, TeamMember
from muster.testing.parsing import parse_flag_file
from muster.testing.permissions import require_any_manager, require_manager

# What each team role lets the person's own account do: work the desk at the point's site.
TEAM_GRANTS = {TeamMember.Role.SAMPLER: Role.SAMPLER, TeamMember.Role.CLERK: Role.CLERK, TeamMember.Role.LEAD: Role.SITE_LEAD}


def team_add(*, actor, point: CollectionPoint, person: Person, role: str) -> TeamMember:
    """Put a person of the manager's region on a collection point's team.

    If the person has a user account it gets the matching site role (sampler, clerk or site
    lead) on the point's site, so they can open the desk as soon as they are on the team;
    team_remove takes that grant back. A grant the account already had is left alone.

    Refused (people.fitness.Unfit, code "unfit", with the reason) for someone who may not be
    sent: in quarantine or under observation, recalled, positive, a flagged contact, under 18.
    """
    require_manager(actor, point.campaign.region)
    if role not in TeamMember.Role.values:
        raise InvalidInput(_("Unknown team role."), field="role")
    if not Scope.of(actor).covers(person.region, MANAGERS):
        raise InvalidInput(_("This person is outside your region."), field="person")
    fitness.require_fit(person, point_duty(point))
    user = User.objects.filter(person=person, is_active=True).first()
    try:
        with atomic():
            grant = None
            if user is not None:
                grant = _team_grant(actor, user, TEAM_GRANTS[role], point)
            member = TeamMember.objects.create(point=point, person=person, role=role, grant=grant)
            audit.record(actor=actor, action=Audit.TEAM_ADD, obj=point, region=point.site.region,
                         changes={"person": person.name, "role": role, "account": user.username if user else None,
                                  "grant": grant.pk if grant else None})
    except IntegrityError:
        raise Conflict(_("This person is already in the team."), field="person") from None
    return member


def _team_grant(actor, user: User, role: str, point: CollectionPoint) -> RoleGrant | None:
    """The site grant a team membership holds: a new one, or one another membership made; None if given by hand."""
    site = point.site
    existing = RoleGrant.objects.filter(user=user, role=role, site=site).first()
    if existing is None:
        grant = RoleGrant.objects.create(user=user, role=role, region=site.region, site=site, granted_by=actor)
        audit.record(actor=actor, action=Audit.ROLE_GRANT, obj=grant, region=site.region,
                     changes={"user": user.username, "role": role, "site": site.name, "via": "testing.team"})
        return grant
    return existing if TeamMember.objects.filter(grant=existing).exists() else None


def team_remove(*, actor, member: TeamMember) -> None:
    """Take a person off a collection point's team, and the desk grant joining it gave them."""
    point = member.point
    require_manager(actor, point.campaign.region)
    with atomic():
        deleted, _n = TeamMember.objects.filter(pk=member.pk).delete()
        if not deleted:
            raise NotFound(_("This person is no longer in the team."))
        revoked = None
        if member.grant_id and not TeamMember.objects.filter(grant_id=member.grant_id).exists():
            grant = RoleGrant.objects.filter(pk=member.grant_id).select_related("user").first()
            if grant is not None:
                revoked = grant.role
                audit.record(actor=actor, action=Audit.ROLE_REVOKE, obj=grant, region=grant.region,
                             changes={"user": grant.user.username, "role": grant.role, "via": "testing.team"})
                grant.delete()
        audit.record(actor=actor, action=Audit.TEAM_REMOVE, obj=point, region=point.site.region,
                     changes={"person": member.person.name, "role": member.role, "revoked": revoked})


def flag_set(*, actor, person: Person, reason: str, active: bool = True, note: str = "") -> bool:
    """Flag (or unflag) a person who must be sampled in a single tube. `actor=None` for system callers.

    Returns whether anything changed (False: already flagged, or no such flag to lift).
    """
    if actor is not None:
        require_manager(actor, person.region)
    if reason not in SingleTubeFlag.Reason.values:
        raise InvalidInput(_("Unknown reason."), field="reason")
    note = (note or "").strip()
    if len(note) > 200:
        if actor is not None:
            raise InvalidInput(_("The note has at most 200 characters."), field="note")
        note = note[:200]  # a system caller's note (a quarantine site's name) is never worth refusing a flag for
    by = actor if getattr(actor, "pk", None) else None
    # Nests in a system caller's transaction (quarantine flags the people it admits).
    with atomic():
        if active:
            changed = not SingleTubeFlag.objects.filter(person=person, reason=reason, active=True).exists()
            if changed:
                SingleTubeFlag.objects.create(person=person, reason=reason, note=note, created_by=by)
        else:
            changed = bool(SingleTubeFlag.objects.filter(person=person, reason=reason, active=True).update(active=False))
        if changed:
            audit.record(actor=actor, action=Audit.FLAG, obj=person, region=person.region,
                         changes={"reason": reason, "active": active, "note": note})
    return changed


def flags_import(*, actor, data: bytes, filename: str, reason: str, note: str = "") -> ImportReport:
    """Flag everyone listed in a CSV/XLSX of ID numbers: every row checked first, all or nothing.

    Columns: id_number (or 身份证号), and optionally name (checked against the registry),
    id_type, reason (contact/quarantine, 密接/隔离; default `reason`) and note (default `note`).
    Only people in the actor's regions can be flagged.
    """
    require_any_manager(actor)
    if reason not in SingleTubeFlag.Reason.values:
        raise InvalidInput(_("Unknown reason."), field="reason")
    report = ImportReport()
    rows = parse_flag_file(data, filename, reason=reason, note=note, report=report)
    found = {(p.id_type, p.id_hash): p for p in people_visible(actor).filter(
        id_hash__in=[r.key[1] for r in rows]).select_related("region")} if rows else {}
    for r in rows:
        person = found.get(r.key)
        if person is None:
            report.errors.append(RowError(r.line, "id_number", _("No person with this ID number in your region.")))
        elif r.name and r.name != person.name:
            report.errors.append(RowError(r.line, "name", _("The name does not match the registry's record for this ID number.")))
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report
    with atomic():
        people = [found[r.key] for r in rows]
        active = set(SingleTubeFlag.objects.filter(person__in=people, active=True).values_list("person_id", "reason"))
        new = [SingleTubeFlag(person=found[r.key], reason=r.reason, note=r.note, created_by=actor)
               for r in rows if (found[r.key].pk, r.reason) not in active]
        SingleTubeFlag.objects.bulk_create(new, batch_size=1000)
        report.created, report.unchanged = len(new), len(rows) - len(new)
        audit.record(actor=actor, action=Audit.FLAG_IMPORT, region=_common_region([p.region for p in people]),
                     changes={"file": filename, "created": report.created, "unchanged": report.unchanged,
                              "people": [f.person_id for f in new]})
    return report


def _common_region(regions: list[Region]) -> Region | None:
    """The deepest region holding all of `regions`, so a bulk write shows in their audit trail."""
    paths = [r.path for r in regions]
    if not paths:
        return None
    parts = [p.strip("/").split("/") for p in paths]
    common = []
    for ids in zip(*parts, strict=False):
        if len(set(ids)) != 1:
            break
        common.append(ids[0])
    return Region.objects.filter(pk=int(common[-1])).first() if common else None
