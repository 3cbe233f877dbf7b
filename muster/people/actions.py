"""Writes to people, organisations and affiliations. Each one audited, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils.translation import gettext as _

from muster.accounts.scoping import ID_REVEALERS, MANAGERS, Scope
from muster.core import audit, pii
from muster.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from muster.core.imports import ImportReport, RowError, read_table
from muster.core.models import AuditEvent
from muster.core.transactions import atomic
from muster.geo.actions import region_count_add
from muster.geo.models import Region
from muster.people.audits import Audit
from muster.people.models import Affiliation, Organisation, Person, Skill


@dataclass
class PersonData:
    """Validated fields of a person, the same for a form, an API call and an import row."""

    name: str
    region: Region
    phone: str = ""
    sex: str = ""
    birth_year: int | None = None
    id_type: str = pii.IdType.RESIDENT
    id_number: str = ""
    skills: tuple[str, ...] = ()
    notes: str = ""


def _check(actor, region: Region) -> None:
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("You can only register people in your own region."))
    if region.level != Region.Level.COMMUNITY:
        raise InvalidInput(_("A person's home must be a community or village."), field="region")


def clean_person(data: PersonData) -> tuple[dict, pii.SealedId | None, list[Skill]]:
    """Validate a PersonData; raise InvalidInput naming the field at fault."""
    name = (data.name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput(_("The name is required and has at most 60 characters."), field="name")
    phone = pii.validate_phone(data.phone)
    if data.sex not in Person.Sex.values:
        raise InvalidInput(_("Sex must be F, M or empty."), field="sex")
    sealed = pii.seal(data.id_type, data.id_number) if data.id_number else None
    birth_year = data.birth_year
    if sealed and data.id_type == pii.IdType.RESIDENT:
        from_id = pii.birth_year_from_resident_id(sealed.number)
        if birth_year and birth_year != from_id:
            raise InvalidInput(_("The birth year does not match the ID number."), field="birth_year")
        birth_year = from_id
    if birth_year is not None and not (1900 <= birth_year <= dt.date.today().year):
        raise InvalidInput(_("The birth year is not plausible."), field="birth_year")
    skills = []
    if data.skills:
        known = {s.code: s for s in Skill.objects.filter(code__in=data.skills)}
        missing = [c for c in data.skills if c not in known]
        if missing:
            raise InvalidInput(_("Unknown skill: %(codes)s") % {"codes": ", ".join(missing)}, field="skills")
        skills = list(known.values())
    fields = {"name": name, "phone": phone, "sex": data.sex, "birth_year": birth_year, "region": data.region,
              "notes": (data.notes or "").strip()}
    return fields, sealed, skills


def _apply_id(fields: dict, sealed: pii.SealedId | None, id_type: str) -> None:
    fields["id_type"] = id_type
    fields["id_cipher"] = sealed.cipher if sealed else ""
    fields["id_hash"] = sealed.hash if sealed else ""
    fields["id_masked"] = sealed.masked if sealed else ""


def id_taken(actor, hashes: list[str]) -> dict[str, str]:
    """Why each of these document numbers cannot be registered again, keyed by its look-up hash.

    Numbers are unique city-wide, so refusing one tells that it is on file. Inside the actor's region
    the message names the record; elsewhere it says only "another community", the attempt goes on the
    audit trail of that community and of the person (their "who looked at me"), and an actor who runs
    into more than `ID_ELSEWHERE_PER_DAY` such numbers in a day is refused: probing stays small and seen.
    """
    from django.conf import settings

    from muster.core.throttle import miss_add

    scope = Scope.of(actor)
    out: dict[str, str] = {}
    elsewhere = []
    for person in Person.objects.filter(id_hash__in=[h for h in hashes if h]).select_related("region"):
        if scope.covers(person.region, MANAGERS):
            out[person.id_hash] = _("%(name)s of %(region)s already has this document number.") % {
                "name": person.name, "region": person.region.name}
        else:
            out[person.id_hash] = _("This document number is registered in another community: "
                                    "ask your street office to move the person to yours.")
            elsewhere.append(person)
    if elsewhere:
        with atomic():
            for person in elsewhere:
                audit.record(actor=actor, action=Audit.PERSON_ID_ELSEWHERE, obj=person, region=person.region,
                             kind=AuditEvent.Kind.READ, changes={"id": person.id_masked})
        tried = miss_add(f"people:id-elsewhere:{actor.pk}", window=24 * 3600, by=len(elsewhere))
        if tried > settings.ID_ELSEWHERE_PER_DAY:
            raise Forbidden(_("Too many document numbers registered in other communities were entered today. "
                              "Your street office can move people between communities."), code="id_elsewhere_limit")
    return out


def _id_conflict(actor, sealed: pii.SealedId | None) -> Conflict:
    message = id_taken(actor, [sealed.hash]).get(sealed.hash) if sealed else None
    return Conflict(message or _("A person with this document number is already registered."), field="id_number")


def person_create(*, actor, data: PersonData) -> Person:
    """Register a person in a community of the actor's region."""
    _check(actor, data.region)
    fields, sealed, skills = clean_person(data)
    _apply_id(fields, sealed, data.id_type)
    try:
        with atomic():
            person = Person.objects.create(**fields)
            if skills:
                person.skills.set(skills)
            region_count_add(data.region, "people_count", 1)
            audit.record(actor=actor, action=Audit.PERSON_CREATE, obj=person, region=data.region,
                         changes={"name": person.name, "id": person.id_masked, "skills": [s.code for s in skills]})
    except IntegrityError:
        raise _id_conflict(actor, sealed) from None
    return person


