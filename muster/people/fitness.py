"""Fitness for duty: may these people be sent on this duty, and if not, why.

One question every domain asks before it sends someone: dispatch proposals and
suggestions, accepting a report, roster solving, duty check-ins, collection-point
teams (and volunteering and canvassing to come). The answer is assembled from the
domains that know the facts, none of which the asker imports (GUIDE §4.11):

- `people` (here): the minimum age of the duty;
- `quarantine` (muster/quarantine/fitness.py): centralised quarantine overlapping the
  duty's days, home observation;
- `testing` (muster/testing/fitness.py): an open single-tube recall, a positive result,
  a close-contact flag.

A domain registers a provider from a `fitness.py` module of its app; `discover()`
imports those modules, once, like the periodic jobs' `jobs.py`. A provider is asked
about many people and many duties at once and must answer with a few bulk queries
whatever their number (dispatch asks about a district, roster solving about every
day of several weeks): `provider(person_ids, duties)` yields `(duty, person_id, Reason)`
for the people who may NOT go. `person_ids` is a list of ids or a queryset of ids
(kept as a subquery); providers only read rows of unfit people, which are few.

A Reason carries a stable `code` and its parameters; its message is rendered in the
language active where it is shown, so a reason stored on a proposal or a roster (as
`as_json()`) reads in Chinese to one coordinator and in English to another.

Minimum age. A duty's own minimum (a need role's or a post's `min_age`, default
DEFAULT_MIN_AGE) applies, but never below NIGHT_MIN_AGE for a night duty and never
below SAMPLING_MIN_AGE on a sampling team, whatever the duty says. Only the birth year
is held, so a person counts as old enough only when they are sure to be: born at least
`min_age + 1` years before the duty's year, or exactly `min_age` years before and the
duty on 31 December. Someone who turns 18 during the duty's year is told "may be under
18"; a coordinator who knows the birthday can lower the duty's minimum. A person with
no birth year on record is not refused for age (nothing is known to refuse on).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from muster.core.errors import Conflict
from muster.core.registry import Registry

DEFAULT_MIN_AGE = 18  # a duty that says nothing: adults only
NIGHT_MIN_AGE = 18  # a night duty never goes below this, whatever the duty's own minimum
SAMPLING_MIN_AGE = 18  # nor does a collection-point team (swabs, blood-borne risk, PII at the desk)
MIN_AGE_FLOOR = 14  # the lowest minimum a duty may be configured with
NIGHT_FROM, NIGHT_TO = 22, 6  # local hours: a duty touching 22:00–06:00 is a night duty


class Kind:
    """What a duty is; providers may answer differently per kind."""

    NEED = "need"  # a community's need (吹哨), dispatched or reported to
    ROSTER = "roster"  # a shift at a post (排班, 夜巡)
    CHECKPOINT = "checkpoint"  # staffing a gate's passage register
    SAMPLING = "sampling"  # a collection-point team
    CANVASS = "canvass"  # door-knocking
    VOLUNTEER = "volunteer"  # a volunteer project's position

    ALL = (NEED, ROSTER, CHECKPOINT, SAMPLING, CANVASS, VOLUNTEER)


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Duty:
    """One duty, as the fitness question sees it: its kind, its days (inclusive), night or not, minimum age."""

    kind: str
    start: dt.date
    end: dt.date | None = None  # last day; None: one day
    night: bool = False
    min_age: int | None = None  # the duty's own minimum; None: DEFAULT_MIN_AGE

    @property
    def last(self) -> dt.date:
        return self.end or self.start

    @property
    def required_age(self) -> int:
        age = self.min_age if self.min_age is not None else DEFAULT_MIN_AGE
        if self.night:
            age = max(age, NIGHT_MIN_AGE)
        if self.kind == Kind.SAMPLING:
            age = max(age, SAMPLING_MIN_AGE)
        return age

    @classmethod
    def spanning(cls, kind: str, start: dt.datetime, end: dt.datetime, *, min_age: int | None = None,
                 night: bool | None = None) -> Duty:
        """The duty over a time range: its local days, and night when any of it falls between 22:00 and 06:00."""
        a, z = start.astimezone(_tz()), end.astimezone(_tz())
        last = (z - dt.timedelta(microseconds=1)).date() if z > a else a.date()
        return cls(kind=kind, start=a.date(), end=last if last != a.date() else None,
                   night=is_night(a, z) if night is None else night, min_age=min_age)


def is_night(start: dt.datetime, end: dt.datetime) -> bool:
    """Whether a time range touches the local night hours (22:00–06:00)."""
    if end - start >= dt.timedelta(hours=NIGHT_FROM - NIGHT_TO):
        return True  # longer than a whole day window: it covers some night
    a = start.astimezone(_tz())
    if a.hour < NIGHT_TO or a.hour >= NIGHT_FROM:
        return True
    night_falls = dt.datetime.combine(a.date(), dt.time(NIGHT_FROM), tzinfo=a.tzinfo)
    return end > night_falls


# --- reasons ---------------------------------------------------------------------------------

_MESSAGES: dict[str, object] = {}
_LABELS: dict[str, object] = {}
DATE_PARAMS = frozenset({"until", "since"})  # parameters holding a date: shown in the reader's language


@dataclass(frozen=True)
class Reason:
    """Why one person may not go: a stable code and the parameters of its message."""

    code: str
    params: Mapping = field(default_factory=dict)

    @property
    def message(self) -> str:
        template = _MESSAGES.get(self.code)
        if template is None:
            return self.code
        shown = {k: (date_format(v, "MONTH_DAY_FORMAT") if isinstance(v, dt.date) else v) for k, v in self.params.items()}
        return str(template) % shown

    def __str__(self) -> str:
        return self.message

    def as_json(self) -> dict:
        return {"code": self.code, **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: Mapping) -> Reason:
        params = {}
        for k, v in data.items():
            if k == "code":
                continue
            if k in DATE_PARAMS and isinstance(v, str):
                try:
                    v = dt.date.fromisoformat(v)
                except ValueError:
                    pass
            params[k] = v
        return cls(code=str(data.get("code", "")), params=params)


def says(reasons: Iterable[Reason]) -> str:
    """Reasons as one line in the active language: "在集中隔离至12月7日；密接标记"."""
    return str(_("; ")).join(r.message for r in reasons)


def says_json(reasons: Iterable[Mapping]) -> str:
    return says(Reason.from_json(r) for r in reasons)


# --- the registry ----------------------------------------------------------------------------

IdSet = Sequence[int] | QuerySet
Provider = Callable[[IdSet, Sequence[Duty]], Iterable[tuple[Duty, int, Reason]]]

_registry: Registry[Provider] = Registry("fitness")


def register(name: str, provider: Provider, messages: Mapping[str, object] | None = None,
             labels: Mapping[str, object] | None = None) -> None:
    """Add (or replace, by name) a provider, with the message and the short label of each reason code it gives.

    Messages take the reason's parameters ("In centralised quarantine until %(until)s");
    labels name the code in counts ("in quarantine"). Both lazily translated.
    """
    _registry.register(name, provider)
    _MESSAGES.update(messages or {})
    _LABELS.update(labels or {})


unregister = _registry.unregister
discover = _registry.discover


def providers() -> list[str]:
    return [name for name, _p in _registry.items()]


def _ids(person_ids) -> IdSet:
    if isinstance(person_ids, QuerySet):
        return person_ids
    return sorted({int(p) for p in person_ids})


def unfit_each(person_ids, duties: Iterable[Duty]) -> dict[Duty, dict[int, list[Reason]]]:
    """For each duty, the people among `person_ids` who may not go and why; fit people are absent.

    A few queries per provider for all the people and duties together. Reasons of one person
    are kept in the providers' order without repeats of a code.
    """
    providers = _registry.items()
    duties = list(dict.fromkeys(duties))
    out: dict[Duty, dict[int, list[Reason]]] = {d: {} for d in duties}
    ids = _ids(person_ids)
    if not duties or (not isinstance(ids, QuerySet) and not ids):
        return out
    for _name, provider in providers:
        for duty, pid, reason in provider(ids, duties):
            row = out[duty].setdefault(pid, [])
            if all(r.code != reason.code for r in row):
                row.append(reason)
    return out


def unfit(person_ids, duty: Duty) -> dict[int, list[Reason]]:
    """The people among `person_ids` who may not be sent on `duty`, each with why. In bulk."""
    return unfit_each(person_ids, [duty])[duty]


def reasons_for(person, duty: Duty) -> list[Reason]:
    """Why one person may not go on the duty; empty when they may."""
    return unfit([person.pk], duty).get(person.pk, [])


class Unfit(Conflict):
    """Refused: the person may not be sent on this duty. The message names the person and why."""

    code = "unfit"
    default_message = _("This person may not be sent on this duty.")

    def __init__(self, person, reasons: list[Reason]):
        self.person = person
        self.reasons = reasons
        super().__init__(_("%(name)s may not be sent: %(why)s.") % {"name": person.name, "why": says(reasons)},
                         field="person", code=self.code)


def require_fit(person, duty: Duty) -> None:
    """Raise Unfit (a Conflict with code "unfit") when the person may not go on the duty."""
    reasons = reasons_for(person, duty)
    if reasons:
        raise Unfit(person, reasons)


def left_out_summary(unfit_by_person: Mapping[int, list[Reason]], *, limit: int = 200) -> dict:
    """What a page shows about the people left out: counts per reason code and the first `limit` people, as JSON.

    Age alone is the commonest and least surprising reason (the children of a district), so
    people with any other reason come first. Names are read for the people listed only.
    """
    from muster.people.models import Person

    counts: dict[str, int] = defaultdict(int)
    for reasons in unfit_by_person.values():
        for r in reasons:
            counts[r.code] += 1
    age_only = {pid for pid, reasons in unfit_by_person.items() if {r.code for r in reasons} <= AGE_CODES}
    chosen = sorted(unfit_by_person, key=lambda pid: (pid in age_only, pid))[:limit]
    names = dict(Person.objects.filter(pk__in=chosen).values_list("pk", "name"))
    chosen.sort(key=lambda pid: (pid in age_only, names.get(pid, ""), pid))
    people = [{"id": pid, "name": names.get(pid, ""), "reasons": [r.as_json() for r in unfit_by_person[pid]]}
              for pid in chosen]
    return {"total": len(unfit_by_person), "counts": dict(sorted(counts.items())), "people": people}


def left_out_rows(summary: Mapping | None) -> dict:
    """A stored summary ready for a template: counts with labels, people with their reasons in the reader's language."""
    summary = summary or {}
    return {"total": summary.get("total", 0),
            "counts": [(reason_label(code), n) for code, n in (summary.get("counts") or {}).items()],
            "people": [{"id": p.get("id"), "name": p.get("name", ""), "why": says_json(p.get("reasons") or [])}
                       for p in summary.get("people") or []]}


