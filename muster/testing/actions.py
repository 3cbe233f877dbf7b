"""Writes of mass testing. Each one a transaction with its audit event (the desk hot path excepted, see desk_scan)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.models import Role, RoleGrant, User
from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit, imports, pii
from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.idempotency import run_once
from muster.core.imports import ImportReport, RowError, read_table
from muster.geo.actions import region_count_add
from muster.geo.models import Region, Site
from muster.people.models import Person
from muster.people.selectors import people_visible
from muster.testing.models import (
    BOX_RE,
    CODE_ALPHABET,
    CODE_RE,
    POOL_SIZES,
    TUBE_RE,
    Box,
    Campaign,
    CollectionPoint,
    CustodyEvent,
    LabRun,
    Recall,
    RecallItem,
    Registration,
    Report,
    Sample,
    SingleTubeFlag,
    TeamMember,
    Tube,
)

DESK_ROLES = frozenset({Role.SITE_LEAD, Role.SAMPLER, Role.CLERK})
LAB_ROLES = frozenset({Role.LAB_TECH})


# --- permissions -------------------------------------------------------------------------------

def _require_manager(actor, region: Region) -> None:
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("Only command or coordinators of this region may do this."))


def can_work_desk(actor, point: CollectionPoint) -> bool:
    scope = Scope.of(actor)
    return point.site_id in scope.site_ids(DESK_ROLES) or scope.covers(point.site.region, MANAGERS)


def _require_desk(actor, point: CollectionPoint) -> None:
    if not can_work_desk(actor, point):
        raise Forbidden(_("You do not work at this collection point."))


def can_work_lab(actor, lab: Site) -> bool:
    scope = Scope.of(actor)
    return lab.pk in scope.site_ids(LAB_ROLES) or scope.is_superuser


def _require_lab(actor, lab: Site) -> None:
    if not can_work_lab(actor, lab):
        raise Forbidden(_("You do not work at this lab."))


# --- campaigns ---------------------------------------------------------------------------------

@dataclass
class CampaignData:
    name: str
    region: Region
    starts_at: dt.datetime
    ends_at: dt.datetime
    pool_size: int = 10
    round: int = 1
    prevalence: float = 0.001
    labs: tuple[Site, ...] = ()


def _clean_campaign(data: CampaignData) -> None:
    if not (data.name or "").strip() or len(data.name) > 120:
        raise InvalidInput(_("The name is required and has at most 120 characters."), field="name")
    if data.pool_size not in POOL_SIZES:
        raise InvalidInput(_("The pooling ratio must be 1, 5, 10 or 20."), field="pool_size")
    if data.ends_at <= data.starts_at:
        raise InvalidInput(_("The campaign must end after it starts."), field="ends_at")
    if not (0 < data.prevalence < 1):
        raise InvalidInput(_("The expected prevalence must be between 0 and 1."), field="prevalence")
    if not (1 <= data.round <= 999):
        raise InvalidInput(_("The round must be between 1 and 999."), field="round")
    for lab in data.labs:
        if lab.kind != Site.Kind.LAB:
            raise InvalidInput(_("%(name)s is not a laboratory.") % {"name": lab.name}, field="labs")


def campaign_create(*, actor, data: CampaignData) -> Campaign:
    """Start a campaign over a region; the target population is counted from the registry."""
    _require_manager(actor, data.region)
    _clean_campaign(data)
    from muster.testing.selectors import labs_usable  # selectors import this module

    usable = set(labs_usable(actor).filter(pk__in=[lab.pk for lab in data.labs]).values_list("pk", flat=True))
    for lab in data.labs:
        if lab.pk not in usable:
            raise InvalidInput(_("%(name)s is not a lab your region may use.") % {"name": lab.name}, field="labs")
    target = Person.objects.filter(region__path__startswith=data.region.path).count()
    with transaction.atomic(durable=True):
        campaign = Campaign.objects.create(name=data.name.strip(), region=data.region, round=data.round, starts_at=data.starts_at,
                                           ends_at=data.ends_at, pool_size=data.pool_size, prevalence=data.prevalence,
                                           target_population=target, created_by=actor)
        campaign.labs.set(data.labs)
        audit.record(actor=actor, action="campaign.create", obj=campaign, region=data.region,
                     changes={"pool_size": data.pool_size, "round": data.round, "target": target,
                              "labs": [lab.name for lab in data.labs]})
    return campaign


def campaign_set_status(*, actor, campaign: Campaign, status: str) -> Campaign:
    _require_manager(actor, campaign.region)
    if status not in Campaign.Status.values:
        raise InvalidInput(_("Unknown status."), field="status")
    with transaction.atomic(durable=True):
        old = campaign.status
        Campaign.objects.filter(pk=campaign.pk).update(status=status)
        campaign.status = status
        audit.record(actor=actor, action="campaign.status", obj=campaign, region=campaign.region, changes={"status": [old, status]})
    return campaign


def point_add(*, actor, campaign: Campaign, site: Site, desks: int = 2, opens: dt.time = dt.time(7), closes: dt.time = dt.time(22)) -> CollectionPoint:
    """Add a collection site of the campaign's region to the campaign."""
    _require_manager(actor, campaign.region)
    if site.kind != Site.Kind.COLLECTION:
        raise InvalidInput(_("Only collection points can take part in sampling."), field="site")
    if not campaign.region.contains(site.region):
        raise InvalidInput(_("This collection point is outside the campaign's region."), field="site")
    if not (1 <= desks <= 200):
        raise InvalidInput(_("Desks must be between 1 and 200."), field="desks")
    if closes <= opens:
        raise InvalidInput(_("The point must close after it opens."), field="closes")
    try:
        with transaction.atomic(durable=True):
            point = CollectionPoint.objects.create(campaign=campaign, site=site, desks=desks, opens=opens, closes=closes)
            audit.record(actor=actor, action="campaign.point_add", obj=point, region=site.region,
                         changes={"campaign": campaign.pk, "desks": desks, "hours": f"{opens:%H:%M}-{closes:%H:%M}"})
    except IntegrityError:
        raise Conflict(_("This collection point is already part of the campaign."), field="site") from None
    return point


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
    from muster.people import fitness
    from muster.testing.fitness import point_duty

    _require_manager(actor, point.campaign.region)
    if role not in TeamMember.Role.values:
        raise InvalidInput(_("Unknown team role."), field="role")
    if not Scope.of(actor).covers(person.region, MANAGERS):
        raise InvalidInput(_("This person is outside your region."), field="person")
    fitness.require_fit(person, point_duty(point))
    user = User.objects.filter(person=person, is_active=True).first()
    try:
        with transaction.atomic(durable=True):
            grant = None
            if user is not None:
                grant = _team_grant(actor, user, TEAM_GRANTS[role], point)
            member = TeamMember.objects.create(point=point, person=person, role=role, grant=grant)
            audit.record(actor=actor, action="campaign.team_add", obj=point, region=point.site.region,
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
        audit.record(actor=actor, action="role.grant", obj=grant, region=site.region,
                     changes={"user": user.username, "role": role, "site": site.name, "via": "testing.team"})
        return grant
    return existing if TeamMember.objects.filter(grant=existing).exists() else None


def team_remove(*, actor, member: TeamMember) -> None:
    """Take a person off a collection point's team, and the desk grant joining it gave them."""
    point = member.point
    _require_manager(actor, point.campaign.region)
    with transaction.atomic(durable=True):
        deleted, _n = TeamMember.objects.filter(pk=member.pk).delete()
        if not deleted:
            raise NotFound(_("This person is no longer in the team."))
        revoked = None
        if member.grant_id and not TeamMember.objects.filter(grant_id=member.grant_id).exists():
            grant = RoleGrant.objects.filter(pk=member.grant_id).select_related("user").first()
            if grant is not None:
                revoked = grant.role
                audit.record(actor=actor, action="role.revoke", obj=grant, region=grant.region,
                             changes={"user": grant.user.username, "role": grant.role, "via": "testing.team"})
                grant.delete()
        audit.record(actor=actor, action="campaign.team_remove", obj=point, region=point.site.region,
                     changes={"person": member.person.name, "role": member.role, "revoked": revoked})


def flag_set(*, actor, person: Person, reason: str, active: bool = True, note: str = "") -> bool:
    """Flag (or unflag) a person who must be sampled in a single tube. `actor=None` for system callers.

    Returns whether anything changed (False: already flagged, or no such flag to lift).
    """
    if actor is not None:
        _require_manager(actor, person.region)
    if reason not in SingleTubeFlag.Reason.values:
        raise InvalidInput(_("Unknown reason."), field="reason")
    note = (note or "").strip()
    if len(note) > 200:
        if actor is not None:
            raise InvalidInput(_("The note has at most 200 characters."), field="note")
        note = note[:200]  # a system caller's note (a quarantine site's name) is never worth refusing a flag for
    by = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        if active:
            changed = not SingleTubeFlag.objects.filter(person=person, reason=reason, active=True).exists()
            if changed:
                SingleTubeFlag.objects.create(person=person, reason=reason, note=note, created_by=by)
        else:
            changed = bool(SingleTubeFlag.objects.filter(person=person, reason=reason, active=True).update(active=False))
        if changed:
            audit.record(actor=actor, action="testing.flag", obj=person, region=person.region,
                         changes={"reason": reason, "active": active, "note": note})
    return changed


FLAG_HEADERS = {"身份证号": "id_number", "身份证号码": "id_number", "证件号码": "id_number", "证件号": "id_number",
                "id": "id_number", "证件类型": "id_type", "原因": "reason", "备注": "note", "姓名": "name"}
FLAG_REASONS = {"contact": SingleTubeFlag.Reason.CONTACT, "密接": SingleTubeFlag.Reason.CONTACT,
                "密切接触者": SingleTubeFlag.Reason.CONTACT, "quarantine": SingleTubeFlag.Reason.QUARANTINE,
                "隔离": SingleTubeFlag.Reason.QUARANTINE, "隔离中": SingleTubeFlag.Reason.QUARANTINE}


def flags_import(*, actor, data: bytes, filename: str, reason: str, note: str = "") -> ImportReport:
    """Flag everyone listed in a CSV/XLSX of ID numbers: every row checked first, all or nothing.

    Columns: id_number (or 身份证号), and optionally name (checked against the registry),
    id_type, reason (contact/quarantine, 密接/隔离; default `reason`) and note (default `note`).
    Only people in the actor's regions can be flagged.
    """
    if not Scope.of(actor).has_role(MANAGERS):
        raise Forbidden(_("Only command or coordinators of this region may do this."))
    if reason not in SingleTubeFlag.Reason.values:
        raise InvalidInput(_("Unknown reason."), field="reason")
    report = ImportReport()
    seen: dict[tuple[str, str], int] = {}
    rows: list[tuple[int, tuple[str, str], str, str, str]] = []  # line, (id_type, hash), reason, note, name
    for line, raw in read_table(data, filename):
        row = {FLAG_HEADERS.get(k, k): v for k, v in raw.items()}
        report.total += 1
        id_type = row.get("id_type") or pii.IdType.RESIDENT
        if id_type not in dict(pii.IdType.CHOICES):
            report.errors.append(RowError(line, "id_type", _("Unknown document type.")))
            continue
        try:
            number = pii.validate_id(id_type, row.get("id_number", ""))
        except InvalidInput as e:
            report.errors.append(RowError(line, "id_number", str(e.message)))
            continue
        word = (row.get("reason") or "").strip().lower()
        row_reason = FLAG_REASONS.get(word) if word else reason
        if row_reason is None:
            report.errors.append(RowError(line, "reason", _("Unknown reason: %(value)s (contact or quarantine).")
                                          % {"value": word[:20]}))
            continue
        row_note = (row.get("note") or note or "").strip()
        if len(row_note) > 200:
            report.errors.append(RowError(line, "note", _("The note has at most 200 characters.")))
            continue
        key = (id_type, pii.lookup_hash(id_type, number))
        if key in seen:
            report.errors.append(RowError(line, "id_number", _("The same ID number is on line %(line)s.") % {"line": seen[key]}))
            continue
        seen[key] = line
        rows.append((line, key, row_reason, row_note, (row.get("name") or "").strip()))
    if report.total == 0:
        report.errors.append(RowError(1, "file", _("The file has no rows.")))
    found = {(p.id_type, p.id_hash): p for p in people_visible(actor).filter(
        id_hash__in=[key[1] for _l, key, *_r in rows]).select_related("region")} if rows else {}
    for line, key, _r, _n, name in rows:
        person = found.get(key)
        if person is None:
            report.errors.append(RowError(line, "id_number", _("No person with this ID number in your region.")))
        elif name and name != person.name:
            report.errors.append(RowError(line, "name", _("The name does not match the registry's record for this ID number.")))
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report
    with transaction.atomic(durable=True):
        people = [found[key] for _l, key, *_r in rows]
        active = set(SingleTubeFlag.objects.filter(person__in=people, active=True).values_list("person_id", "reason"))
        new = [SingleTubeFlag(person=found[key], reason=r, note=n, created_by=actor)
               for _l, key, r, n, _name in rows if (found[key].pk, r) not in active]
        SingleTubeFlag.objects.bulk_create(new, batch_size=1000)
        report.created, report.unchanged = len(new), len(rows) - len(new)
        audit.record(actor=actor, action="testing.flag_import", region=_common_region([p.region for p in people]),
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


# --- pre-registration --------------------------------------------------------------------------

def new_code() -> str:
    return "MP" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def preregister(*, campaign: Campaign, name: str, id_type: str, id_number: str, phone: str = "", community: Region | None = None) -> Registration:
    """A resident registers themself for a campaign and gets a personal code (their QR).

    Someone already in the registry must give the name on record; someone not in it is
    added to the community they name, which must lie in the campaign's region.
    """
    if campaign.status == Campaign.Status.CLOSED:
        raise InvalidInput(_("This campaign is closed."), field="campaign")
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput(_("The name is required and has at most 60 characters."), field="name")
    sealed = pii.seal(id_type, id_number)
    phone = pii.validate_phone(phone)
    person = Person.objects.filter(id_type=id_type, id_hash=sealed.hash).select_related("region").first()
    with transaction.atomic(durable=True):
        if person is None:
            if community is None or community.level != Region.Level.COMMUNITY or not campaign.region.contains(community):
                raise InvalidInput(_("Choose your community in the campaign's area."), field="community")
            birth = pii.birth_year_from_resident_id(sealed.number) if id_type == pii.IdType.RESIDENT else None
            person = Person.objects.create(name=name, phone=phone, birth_year=birth, id_type=id_type, id_cipher=sealed.cipher,
                                           id_hash=sealed.hash, id_masked=sealed.masked, region=community)
            region_count_add(community, "people_count", 1)
            audit.record(actor=None, action="person.self_register", obj=person, region=community, changes={"campaign": campaign.pk})
        elif person.name != name:
            # Same answer as for a wrong number: a stranger learns nothing about who is registered.
            raise InvalidInput(_("The name does not match the registry for this ID number."), field="name")
        existing = Registration.objects.filter(campaign=campaign, person=person).first()
        if existing is not None:
            return existing
        reg = Registration.objects.create(campaign=campaign, person=person, code=new_code())
        audit.record(actor=None, action="testing.preregister", obj=reg, region=person.region, changes={"campaign": campaign.pk},
                     object_repr=person.id_masked)
    return reg


def preregister_self(*, campaign: Campaign, name: str, id_type: str, id_number: str, phone: str = "",
                     community: Region | None = None) -> Registration | None:
    """Pre-registration from the public page: the registration to show, or None for "check your SMS".

    Someone already in the registry never sees their code on this page, whoever typed their name
    and number: it goes by SMS to the phone on record. A wrong name, or a newcomer who named no
    community, gets that same answer, so the page tells no stranger whether a number is registered.
    Only a newcomer, added now, sees their code at once.
    """
    sealed = pii.seal(id_type, id_number)
    person = Person.objects.filter(id_type=id_type, id_hash=sealed.hash).first()
    if person is None:
        if community is None:
            return None
        return preregister(campaign=campaign, name=name, id_type=id_type, id_number=id_number, phone=phone, community=community)
    if person.name != (name or "").strip():
        return None
    reg = preregister(campaign=campaign, name=name, id_type=id_type, id_number=id_number)
    if person.phone:
        from muster.notifications.actions import notify

        with transaction.atomic():
            notify(person=person, subject=_("Your Muster personal code for %(campaign)s: %(code)s. Show it at the desk.")
                   % {"campaign": campaign.name, "code": reg.code}, event="testing.preregister_code",
                   channels=[("sms", person.phone)])
    return None


# --- the registration desk ---------------------------------------------------------------------

def classify(scan: str) -> tuple[str, str]:
    """What a scanned (or typed) string is: tube, box, person code, ID number, or bad."""
    s = re.sub(r"\s", "", scan or "").upper()
    if TUBE_RE.fullmatch(s):
        return "tube", s
    if BOX_RE.fullmatch(s):
        return "box", s
    if CODE_RE.fullmatch(s):
        return "code", s
    if re.fullmatch(r"\d{17}[\dX]", s):
        return "id", s
    return "bad", s


def tube_open(*, actor, point: CollectionPoint, barcode: str, single: bool = False) -> Tube:
    """Open a tube at a desk. Re-scanning a tube already open here resumes it."""
    _require_desk(actor, point)
    kind, barcode = classify(barcode)
    if kind != "tube":
        raise InvalidInput(_("This is not a tube barcode (T followed by 6 to 12 digits)."), field="barcode", code="bad_format")
    if point.campaign.status != Campaign.Status.OPEN:
        raise Conflict(_("The campaign is not open for sampling."), code="campaign_closed")
    capacity = 1 if single else point.campaign.pool_size
    # A new barcode is the common case: insert first and look only when it is taken.
    try:
        with transaction.atomic(durable=True):
            tube = Tube.objects.create(barcode=barcode, campaign_id=point.campaign_id, point=point, capacity=capacity,
                                       opened_at=timezone.now(), opened_by=actor)
            audit.record(actor=actor, action="tube.open", obj=tube, region=point.site.region, changes={"capacity": capacity})
    except IntegrityError:
        existing = Tube.objects.filter(barcode=barcode).first()
        if existing is not None and existing.status == Tube.Status.OPEN and existing.point_id == point.pk:
            return existing  # re-scanned at the same desk: resume it
        raise Conflict(_("Tube %(code)s has already been used.") % {"code": barcode}, field="barcode", code="tube_used") from None
    return tube


def tube_close(*, actor, point: CollectionPoint, barcode: str) -> Tube:
    """Close an open tube on demand (fewer swabs than its pool size)."""
    _require_desk(actor, point)
    tube = Tube.objects.filter(barcode=(barcode or "").strip().upper(), point=point).first()
    if tube is None:
        raise NotFound(_("No such tube at this collection point."), code="tube_unknown")
    with transaction.atomic(durable=True):
        now = timezone.now()
        n = Tube.objects.filter(pk=tube.pk, status=Tube.Status.OPEN, count__gt=0).update(status=Tube.Status.CLOSED, closed_at=now)
        if not n:
            tube.refresh_from_db()
            if tube.status == Tube.Status.CLOSED:
                return tube
            raise Conflict(_("An empty tube cannot be closed; scan a person first."), code="tube_empty")
        tube.status, tube.closed_at = Tube.Status.CLOSED, now
        audit.record(actor=actor, action="tube.close", obj=tube, region=point.site.region, changes={"count": tube.count})
    return tube


class Refused(Exception):
    def __init__(self, error):
        self.error = error


_PERSON_SQL = """
SELECT p.id, p.name,
  EXISTS(SELECT 1 FROM testing_singletubeflag f WHERE f.person_id = p.id AND f.active),
  (SELECT i.id FROM testing_recallitem i JOIN testing_recall r ON r.id = i.recall_id
    WHERE i.person_id = p.id AND r.campaign_id = %s AND r.status = 'open' AND i.resample_id IS NULL LIMIT 1)
"""
_BY_CODE = _PERSON_SQL + " FROM testing_registration g JOIN people_person p ON p.id = g.person_id WHERE g.code = %s AND g.campaign_id = %s"
_BY_ID = _PERSON_SQL + " FROM people_person p WHERE p.id_type = %s AND p.id_hash = %s"
# Claim one place in the tube and close it when full, in one statement: the WHERE clause
# (count < capacity) is re-checked under the row lock, so concurrent desks cannot overfill it.
_CLAIM = """
UPDATE testing_tube SET count = count + 1,
  status = CASE WHEN count + 1 >= capacity THEN 'closed' ELSE 'open' END,
  closed_at = CASE WHEN count + 1 >= capacity THEN %s ELSE NULL END
WHERE barcode = %s AND point_id = %s AND status = 'open' AND count < capacity
RETURNING id, count, capacity
"""
_INSERT = """
INSERT INTO testing_sample (campaign_id, person_id, tube_id, point_id, registered_at, registered_by_id, client_key, is_resample)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id
"""


# The common case in one statement on PostgreSQL: find the person (no single-tube flag, no open
# recall), claim a place in the tube and write the sample, all or nothing. In autocommit the
# statement is its own transaction: one round trip and one commit per swab. No row back means
# nothing was written (unknown person, tube full or closed, a flag or a recall): the general path
# then works out what to say. A unique violation (already sampled, or a resent key) rolls the
# whole statement back, tube count included.
_FAST_PERSON = {
    "id": "SELECT p.id, p.name FROM people_person p WHERE p.id_type = %(id_type)s AND p.id_hash = %(value)s",
    "code": ("SELECT p.id, p.name FROM testing_registration g JOIN people_person p ON p.id = g.person_id"
             " WHERE g.code = %(value)s AND g.campaign_id = %(campaign)s"),
}
_FAST_SQL = """
WITH p AS ({person}), q AS (
  SELECT p.id, p.name FROM p
  WHERE NOT EXISTS (SELECT 1 FROM testing_singletubeflag f WHERE f.person_id = p.id AND f.active)
    AND NOT EXISTS (SELECT 1 FROM testing_recallitem i JOIN testing_recall r ON r.id = i.recall_id
                    WHERE i.person_id = p.id AND r.campaign_id = %(campaign)s AND r.status = 'open'
                      AND i.resample_id IS NULL)
), t AS (
  UPDATE testing_tube SET count = count + 1,
    status = CASE WHEN count + 1 >= capacity THEN 'closed' ELSE 'open' END,
    closed_at = CASE WHEN count + 1 >= capacity THEN %(now)s ELSE NULL END
  WHERE barcode = %(tube)s AND point_id = %(point)s AND status = 'open' AND count < capacity
    AND EXISTS (SELECT 1 FROM q)
  RETURNING id, count, capacity
), s AS (
  INSERT INTO testing_sample (campaign_id, person_id, tube_id, point_id, registered_at, registered_by_id, client_key, is_resample)
  SELECT %(campaign)s, q.id, t.id, %(point)s, %(now)s, %(actor)s, %(key)s, false FROM q, t
  RETURNING id
)
SELECT s.id, q.name, t.count, t.capacity FROM s, q, t
"""
_FAST = {kind: _FAST_SQL.format(person=sql) for kind, sql in _FAST_PERSON.items()}


REPLAN_EVERY = 500  # executions of the prepared desk statement before PostgreSQL plans it again
REPLAN_SECONDS = 60.0


def _prepared(sql: str, params: dict):
    """Run one statement as a server-side prepared statement; the first row back.

    Django binds parameters on the client, so PostgreSQL parses and plans every statement
    anew: on the desk's hot path planning was half of the database's work. Here psycopg
    prepares the statement once per connection and PostgreSQL reuses its plan. A plan made
    while the tube table was nearly empty would scan it whole once it has grown, so each
    connection drops its prepared statements every REPLAN_EVERY executions or
    REPLAN_SECONDS and plans them again for the tables as they are then.
    """
    import psycopg  # only reached on PostgreSQL
    from django.conf import settings

    connection.ensure_connection()
    conn = connection.connection
    if settings.DATABASE_TRANSACTION_POOLING:
        # Behind PgBouncer's transaction pooling the next statement may reach another server
        # connection, where a named statement does not exist: send it unnamed (parsed each time).
        with connection.wrap_database_errors, psycopg.Cursor(conn) as cur:
            cur.execute(sql, params, prepare=False)
            return cur.fetchone()
    state = getattr(conn, "_muster_prepared", None)
    with connection.wrap_database_errors:
        if state is None:
            if conn.prepare_threshold is None:  # Django's default: never prepare on its own
                conn.prepare_threshold = 2**31  # only statements that ask for it (prepare=True)
            state = conn._muster_prepared = [0, time.monotonic()]
        state[0] += 1
        if state[0] > REPLAN_EVERY or time.monotonic() - state[1] > REPLAN_SECONDS:
            conn.execute("DEALLOCATE ALL")  # psycopg sees it and forgets its prepared names too
            state[:] = [1, time.monotonic()]
        # A server-binding cursor: Django makes the connection's default cursor bind on the client,
        # and client-bound statements cannot be prepared.
        with psycopg.Cursor(conn) as cur:
            cur.execute(sql, params, prepare=True)
            return cur.fetchone()


def _fast_scan(*, actor, point: CollectionPoint, tube_barcode: str, kind: str, value: str, client_key: str) -> dict | None:
    """The one-statement path (PostgreSQL); None when the general path must decide."""
    params = {"value": value if kind == "code" else pii.lookup_hash(pii.IdType.RESIDENT, value),
              "id_type": pii.IdType.RESIDENT, "campaign": point.campaign_id, "now": timezone.now(),
              "tube": tube_barcode, "point": point.pk, "actor": actor.pk, "key": client_key}
    try:
        if connection.in_atomic_block:
            with transaction.atomic(durable=True):
                row = _prepared(_FAST[kind], params)
        else:  # autocommit: the statement commits by itself
            row = _prepared(_FAST[kind], params)
    except IntegrityError:  # a resend of a scan that went through, or someone already sampled
        return _replay(client_key, actor)
    if row is None:
        return None
    sample_id, name, count, capacity = row
    return {"ok": True, "replayed": False, "sample": sample_id, "person": name, "resample": False,
            "tube": {"barcode": tube_barcode, "count": count, "capacity": capacity,
                     "status": "closed" if count >= capacity else "open"}}


# The same statement for a clerk at their own site, with the point, its open campaign and the
# clerk's grant checked inside it: the API's scan needs no query for the user's grants or the
# point first. It only ever accepts (a site grant of a desk role at the point's own site);
# anything else (a manager, a superuser, a closed campaign, a bad key, a refusal) returns no
# row and the API takes the full path, which gives the precise answer.
_DIRECT_GATE = """
WITH a AS (
  SELECT pt.campaign_id FROM testing_collectionpoint pt JOIN testing_campaign c ON c.id = pt.campaign_id
  WHERE pt.id = %(point)s AND c.status = 'open'
    AND EXISTS (SELECT 1 FROM accounts_rolegrant g WHERE g.user_id = %(actor)s AND g.site_id = pt.site_id
                AND g.role IN ({roles}){current})
), """


def _direct_sql(kind: str) -> str:
    sql = _DIRECT.get(kind)
    if sql is None:
        # Grants that end (a later field) must be in force today, as Scope reads them.
        has_end = any(f.name == "ends_on" for f in RoleGrant._meta.get_fields())
        gate = _DIRECT_GATE.format(roles=", ".join(f"'{r}'" for r in sorted(DESK_ROLES)),
                                   current=" AND (g.ends_on IS NULL OR g.ends_on >= %(today)s)" if has_end else "")
        body = _FAST_SQL.format(person=_FAST_PERSON[kind]).replace("%(campaign)s", "(SELECT campaign_id FROM a)")
        body = body.replace("SELECT p.id, p.name FROM p\n  WHERE ", "SELECT p.id, p.name FROM p\n  WHERE EXISTS (SELECT 1 FROM a) AND ", 1)
        assert body.lstrip().startswith("WITH p AS") and "EXISTS (SELECT 1 FROM a)" in body
        sql = _DIRECT[kind] = gate + body.lstrip()[len("WITH "):]
    return sql


_DIRECT: dict[str, str] = {}


def desk_scan_direct(*, actor, point_id: int, tube_barcode: str, scan: str, client_key: str) -> dict | None:
    """The desk's scan in one statement, permission included (PostgreSQL, a clerk at their site).

    None whenever the statement declines or cannot decide: the caller then loads the point
    with the user's scope and calls desk_scan, which answers exactly as before (403, 404,
    409, 422, or a replay of a resent key).
    """
    if connection.vendor != "postgresql" or not getattr(actor, "is_authenticated", False) or actor.is_superuser:
        return None
    kind, value = classify(scan)
    tube_kind, tube = classify(tube_barcode)
    key = (client_key or "").strip()
    if kind not in ("code", "id") or tube_kind != "tube" or not key or len(key) > 64:
        return None
    if kind == "id":
        try:
            pii.validate_id(pii.IdType.RESIDENT, value)
        except InvalidInput:
            return None
    params = {"value": value if kind == "code" else pii.lookup_hash(pii.IdType.RESIDENT, value),
              "id_type": pii.IdType.RESIDENT, "now": timezone.now(), "today": timezone.localdate(),
              "tube": tube, "point": point_id, "actor": actor.pk, "key": key}
    sql = _direct_sql(kind)
    if "%(today)s" not in sql:
        del params["today"]
    try:
        if connection.in_atomic_block:
            with transaction.atomic(durable=True):
                row = _prepared(sql, params)
        else:  # autocommit: the statement commits by itself
            row = _prepared(sql, params)
    except IntegrityError:  # a resend, or someone already sampled: the full path answers
        return None
    if row is None:
        return None
    sample_id, name, count, capacity = row
    return {"ok": True, "replayed": False, "sample": sample_id, "person": name, "resample": False,
            "tube": {"barcode": tube, "count": count, "capacity": capacity, "status": "closed" if count >= capacity else "open"}}


def resolve_person(campaign_id: int, scan: str) -> tuple[int, str, bool, int | None] | None:
    """(person id, name, must be single, open recall item id) for a personal code or ID number."""
    kind, value = classify(scan)
    with connection.cursor() as cur:
        if kind == "code":
            cur.execute(_BY_CODE, [campaign_id, value, campaign_id])
        elif kind == "id":
            cur.execute(_BY_ID, [campaign_id, pii.IdType.RESIDENT, pii.lookup_hash(pii.IdType.RESIDENT, value)])
        else:
            return None
        row = cur.fetchone()
    return (row[0], row[1], bool(row[2]), row[3]) if row else None


_REPLAY = """
SELECT s.id, s.registered_by_id, p.name, t.barcode, t.count, t.capacity, t.status
FROM testing_sample s JOIN people_person p ON p.id = s.person_id JOIN testing_tube t ON t.id = s.tube_id
WHERE s.client_key = %s
"""


def _replay(client_key: str, actor) -> dict | None:
    """The first answer to a scan sent again with the same idempotency key, or None."""
    with connection.cursor() as cur:
        cur.execute(_REPLAY, [client_key])
        row = cur.fetchone()
    if row is None:
        return None
    sample_id, registered_by, name, barcode, count, capacity, status = row
    if registered_by != getattr(actor, "pk", None):
        raise InvalidInput(_("This idempotency key was used by someone else."), field="client_key")
    return {"ok": True, "replayed": True, "sample": sample_id, "person": name,
            "tube": {"barcode": barcode, "count": count, "capacity": capacity, "status": status}}


def desk_scan(*, actor, point: CollectionPoint, tube_barcode: str, scan: str, client_key: str = "") -> dict:
    """Register one person's swab into the open tube: the desk's hot path.

    On PostgreSQL the common case is one prepared statement (see _FAST_SQL); otherwise, and
    whenever that statement declines, one person look-up, then one short transaction: a
    conditional UPDATE claims a place in the tube (and closes it when full), one INSERT
    writes the sample. The sample row is
    the record of who registered whom, where and when, so no separate audit row is written
    per swab. `client_key` (the desk's idempotency key) is unique on the sample, so an
    offline resend returns the first answer instead of writing twice.
    """
    _require_desk(actor, point)
    client_key = (client_key or "").strip() or uuid.uuid4().hex
    if len(client_key) > 64:
        raise InvalidInput(_("The idempotency key has at most 64 characters."), field="client_key")
    if point.campaign.status != Campaign.Status.OPEN:
        raise Conflict(_("The campaign is not open for sampling."), code="campaign_closed")
    kind, value = classify(scan)
    if kind == "tube":
        raise InvalidInput(_("Tube already open: scan a person, or close this tube first."), field="scan", code="tube_scan")
    if kind not in ("code", "id"):
        raise InvalidInput(_("Not a personal QR code or resident ID number: %(value)s") % {"value": value[:30]},
                           field="scan", code="bad_format")
    if kind == "id":
        try:
            pii.validate_id(pii.IdType.RESIDENT, value)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field="scan", code="bad_format") from None
    tube_kind, tube_barcode = classify(tube_barcode)
    if tube_kind != "tube":
        raise InvalidInput(_("No tube is open: scan a tube barcode first."), field="tube", code="no_tube")
    if connection.vendor == "postgresql":
        fast = _fast_scan(actor=actor, point=point, tube_barcode=tube_barcode, kind=kind, value=value, client_key=client_key)
        if fast is not None:
            return fast
    found = resolve_person(point.campaign_id, value)
    if found is None:
        replay = _replay(client_key, actor)
        if replay:
            return replay
        if kind == "code":
            raise NotFound(_("This personal code is not registered for this campaign."), field="scan", code="unknown_code")
        raise NotFound(_("This ID number is not in the registry: register the walk-in."), field="scan", code="unknown_person")
    person_id, name, must_single, recall_item_id = found
    now = timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)
    try:
        with transaction.atomic(durable=True), connection.cursor() as cur:
            cur.execute(_CLAIM, [db_now, tube_barcode, point.pk])
            row = cur.fetchone()
            if row is None:
                raise Refused(_tube_refusal(tube_barcode, point))
            tube_id, count, capacity = row
            if (must_single or recall_item_id) and capacity > 1:
                if count != 1:
                    raise Refused(Conflict(_("%(name)s must be sampled in a single tube: close this tube and open a new one.")
                                           % {"name": name}, code="needs_single"))
                cur.execute("UPDATE testing_tube SET capacity = 1, status = 'closed', closed_at = %s WHERE id = %s", [db_now, tube_id])
                capacity = 1
            cur.execute(_INSERT, [point.campaign_id, person_id, tube_id, point.pk, db_now, actor.pk, client_key, bool(recall_item_id)])
            sample_id = cur.fetchone()[0]
            if recall_item_id:
                cur.execute("UPDATE testing_recallitem SET resample_id = %s, status = 'resampled' WHERE id = %s AND resample_id IS NULL",
                            [sample_id, recall_item_id])
    except Refused as refused:
        replay = _replay(client_key, actor)
        if replay:
            return replay
        raise refused.error from None
    except IntegrityError:
        replay = _replay(client_key, actor)
        if replay:
            return replay
        raise Conflict(_("%(name)s has already been sampled in this round.") % {"name": name}, field="scan",
                       code="already_sampled") from None
    return {"ok": True, "replayed": False, "sample": sample_id, "person": name, "resample": bool(recall_item_id),
            "tube": {"barcode": tube_barcode, "count": count, "capacity": capacity,
                     "status": "closed" if count >= capacity else "open"}}