def person_update(*, actor, person: Person, data: PersonData) -> Person:
    """Change a person's details; moving them to another community needs both in the actor's region."""
    _check(actor, person.region)
    _check(actor, data.region)
    fields, sealed, skills = clean_person(data)
    if data.id_number:
        _apply_id(fields, sealed, data.id_type)
    old_region = person.region
    try:
        with atomic():
            changed = audit.diff(person, fields)
            for key in ("id_cipher", "id_hash"):
                if key in changed:
                    changed[key] = ["…", "…"]  # never put the number, even encrypted, in the trail
            old_skills = sorted(person.skills.values_list("code", flat=True))
            new_skills = sorted(s.code for s in skills)
            if changed:
                person.save(update_fields=[*changed, "updated_at"])
            if old_skills != new_skills:
                person.skills.set(skills)
                changed["skills"] = [old_skills, new_skills]
            if old_region.id != data.region.id:
                region_count_add(old_region, "people_count", -1)
                region_count_add(data.region, "people_count", 1)
            if changed:
                audit.record(actor=actor, action=Audit.PERSON_UPDATE, obj=person, region=person.region, changes=changed)
    except IntegrityError:
        raise _id_conflict(actor, sealed if data.id_number else None) from None
    return person


def person_reveal_id(*, actor, person: Person) -> str:
    """The full document number, for a role that needs it; every reveal is audited."""
    if not Scope.of(actor).covers(person.region, ID_REVEALERS):
        raise Forbidden(_("Your role may not see full ID numbers."))
    number = pii.decrypt(person.id_cipher) if person.id_cipher else ""
    with atomic():
        audit.record(actor=actor, action=Audit.PERSON_REVEAL_ID, obj=person, region=person.region, kind=AuditEvent.Kind.READ)
    return number


def organisation_create(*, actor, region: Region, name: str, kind: str) -> Organisation:
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden()
    if kind not in Organisation.Kind.values:
        raise InvalidInput(_("Unknown organisation kind."), field="kind")
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("The name is empty."), field="name")
    with atomic():
        org, created = Organisation.objects.get_or_create(region=region, name=name, defaults={"kind": kind})
        if created:
            audit.record(actor=actor, action=Audit.ORGANISATION_CREATE, obj=org, region=region)
    return org


def affiliation_set(*, actor, person: Person, organisation: Organisation, role: str) -> Affiliation:
    _check(actor, person.region)
    if role not in Affiliation.Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    with atomic():
        aff, _created = Affiliation.objects.update_or_create(person=person, organisation=organisation, defaults={"role": role})
        audit.record(actor=actor, action=Audit.AFFILIATION_SET, obj=aff, region=person.region, changes={"role": role})
    return aff


IMPORT_COLUMNS = ["name", "community_code", "phone", "sex", "birth_year", "id_type", "id_number", "skills", "organisation", "organisation_kind", "role", "notes"]
HEADER_ALIASES = {"姓名": "name", "社区代码": "community_code", "手机": "phone", "电话": "phone", "性别": "sex", "出生年份": "birth_year",
                  "证件类型": "id_type", "证件号码": "id_number", "身份证号": "id_number", "技能": "skills", "单位": "organisation",
                  "单位类型": "organisation_kind", "职务": "role", "备注": "notes"}
SEX_ALIASES = {"男": "M", "女": "F", "m": "M", "f": "F", "": ""}


