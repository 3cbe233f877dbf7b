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
from muster.emergencies import work
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
    """What each domain attached to the emergency, counted per kind of work (see `work.kinds`)."""
    return sorted((k.name, k.rows().filter(**{k.fk: emergency}).count()) for k in work.kinds())


def work_attachable(emergency: Emergency, *, limit: int = 100) -> list[dict]:
    """Per kind, the work in the emergency's region that belongs to no emergency or to another one.

    Newest first, `limit` rows per kind with the total, for command to attach on the emergency's page.
    """
    out = []
    for k in work.kinds():
        fks = [f.name for f in k.model._meta.fields if f.many_to_one]
        qs = k.within(emergency).exclude(**{k.fk: emergency}).select_related(*fks)
        total = qs.count()
        if total:
            rows = [{"pk": r.pk, "text": _work_text(k, r), "where": _place(k, r), "created": getattr(r, "created_at", None),
                     "belongs": getattr(r, k.fk)} for r in qs.order_by("-pk")[:limit]]
            out.append({"kind": k.label, "name": k.name, "total": total, "rows": rows})
    return out


def _place(k: work.WorkKind, row):
    return getattr(row, "site", None) or getattr(row, "region", None) or ""


def _work_text(k: work.WorkKind, row) -> str:
    # Work about one person (a quarantine case) is named by its number, not by the person: this
    # page is about what belongs where, not about who.
    if any(f.name == "person" for f in k.model._meta.fields):
        return f"#{row.pk}"
    return str(row)


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