def _tube_refusal(barcode: str, point: CollectionPoint):
    tube = Tube.objects.filter(barcode=barcode).only("status", "point_id", "count", "capacity").first()
    if tube is None:
        return NotFound(_("Tube %(code)s is not open: scan it to open it.") % {"code": barcode}, field="tube", code="tube_unknown")
    if tube.point_id != point.pk:
        return Conflict(_("Tube %(code)s belongs to another collection point.") % {"code": barcode}, field="tube", code="tube_used")
    return Conflict(_("Tube %(code)s is full or closed: scan a new tube.") % {"code": barcode}, field="tube", code="tube_closed")


def walkin_register(*, actor, point: CollectionPoint, name: str, id_number: str, phone: str = "",
                    client_key: str = "") -> Person:
    """A walk-in not in the registry, added at the desk to the collection point's community.

    With `client_key` (the desk's idempotency key) a resend of a registration that went
    through returns the same person instead of "already registered".
    """
    _require_desk(actor, point)
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput(_("The name is required and has at most 60 characters."), field="name")
    sealed = pii.seal(pii.IdType.RESIDENT, id_number)
    phone = pii.validate_phone(phone)
    region = point.site.region

    def write() -> tuple[int, dict]:
        person = Person.objects.create(name=name, phone=phone, birth_year=pii.birth_year_from_resident_id(sealed.number),
                                       id_type=pii.IdType.RESIDENT, id_cipher=sealed.cipher, id_hash=sealed.hash,
                                       id_masked=sealed.masked, region=region)
        region_count_add(region, "people_count", 1)
        audit.record(actor=actor, action="person.walkin", obj=person, region=region, changes={"point": point.pk})
        return 201, {"person": person.pk}

    try:
        with transaction.atomic(durable=True):
            if client_key:
                _status, body, _replayed = run_once(scope="testing.walkin", key=client_key, user_id=actor.pk, fn=write)
            else:
                _status, body = write()
    except IntegrityError:
        raise Conflict(_("A person with this ID number is already registered."), field="id_number") from None
    return Person.objects.get(pk=body["person"])


