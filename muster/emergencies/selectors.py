"""Reads of emergencies and retention, scoped by the acting user; a resident's own data."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from muster.accounts.models import RoleGrant
from muster.accounts.scoping import Scope
from muster.core import retention
from muster.core.errors import NotFound
from muster.core.models import AuditEvent
from muster.emergencies.actions import COMMAND
from muster.emergencies.models import CorrectionRequest, Emergency, LegalHold, PurgeRun
from muster.emergencies.purging import policy_days


def emergencies_visible(user) -> QuerySet[Emergency]:
    """Emergencies in the user's command subtrees, and those declared above them (a city-wide one)."""
    scope = Scope.of(user)
    if not scope.has_role(COMMAND):
        return Emergency.objects.none()
    above = {i for g in scope.grants if g.role in COMMAND for i in g.region.ancestor_ids()}
    return Emergency.objects.filter(scope.region_q("region", COMMAND) | Q(region_id__in=above)).select_related("region")


def emergency_get(user, pk: int) -> Emergency:
    e = emergencies_visible(user).filter(pk=pk).first()
    if e is None:
        raise NotFound()
    return e


def active_emergency_for(region) -> int | None:
    """The active emergency covering `region`: the most local one, then the latest declared."""
    return (Emergency.objects.filter(status=Emergency.Status.ACTIVE, region_id__in=region.ancestor_ids())
            .order_by("-region__depth", "-started_at").values_list("pk", flat=True).first())


def emergency_work(emergency: Emergency) -> list[tuple[str, int]]:
    """What each domain attached to the emergency: every model with a foreign key to it, counted.

    Found through the relations, so a domain that adds the key (volunteering, canvass) shows
    up here without this app importing it.
    """
    out = []
    for f in Emergency._meta.get_fields(include_hidden=True):
        if f.auto_created and not f.concrete and f.one_to_many:
            model = f.related_model
            out.append((str(model._meta.verbose_name_plural), model._default_manager.filter(**{f.field.name: emergency}).count()))
    return sorted(out)


def policies() -> list[dict]:
    """Every record type with this deployment's days, its bounds and why."""
    days = policy_days()
    return [{"type": t, "days": days.get(t.key), "keep": t.action == retention.KEEP} for t in retention.types()]


def holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.select_related("person", "placed_by", "lifted_by")


def runs() -> QuerySet[PurgeRun]:
    return PurgeRun.objects.select_related("actor")


def run_rows(run: PurgeRun) -> list[dict]:
    labels = {t.key: t.label for t in retention.types()}
    return [{"key": k, "label": labels.get(k, k), **v} for k, v in (run.report or {}).get("types", {}).items()]


def corrections_visible(user) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(Scope.of(user).region_q("region")).select_related("person", "region")


# --- a resident's own data (PIPL art. 45) --------------------------------------------------------

def subject_sections(person) -> list[dict]:
    """What Muster holds about the person, one section per record type that holds something."""
    out = []
    for t in retention.types():
        if t.subject is None:
            continue
        rows = t.subject(person)
        if rows:
            out.append({"key": t.key, "label": str(t.label), "rows": rows})
    return out


def subject_reads(person, limit: int = 200) -> list[dict]:
    """Who looked at the person's record, in which role, when: the sensitive reads of the audit trail."""
    events = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, object_type="people.person",
                                            object_id=str(person.pk)).select_related("actor")[:limit])
    actor_ids = {e.actor_id for e in events if e.actor_id}
    roles: dict[int, list[str]] = {}
    for g in RoleGrant.objects.filter(user_id__in=actor_ids).select_related("region"):
        roles.setdefault(g.user_id, []).append(f"{g.get_role_display()} · {g.region.name}")
    return [{"at": e.at, "who": e.actor_label if e.actor_id else _("You (result look-up)") if e.action == "result.lookup" else _("System"),
             "roles": "; ".join(roles.get(e.actor_id, [])), "action": e.action} for e in events]


def subject_document(person) -> dict:
    """The download: every section and every read, as plain JSON."""
    from django.utils import timezone

    return {
        "generated_at": timezone.now().isoformat(),
        "sections": subject_sections(person),
        "reads": [{**r, "at": r["at"].isoformat()} for r in subject_reads(person)],
        "corrections": [{"at": c.created_at.isoformat(), "text": c.text, "status": c.status, "answer": c.answer}
                        for c in CorrectionRequest.objects.filter(person=person)],
    }


def corrections_of(person) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(person=person)


def person_model():
    return apps.get_model("people", "Person")


def person_by_id_number(id_type: str, number: str):
    """The person holding this (validated) document number, or None; for legal holds, which command places city-wide."""
    from muster.core import pii

    return person_model().objects.filter(id_hash=pii.lookup_hash(id_type, number)).first()


def resident(pk: int):
    """The person a verified result look-up stands for (kept in the session), with what their own page shows."""
    return person_model().objects.filter(pk=pk).select_related("region", "household").first()
