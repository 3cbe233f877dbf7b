"""Retention: how long each kind of personal data is kept, and how it is purged (PIPL arts. 19, 47).

One question asked of every domain that holds personal data collected in an emergency (GUIDE
§4.11): *what of yours is past its retention, and purge this batch of it*. The purge engine
(`muster.emergencies.purging`) asks; no domain imports another. A domain registers its record
types from a `retention.py` module of its app, discovered once like the periodic jobs' `jobs.py`:

- `people` (muster/people/retention.py): the person record itself, anonymised once nothing about
  the person is still within retention;
- `testing`: pre-registrations (personal codes) and issued reports deleted N days after the
  campaign closed; samples keep the person alive until then;
- `checkpoints`: passage lines detached from the person (temperature kept for counts) 28 days
  after the entry;
- `quarantine`: room and reason cleared N days after release;
- `notifications`: messages to residents deleted N days after sending.
  (`volunteering` and `canvass` register theirs the same way when they exist.)

A record type says:

- `due(clock)`: a queryset of its rows past retention that are not purged yet. Selection must be
  idempotent (a purged row no longer matches: a marker such as `Person.purged_at`, a cleared
  field, or the row gone), so that a purge interrupted between batches simply resumes.
- `purge(pks, clock)`: purge those rows (delete or anonymise) and return how many changed. The
  engine calls it inside one transaction per batch; it must re-check `due` itself, since a hold
  may have been placed between selection and purge.
- `person_field`: the path from a row to its person, so that a legal hold on a person (or on a
  record of that person) keeps the row.
- `live_people(clock)`: rows of this type still within retention (or not yet closed: an open
  campaign, an active case), as a queryset (or a list of them) of a model with a `person`
  key; their people are not anonymised.
- `subject(person)`: what the type holds about one person, for the resident's own-data page
  and download (PIPL art. 45).
- `covers`: the models (app_label.ModelName) whose rows referencing a person this type accounts
  for. A person referenced by any model that no type covers (a user account, an affiliation, a
  need report, a roster shift: service records that are the person's own) is never anonymised.

Policies (how many days) live in the database (`emergencies.RetentionPolicy`), bounded by each
type's `floor_days` (the legal or operational minimum) and `max_days`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import QuerySet

from muster.core.registry import Registry

PLACEHOLDER = "已清除"  # what a purged name reads as, in every language (it is data, not interface)

DELETE, ANONYMISE, KEEP = "delete", "anonymise", "keep"


@dataclass(frozen=True)
class Clock:
    """The moment a purge judges by, and the days each record type is kept."""

    now: dt.datetime
    days: Mapping[str, int]
    # What a run asks again and again under the same clock (a type's due queryset, built once: the
    # ORM takes longer to build the person's due question than PostgreSQL takes to answer it).
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    def cutoff(self, key: str) -> dt.datetime:
        return self.now - dt.timedelta(days=int(self.days[key]))

    def memo(self, key: str, build: Callable[[], object]):
        """`build()` once per clock (a run), then the same answer; querysets are cloned by filtering."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]


@dataclass(frozen=True)
class RecordType:
    key: str  # "checkpoints.passage"
    label: object  # lazily translated
    default_days: int
    floor_days: int  # a deployment may not keep it shorter
    max_days: int  # nor longer
    anchor: object  # what the days count from ("after the entry")
    reason: object  # why this default
    action: str  # DELETE, ANONYMISE or KEEP (documented only; never purged)
    model: str = ""  # app_label.ModelName of the rows `due` returns
    due: Callable[[Clock], QuerySet] | None = None
    purge: Callable[[list[int], Clock], int] | None = None
    person_field: str = ""  # e.g. "person" or "pk" for the person record itself
    live_people: Callable[[Clock], QuerySet] | None = None
    covers: tuple[str, ...] = field(default_factory=tuple)
    order: int = 50  # purge order; the person record goes first (see purging.py)
    # What a resident sees of this type about themselves (PIPL art. 45): subject(person) -> rows,
    # each a dict of {label: value} already in the active language, newest first.
    subject: Callable[[object], list[dict]] | None = None


_registry: Registry[RecordType] = Registry("retention")


def register(record_type: RecordType) -> RecordType:
    """Add (or replace, by key) a record type."""
    if not (0 <= record_type.floor_days <= record_type.default_days <= record_type.max_days):
        raise ValueError(f"{record_type.key}: the default must lie between the floor and the maximum")
    return _registry.register(record_type.key, record_type)


unregister = _registry.unregister
discover = _registry.discover
get = _registry.get


def types() -> list[RecordType]:
    """Every registered type, in purge order."""
    return sorted((t for _key, t in _registry.items()), key=lambda t: (t.order, t.key))


def covered_models() -> set[str]:
    return {m for t in types() for m in t.covers}


def live_people(clock: Clock, *, skip: Iterable[str] = ()) -> list[QuerySet]:
    """The querysets of rows that still keep people alive, each with a `person_id` column.

    A type's `live_people` may answer one queryset or several. They are used as correlated
    NOT EXISTS filters (an anti-join per row), never as NOT IN lists: PostgreSQL evaluates a
    NOT IN subquery too big for work_mem by scanning it again for every person.
    """
    skipped = set(skip)
    out: list[QuerySet] = []
    for t in types():
        if t.live_people is None or t.key in skipped:
            continue
        answer = t.live_people(clock)
        out.extend(answer if isinstance(answer, list | tuple) else [answer])
    return out


def scrub_audit(object_type: str, ids) -> int:
    """Drop what the audit trail showed of these objects (their name, the changed values); keep the event.

    The trail itself is kept longer than the data (who did what, when, from where), but it must
    not keep the personal data the purge removed. `ids` may be a list or a queryset of primary
    keys (then matched in the database, with no round trip through Python).
    """
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from muster.core.models import AuditEvent

    if isinstance(ids, QuerySet):
        keys = ids.annotate(_key=Cast("pk", CharField())).values("_key")
        return (AuditEvent.objects.filter(object_type=object_type, object_id__in=keys)
                .exclude(object_repr=PLACEHOLDER, changes={}).update(object_repr=PLACEHOLDER, changes={}))
    keys = [str(i) for i in ids]
    if not keys:
        return 0
    return (AuditEvent.objects.filter(object_type=object_type, object_id__in=keys)
            .exclude(object_repr=PLACEHOLDER, changes={}).update(object_repr=PLACEHOLDER, changes={}))


# --- core's own type: the audit trail --------------------------------------------------------

def _audit_due(clock: Clock):
    from muster.core.models import AuditEvent

    return AuditEvent.objects.filter(at__lt=clock.cutoff("core.audit")).order_by()


def _audit_purge(pks: list[int], clock: Clock) -> int:
    return _audit_due(clock).filter(pk__in=pks).delete()[0]


def _register_audit() -> None:
    from django.utils.translation import gettext_lazy as _

    register(RecordType(
        key="core.audit", label=_("Audit trail"), default_days=3 * 365, floor_days=180, max_days=10 * 365,
        anchor=_("after the event"),
        reason=_("Who did what and who looked at whom must outlive the data it is about: residents ask who saw "
                 "their record, and the Cybersecurity Law asks for at least six months of logs. Names of purged "
                 "people are removed from it at their purge; the events stay."),
        action=DELETE, model="core.AuditEvent", due=_audit_due, purge=_audit_purge, order=90,
    ))


_register_audit()