# --- boxes and the chain of custody ------------------------------------------------------------

def box_open(*, actor, point: CollectionPoint, barcode: str, lab: Site) -> Box:
    _require_desk(actor, point)
    kind, barcode = classify(barcode)
    if kind != "box":
        raise InvalidInput(_("This is not a box barcode (B followed by 4 to 12 digits)."), field="barcode", code="bad_format")
    if not point.campaign.labs.filter(pk=lab.pk).exists():
        raise InvalidInput(_("This lab is not one of the campaign's labs."), field="lab")
    try:
        with transaction.atomic(durable=True):
            box = Box.objects.create(barcode=barcode, campaign_id=point.campaign_id, point=point, lab=lab, created_by=actor)
            audit.record(actor=actor, action="box.open", obj=box, region=point.site.region, changes={"lab": lab.name})
    except IntegrityError:
        raise Conflict(_("Box %(code)s has already been used.") % {"code": barcode}, field="barcode", code="box_used") from None
    return box


def box_add_tubes(*, actor, box: Box, barcodes: list[str]) -> int:
    """Put closed tubes of the box's collection point into the box (all or none)."""
    _require_desk(actor, box.point)
    if box.status != Box.Status.OPEN:
        raise Conflict(_("The box is sealed."), code="box_sealed")
    codes = []
    for raw in barcodes:
        kind, code = classify(raw)
        if kind != "tube":
            raise InvalidInput(_("Not a tube barcode: %(value)s") % {"value": code[:30]}, field="tubes", code="bad_format")
        codes.append(code)
    codes = list(dict.fromkeys(codes))
    with transaction.atomic(durable=True):
        n = Tube.objects.filter(barcode__in=codes, point_id=box.point_id, status=Tube.Status.CLOSED, box__isnull=True).update(box=box)
        if n != len(codes):
            found = set(Tube.objects.filter(barcode__in=codes, point_id=box.point_id, status=Tube.Status.CLOSED, box=box).values_list("barcode", flat=True))
            bad = [c for c in codes if c not in found]
            # Roll back: a half-filled box would not match its paper list.
            transaction.set_rollback(True)
            raise Conflict(_("These tubes are not closed tubes of this point waiting for a box: %(codes)s") % {"codes": ", ".join(bad[:10])},
                           field="tubes", code="tube_unavailable")
        Box.objects.filter(pk=box.pk).update(tube_count=Tube.objects.filter(box=box).count())
        audit.record(actor=actor, action="box.add", obj=box, region=box.point.site.region, changes={"tubes": len(codes)})
    box.refresh_from_db()
    return n