def people_import(*, actor, data: bytes, filename: str, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import people from CSV/XLSX. Every row is validated first; if any is wrong nothing is saved.

    Columns: name, community_code, phone, sex, birth_year, id_type, id_number,
    skills (separated by ;), organisation, organisation_kind, role, notes.
    Chinese headers (姓名, 社区代码, 身份证号 …) are accepted too.
    """
    report = ImportReport()
    scope = Scope.of(actor)
    regions: dict[str, Region | None] = {}
    seen_ids: dict[str, int] = {}
    valid: list[tuple[int, dict, pii.SealedId | None, list[Skill], dict | None]] = []
    for line, raw in read_table(data, filename):
        row = {HEADER_ALIASES.get(k, k): v for k, v in raw.items()}
        report.total += 1
        code = row.get("community_code", "")
        if code not in regions:
            regions[code] = Region.objects.filter(code=code).first()
        region = regions[code]
        if region is None:
            report.errors.append(RowError(line, "community_code", _("No region has the code “%(code)s”.") % {"code": code}))
            continue
        if not scope.covers(region, MANAGERS):
            report.errors.append(RowError(line, "community_code", _("This community is outside your region.")))
            continue
        if region.level != Region.Level.COMMUNITY:
            report.errors.append(RowError(line, "community_code", _("A person's home must be a community or village.")))
            continue
        try:
            birth_year = int(row["birth_year"]) if row.get("birth_year") else None
        except ValueError:
            report.errors.append(RowError(line, "birth_year", _("The birth year must be a number.")))
            continue
        sex = SEX_ALIASES.get(row.get("sex", "").lower(), row.get("sex", ""))
        id_type = row.get("id_type") or pii.IdType.RESIDENT
        try:
            fields, sealed, skills = clean_person(PersonData(
                name=row.get("name", ""), region=region, phone=row.get("phone", ""), sex=sex, birth_year=birth_year,
                id_type=id_type, id_number=row.get("id_number", ""),
                skills=tuple(s.strip() for s in row.get("skills", "").replace("；", ";").split(";") if s.strip()),
                notes=row.get("notes", "")))
        except DomainError as e:
            report.errors.append(RowError(line, e.field or "", str(e.message)))
            continue
        if sealed:
            if sealed.hash in seen_ids:
                report.errors.append(RowError(line, "id_number", _("The same document number is on line %(line)s.") % {"line": seen_ids[sealed.hash]}))
                continue
            seen_ids[sealed.hash] = line
        org = None
        if row.get("organisation"):
            kind = row.get("organisation_kind") or Organisation.Kind.RESIDENTS_COMMITTEE
            role = row.get("role") or Affiliation.Role.MEMBER
            if kind not in Organisation.Kind.values:
                report.errors.append(RowError(line, "organisation_kind", _("Unknown organisation kind: %(v)s") % {"v": kind}))
                continue
            if role not in Affiliation.Role.values:
                report.errors.append(RowError(line, "role", _("Unknown role: %(v)s") % {"v": role}))
                continue
            org = {"name": row["organisation"][:120], "kind": kind, "role": role}
        _apply_id(fields, sealed, id_type)
        valid.append((line, fields, sealed, skills, org))
    if report.total == 0:
        report.errors.append(RowError(1, "", _("The file has no rows.")))
    hashes = [s.hash for _l, _f, s, _s, _o in valid if s]
    if hashes:
        taken = id_taken(actor, hashes)
        for line, _f, sealed, _s, _o in valid:
            if sealed and sealed.hash in taken:
                report.errors.append(RowError(line, "id_number", taken[sealed.hash]))
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report

    with atomic():
        people = Person.objects.bulk_create([Person(**fields) for _l, fields, _s, _sk, _o in valid], batch_size=1000)
        through = Person.skills.through
        links, affiliations = [], []
        orgs: dict[tuple, Organisation] = {}
        for person, (_line, fields, _sealed, skills, org) in zip(people, valid, strict=True):
            links.extend(through(person_id=person.pk, skill_id=s.pk) for s in skills)
            if org:
                key = (fields["region"].id, org["name"])
                if key not in orgs:
                    orgs[key], _c = Organisation.objects.get_or_create(region=fields["region"], name=org["name"], defaults={"kind": org["kind"]})
                affiliations.append(Affiliation(person=person, organisation=orgs[key], role=org["role"]))
            if progress:
                progress(1)
        through.objects.bulk_create(links, batch_size=1000)
        Affiliation.objects.bulk_create(affiliations, batch_size=1000)
        by_region: dict[int, int] = {}
        for _line, fields, *_rest in valid:
            by_region[fields["region"].id] = by_region.get(fields["region"].id, 0) + 1
        for rid, n in by_region.items():
            region_count_add(regions_by_id(regions)[rid], "people_count", n)
        report.created = len(people)
        common = _common_region([fields["region"] for _l, fields, *_r in valid])
        audit.record(actor=actor, action=Audit.PEOPLE_IMPORT, region=common,
                     changes={"file": filename, "created": report.created})
    return report


def regions_by_id(regions: dict[str, Region | None]) -> dict[int, Region]:
    return {r.id: r for r in regions.values() if r is not None}


def _common_region(regions: list[Region]) -> Region | None:
    """The deepest region containing all of `regions`, so the import shows in their audit trail."""
    if not regions:
        return None
    paths = [r.ancestor_ids() for r in regions]
    common = []
    for ids in zip(*paths, strict=False):
        if all(i == ids[0] for i in ids):
            common.append(ids[0])
        else:
            break
    return Region.objects.filter(id=common[-1]).first() if common else None
