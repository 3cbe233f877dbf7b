"""Retention of the person record: anonymised once nothing about the person is kept any more.

A person is anonymised when all of these hold:
- they were entered more than `people.person` days ago;
- at least one row about them was collected for an emergency (a model some record type
  `covers`: a sample, a passage, a quarantine case...), so people in the directory who never
  took part in an emergency's data are left alone;
- no record type still keeps them alive (`live_people`: a campaign not closed long enough, an
  active case, a passage within 28 days);
- no row of a model that no type covers refers to them: a user account, an affiliation, a
  need report, a roster shift, volunteer hours. Those are the person's own records and stay.

Anonymising clears the name (to `PLACEHOLDER`), the document number (cipher, look-up hash and
mask), phone, household (the address), notes and skills, and rounds the birth year down to its
decade. The region stays, so every count by community stays right, and every row that refers
to the person (samples, cases) still counts. The audit trail keeps what happened to the
record but loses the name it showed (`object_repr`) and the changed values.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muster.core import retention
from muster.people.models import Person

KEY = "people.person"


def _relations():
    """Every model that refers to a person, as (label, model, field name)."""
    out = []
    for f in Person._meta.get_fields(include_hidden=True):
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one):
            out.append((f.related_model._meta.label, f.related_model, f.field.name))
        elif f.auto_created and not f.concrete and f.many_to_many:
            through = f.through
            name = next(x.name for x in through._meta.fields if x.related_model is Person)
            out.append((f.related_model._meta.label, through, name))
    return out


def _refers(model, field: str):
    return Exists(model._default_manager.filter(**{field: OuterRef("pk")}))


def due(clock: retention.Clock) -> QuerySet:
    return clock.memo(KEY, lambda: _due(clock))


def _due(clock: retention.Clock, *, collected: bool = True) -> QuerySet:
    covered = retention.covered_models()
    took_part, own = Q(), []
    for label, model, name in _relations():
        if label in covered:
            took_part |= Q(_refers(model, name))
        else:
            own.append(~_refers(model, name))
    if not took_part:
        return Person.objects.none()
    # Each "not" is its own NOT EXISTS, so that the planner makes anti-joins (index probes per person).
    qs = Person.objects.filter(purged_at__isnull=True, created_at__lt=clock.cutoff(KEY)).filter(*own)
    if collected:
        qs = qs.filter(took_part)
    for live in retention.live_people(clock, skip=[KEY]):
        qs = qs.filter(~Exists(live.filter(person_id=OuterRef("pk")).values("pk")))
    return qs.order_by()


def _collected_among(lo: int, hi: int) -> set[int]:
    """People with ids in [lo, hi] with at least one row collected for an emergency: a UNION of index probes.

    Asked of a batch this way rather than as the OR of EXISTS in `due`: PostgreSQL answers that
    OR by hashing the whole samples table for every batch (0.8 s a batch at 200,000 samples,
    growing with the table), while a range probe per table stays a few milliseconds. A range,
    not a list of a thousand ids: planning nine lists of a thousand took longer than the probes.
    """
    covered = retention.covered_models()
    parts = [model._default_manager.filter(**{f"{name}__gte": lo, f"{name}__lte": hi}).order_by().values_list(name, flat=True)
             for label, model, name in _relations() if label in covered]
    if not parts:
        return set()
    return set(parts[0].union(*parts[1:])) if len(parts) > 1 else set(parts[0])


def anonymise(pks: list[int], clock: retention.Clock) -> int:
    """Anonymise the people among `pks` still due (the caller holds one transaction)."""
    if not pks:
        return 0
    lo, hi = min(pks), max(pks)
    candidates = _collected_among(lo, hi) & set(pks)
    if not candidates:
        return 0
    rest = clock.memo(f"{KEY}:rest", lambda: _due(clock, collected=False))
    # The batch's rows are locked by range (the engine's window is a run of consecutive ids), the
    # due question asked of them once, and only the candidates kept.
    ids = [pk for pk in rest.filter(pk__range=(lo, hi)).select_for_update().values_list("pk", flat=True)
           if pk in candidates]
    if not ids:
        return 0
    Person.skills.through.objects.filter(person_id__in=ids).delete()
    n = Person.objects.filter(pk__in=ids).update(
        name=retention.PLACEHOLDER, phone="", id_cipher="", id_hash="", id_masked="", notes="", household=None,
        birth_year=F("birth_year") - F("birth_year") % 10, purged_at=timezone.now())
    retention.scrub_audit("people.person", ids)
    # Rows about the person whose audit events named them ("张三 @ 酒店"): their repr goes too.
    # Only the kinds of row the trail holds events of (asked once per run, not once per batch).
    for _label, model, name in clock.memo(f"{KEY}:audited", _audited_relations):
        retention.scrub_audit(model._meta.label_lower, model._default_manager.filter(**{f"{name}__in": ids}).values("pk"))
    return n


def _audited_relations() -> list:
    from muster.core.models import AuditEvent

    covered = retention.covered_models()
    return [(label, model, name) for label, model, name in _relations()
            if label in covered and AuditEvent.objects.filter(object_type=model._meta.label_lower).exists()]


def subject(person) -> list[dict]:
    row = {str(_("Name")): person.name, str(_("ID number")): person.id_masked, str(_("Phone")): person.phone,
           str(_("Home community")): person.region.name,
           str(_("Birth year")): str(person.birth_year or ""),
           str(_("Household")): (person.household.address or str(person.household)) if person.household_id else "",
           str(_("Recorded since")): f"{person.created_at:%Y-%m-%d}"}
    return [row]


retention.register(retention.RecordType(
    key=KEY, label=_("Person record"), default_days=28, floor_days=14, max_days=3 * 365,
    anchor=_("after the last of the person's emergency records is past its own retention"),
    reason=_("Name, ID number, phone and address were collected only for the emergency's work (PIPL art. 19); "
             "once no sample, case or passage of the person is kept, nothing justifies them. Accounts, "
             "affiliations and service records are the person's own and keep the record."),
    action=retention.ANONYMISE, model="people.Person", due=due, purge=anonymise, person_field="pk", order=10, subject=subject,
))
retention.register(retention.RecordType(
    key="people.service", label=_("Volunteer and duty service records"), default_days=0, floor_days=0, max_days=0,
    anchor=_("kept with the person"),
    reason=_("Reports to needs, shifts, duty logs and volunteer hours are the person's own record of service "
             "(certificates, recognition); they stay, and keep the person's record, until the person asks otherwise."),
    action=retention.KEEP, order=99,
))