def _custody(box: Box, kind: str, actor, name: str, at) -> None:
    CustodyEvent.objects.create(box=box, kind=kind, at=at, by=actor if getattr(actor, "pk", None) else None, name=name[:60])


def box_seal(*, actor, box: Box) -> Box:
    """Seal a box; if two clerks seal the same box at once, one wins and the other is told."""
    _require_desk(actor, box.point)
    if not box.tubes.exists():
        raise Conflict(_("An empty box cannot be sealed."), code="box_empty")
    now = timezone.now()
    with transaction.atomic(durable=True):
        n = Box.objects.filter(pk=box.pk, status=Box.Status.OPEN).update(status=Box.Status.CLOSED, closed_at=now, closed_by=actor)
        if not n:
            raise Conflict(_("Box %(code)s has already been sealed.") % {"code": box.barcode}, code="box_sealed")
        _custody(box, CustodyEvent.Kind.SEALED, actor, actor.get_full_name() or actor.get_username(), now)
        audit.record(actor=actor, action="box.seal", obj=box, region=box.point.site.region)
    box.refresh_from_db()
    return box


def box_hand_over(*, actor, box: Box, courier: str) -> Box:
    _require_desk(actor, box.point)
    courier = (courier or "").strip()
    if not courier or len(courier) > 60:
        raise InvalidInput(_("Name the courier (at most 60 characters)."), field="courier")
    now = timezone.now()
    with transaction.atomic(durable=True):
        n = Box.objects.filter(pk=box.pk, status=Box.Status.CLOSED).update(status=Box.Status.IN_TRANSIT, handed_at=now, courier=courier)
        if not n:
            raise Conflict(_("Only a sealed box can be handed over."), code="box_state")
        _custody(box, CustodyEvent.Kind.HANDED, actor, courier, now)
        audit.record(actor=actor, action="box.hand_over", obj=box, region=box.point.site.region, changes={"courier": courier})
    box.refresh_from_db()
    return box