def reason_label(code: str) -> str:
    """A short label of a reason code for counts ("under age", "close contact")."""
    return str(_LABELS.get(code, code))


# --- the age rule (people's own answer) ------------------------------------------------------

AGE_CODES = frozenset({"under_age", "maybe_under_age"})


def age_reasons(person_ids: IdSet, duties: Sequence[Duty]) -> Iterator[tuple[Duty, int, Reason]]:
    from muster.people.models import Person

    # The youngest birth year that can fail any of the duties: the highest cutoff.
    cutoff = min(d.start.year - d.required_age - 1 for d in duties)
    rows = Person.objects.filter(pk__in=person_ids, birth_year__gt=cutoff).values_list("pk", "birth_year")
    for pid, born in rows:
        for d in duties:
            age = d.required_age
            reached = d.start.year - born
            if reached < age:
                yield d, pid, Reason("under_age", {"age": age, "year": born})
            elif reached == age and (d.start.month, d.start.day) != (12, 31):
                yield d, pid, Reason("maybe_under_age", {"age": age, "year": born})


register("people.age", age_reasons, {
    "under_age": _("Under %(age)d (born %(year)d)"),
    "maybe_under_age": _("May be under %(age)d (born %(year)d; only the year is known)"),
}, {"under_age": _("under age"), "maybe_under_age": _("maybe under age")})