def box_receive(*, actor, lab: Site, barcode: str, receiver: str = "") -> Box:
    """Scan a box in at the lab; its tubes can then take results."""
    _require_lab(actor, lab)
    kind, barcode = classify(barcode)
    if kind != "box":
        raise InvalidInput(_("This is not a box barcode (B followed by 4 to 12 digits)."), field="barcode", code="bad_format")
    box = Box.objects.filter(barcode=barcode, lab=lab).first()
    if box is None:
        raise NotFound(_("No box %(code)s is addressed to this lab.") % {"code": barcode}, field="barcode")
    receiver = (receiver or actor.get_full_name() or actor.get_username()).strip()[:60]
    now = timezone.now()
    with transaction.atomic(durable=True):
        n = Box.objects.filter(pk=box.pk, status__in=[Box.Status.CLOSED, Box.Status.IN_TRANSIT]).update(
            status=Box.Status.RECEIVED, received_at=now, received_by=actor, receiver=receiver)
        if not n:
            if box.status == Box.Status.RECEIVED:
                raise Conflict(_("Box %(code)s was already received.") % {"code": barcode}, code="box_received")
            raise Conflict(_("Box %(code)s has not been sealed yet.") % {"code": barcode}, code="box_state")
        _custody(box, CustodyEvent.Kind.RECEIVED, actor, receiver, now)
        audit.record(actor=actor, action="box.receive", obj=box, region=lab.region, changes={"receiver": receiver})
    box.refresh_from_db()
    return box


# --- lab -----------------------------------------------------------------------------------------

def run_create(*, actor, lab: Site, analyser: str = "", size: int = 94) -> LabRun:
    """A worklist of received tubes waiting for a result (or for a re-run), in plate order."""
    _require_lab(actor, lab)
    if not (1 <= size <= 384):
        raise InvalidInput(_("A run holds 1 to 384 tubes."), field="size")
    with transaction.atomic(durable=True):
        ids = list(Tube.objects.filter(box__lab=lab, box__status=Box.Status.RECEIVED)
                   .filter(result__in=["", Tube.Result.INVALID, Tube.Result.RERUN])
                   .exclude(result="", run__isnull=False).order_by("box__received_at", "barcode")
                   .values_list("pk", flat=True)[:size])
        if not ids:
            raise Conflict(_("No received tube is waiting for a run."), code="nothing_to_run")
        number = (LabRun.objects.filter(lab=lab).order_by("-number").values_list("number", flat=True).first() or 0) + 1
        run = LabRun.objects.create(lab=lab, number=number, analyser=analyser.strip()[:40], created_by=actor)
        tubes = list(Tube.objects.filter(pk__in=ids).order_by("box__received_at", "barcode"))
        for pos, t in enumerate(tubes, start=1):
            t.run, t.run_position = run, pos
        Tube.objects.bulk_update(tubes, ["run", "run_position"])
        audit.record(actor=actor, action="lab.run", obj=run, region=lab.region, changes={"tubes": len(tubes)})
    return run


RESULT_WORDS = {
    "negative": Tube.Result.NEGATIVE, "neg": Tube.Result.NEGATIVE, "-": Tube.Result.NEGATIVE, "阴性": Tube.Result.NEGATIVE, "阴": Tube.Result.NEGATIVE,
    "n": Tube.Result.NEGATIVE,
    "positive": Tube.Result.POSITIVE, "pos": Tube.Result.POSITIVE, "+": Tube.Result.POSITIVE, "阳性": Tube.Result.POSITIVE, "阳": Tube.Result.POSITIVE,
    "p": Tube.Result.POSITIVE,
    "invalid": Tube.Result.INVALID, "inv": Tube.Result.INVALID, "无效": Tube.Result.INVALID,
    "rerun": Tube.Result.RERUN, "re-run": Tube.Result.RERUN, "复检": Tube.Result.RERUN, "重测": Tube.Result.RERUN,
}


@dataclass
class ResultRow:
    line: int
    barcode: str
    result: str
    ct: float | None = None


def _ct(value: str, line: int, errors: list[RowError]) -> float | None:
    if value in ("", None):
        return None
    try:
        ct = float(value)
    except ValueError:
        errors.append(RowError(line, "ct", _("The Ct value is not a number.")))
        return None
    if not (0 <= ct <= 50):
        errors.append(RowError(line, "ct", _("The Ct value must be between 0 and 50.")))
    return ct


def parse_result_text(text: str) -> tuple[list[ResultRow], list[RowError]]:
    """Lines typed, scanned or pasted from an analyser export: a tube barcode, a result word, an optional Ct.

    Columns may be separated by tabs, commas, semicolons or spaces, in any order; a first
    line without a tube barcode is taken as the export's header and skipped.
    """
    rows, errors = [], []
    lines = (text or "").splitlines()
    if len(lines) > imports.max_rows():
        raise InvalidInput(_("The file has more than %(n)s rows; split it into files of at most %(n)s rows.")
                           % {"n": f"{imports.max_rows():,}"}, field="lines")
    for i, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        tokens = [t for t in re.split(r"[\t,;\s]+", line) if t]
        barcode = next((t.upper() for t in tokens if TUBE_RE.fullmatch(t.upper())), None)
        if barcode is None:
            if not rows and not errors and i == 1 and not any(t.lower() in RESULT_WORDS for t in tokens):
                continue
            errors.append(RowError(i, "tube", _("No tube barcode on this line.")))
            continue
        result = next((RESULT_WORDS[t.lower()] for t in tokens if t.lower() in RESULT_WORDS), None)
        if result is None:
            errors.append(RowError(i, "result", _("No result on this line (negative, positive, invalid or rerun).")))
            continue
        numbers = [t for t in tokens if re.fullmatch(r"\d+(\.\d+)?", t)]
        ct = _ct(numbers[0], i, errors) if numbers else None
        rows.append(ResultRow(i, barcode, result, ct))
    return rows, errors


def parse_result_file(data: bytes, filename: str) -> tuple[list[ResultRow], list[RowError]]:
    """CSV/XLSX with columns tube (or barcode), result, and optionally ct."""
    rows, errors = [], []
    for line, row in read_table(data, filename):
        barcode = (row.get("tube") or row.get("barcode") or row.get("试管") or "").strip().upper()
        word = (row.get("result") or row.get("结果") or "").strip().lower()
        if not TUBE_RE.fullmatch(barcode):
            errors.append(RowError(line, "tube", _("Not a tube barcode: %(value)s") % {"value": barcode[:30]}))
            continue
        if word not in RESULT_WORDS:
            errors.append(RowError(line, "result", _("Unknown result: %(value)s") % {"value": word[:20]}))
            continue
        rows.append(ResultRow(line, barcode, RESULT_WORDS[word], _ct(row.get("ct", ""), line, errors)))
    if not rows and not errors:
        errors.append(RowError(1, "file", _("The file has no rows.")))
    return rows, errors


def results_enter(*, actor, lab: Site, rows: list[ResultRow], errors: list[RowError] | None = None) -> ImportReport:
    """Enter results for tubes received at this lab: all or nothing, with a row report.

    A positive pooled tube opens a recall of everyone in it; a result on a recall's single
    tube resolves that person, and the recall closes when all are resolved.
    """
    _require_lab(actor, lab)
    report = ImportReport(total=len(rows) + len(errors or []), errors=list(errors or []))
    seen: dict[str, int] = {}
    for r in rows:
        if r.barcode in seen:
            report.errors.append(RowError(r.line, "tube", _("Tube %(code)s is also on line %(line)s.") % {"code": r.barcode, "line": seen[r.barcode]}))
        seen.setdefault(r.barcode, r.line)
    if not rows and not report.errors:
        report.errors.append(RowError(0, "tube", _("No results given.")))
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report
    now = timezone.now()
    with transaction.atomic(durable=True):
        tubes = {t.barcode: t for t in Tube.objects.select_for_update(of=("self",)).filter(barcode__in=list(seen)).select_related("box")}
        changed: list[Tube] = []
        for r in rows:
            t = tubes.get(r.barcode)
            if t is None or t.box is None or t.box.lab_id != lab.pk or t.box.status != Box.Status.RECEIVED:
                report.errors.append(RowError(r.line, "tube", _("Tube %(code)s has not been received at this lab.") % {"code": r.barcode}))
                continue
            if t.final:
                if t.result == r.result:
                    report.unchanged += 1
                else:
                    report.errors.append(RowError(r.line, "result", _("Tube %(code)s already has a final result.") % {"code": r.barcode}))
                continue
            t.result, t.ct, t.resulted_at, t.resulted_by = r.result, r.ct, now, actor
            changed.append(t)
        if report.errors:
            transaction.set_rollback(True)
            return report
        # One UPDATE per distinct (result, Ct): a batch is mostly plain negatives, and a CASE per row
        # (bulk_update) grows quadratically with the batch.
        groups: dict[tuple[str, float | None], list[int]] = defaultdict(list)
        for t in changed:
            groups[(t.result, t.ct)].append(t.pk)
        for (result, ct), ids in groups.items():
            Tube.objects.filter(pk__in=ids).update(result=result, ct=ct, resulted_at=now, resulted_by=actor)
        report.updated = len(changed)
        recalls = _follow_up(changed, now)
        audit.record(actor=actor, action="lab.results", region=lab.region, obj=lab,
                     changes={"tubes": len(changed), "positive": sum(1 for t in changed if t.result == Tube.Result.POSITIVE),
                              "recalls": recalls})
    return report


def _follow_up(tubes: list[Tube], now) -> int:
    """Open recalls for positive pooled tubes; resolve recall items from single-tube results."""
    final = [t for t in tubes if t.final]
    if not final:
        return 0
    by_id = {t.pk: t for t in final}
    opened = 0
    pooled_pos = [t for t in final if t.result == Tube.Result.POSITIVE and t.count > 1]
    for t in pooled_pos:
        if Recall.objects.filter(tube=t).exists():
            continue
        recall = Recall.objects.create(campaign_id=t.campaign_id, tube=t)
        people = Sample.objects.filter(tube=t).values_list("person_id", flat=True)
        RecallItem.objects.bulk_create([RecallItem(recall=recall, person_id=p) for p in people])
        opened += 1
    singles = [t.pk for t in final if t.count == 1]
    if singles:
        items = list(RecallItem.objects.filter(resample__tube_id__in=singles).select_related("resample"))
        touched = set()
        for item in items:
            item.status = by_id[item.resample.tube_id].result  # negative/positive map onto the item's states
            item.resolved_at = now
            touched.add(item.recall_id)
        RecallItem.objects.bulk_update(items, ["status", "resolved_at"])
        for recall_id in touched:
            if not RecallItem.objects.filter(recall_id=recall_id).exclude(
                    status__in=[RecallItem.Status.NEGATIVE, RecallItem.Status.POSITIVE]).exists():
                Recall.objects.filter(pk=recall_id, status=Recall.Status.OPEN).update(status=Recall.Status.CLOSED, closed_at=now)
    return opened


def results_import(*, actor, lab: Site | int, data: bytes, filename: str) -> ImportReport:
    """Results from a CSV/XLSX file; `lab` may be an id (a background import job passes one)."""
    if not isinstance(lab, Site):
        lab = Site.objects.get(pk=lab, kind=Site.Kind.LAB)
    rows, errors = parse_result_file(data, filename)
    return results_enter(actor=actor, lab=lab, rows=rows, errors=errors)


# --- recalls -----------------------------------------------------------------------------------

def recall_contact(*, actor, item: RecallItem) -> RecallItem:
    """The community has reached the person and told them to isolate and come for a single tube."""
    _require_manager(actor, item.person.region)
    with transaction.atomic(durable=True):
        n = RecallItem.objects.filter(pk=item.pk, status=RecallItem.Status.PENDING).update(
            status=RecallItem.Status.CONTACTED, contacted_at=timezone.now())
        if not n:
            raise Conflict(_("This person has already been contacted."), code="recall_state")
        audit.record(actor=actor, action="recall.contact", obj=item.person, region=item.person.region,
                     changes={"recall": item.recall_id})
    item.refresh_from_db()
    return item


# --- reports -----------------------------------------------------------------------------------

def report_issue(*, sample: Sample, result: str) -> Report:
    """A verifiable test report for a resident's sample (one per sample and result)."""
    existing = Report.objects.filter(sample=sample, result=result).first()
    if existing:
        return existing
    with transaction.atomic():
        report = Report.objects.create(sample=sample, token=secrets.token_urlsafe(24), result=result)
        audit.record(actor=None, action="testing.report", obj=sample, region=None, changes={"result": result})
    return report


def bulk_recall_people(campaign: Campaign) -> dict[int, list[int]]:
    """Positive pooled tube id -> person ids, for the bench's accounting."""
    out: dict[int, list[int]] = defaultdict(list)
    for item in RecallItem.objects.filter(recall__campaign=campaign).values("recall__tube_id", "person_id"):
        out[item["recall__tube_id"]].append(item["person_id"])
    return out
