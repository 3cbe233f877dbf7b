"""The hours ledger's question: what did somebody serve, where, for whom, and for how long?

Volunteering owns the one ledger of service hours (GUIDE §4.11), but the hours are served in
other domains too: need check-ins, checkpoint duty shifts, sessions here. Those domains sit
beside volunteering, not below it, so the ledger cannot import them. It defines the question
instead, as `core.periodic` and `notifications.inbox` do: each domain answers it in a module
`muster/<app>/service.py` that calls `register(name, source)`; `discover()` imports those modules.

A source is `source(since, until) -> Iterable[Served]`: every finished piece of service whose end
lies in [since, until), read straight from the domain's own tables. The collecting action
(`actions.service_records_collect`) turns each into one `ServiceRecord`, recorded in the name of
the organiser that ran it (谁组织谁记录); a `source_key` already in the ledger, or a span of the
same person's time already recorded through another path (a need check-in that was also a
project session), is never counted again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from muster.core.registry import Registry

log = logging.getLogger("muster.volunteering")

# The national rules give the organiser 10 working days after the activity to record it.
RECORD_WITHIN_WORKING_DAYS = 10


@dataclass(frozen=True)
class Served:
    """One finished piece of service, with the national record fields (活动, 日期, 地点, 内容, 时长, 组织单位, 负责人)."""

    source_key: str  # stable name of what was served, e.g. "needs.report:12"; unique in the ledger
    person_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    hours: Decimal
    activity: str
    place: str
    content: str
    organiser: str  # the organising unit's name
    leader: str
    region_id: int  # where it was served (the organiser's region: scoping of the record)
    recorded_by_id: int | None = None  # the organiser's account in whose name it is recorded


Source = Callable[[dt.datetime, dt.datetime], Iterable[Served]]

_registry: Registry[Source] = Registry("service")
register = _registry.register  # (name, source): add, or replace by name, one domain's source of served hours
unregister = _registry.unregister
discover = _registry.discover


def sources() -> dict[str, Source]:
    return dict(_registry.items())


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    return (Decimal(max(0.0, (end - start).total_seconds())) / Decimal(3600)).quantize(Decimal("0.01"))


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The n-th working day (Monday to Friday) after `day`; public holidays are not known here."""
    d = day
    while n > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def record_due(day: dt.date) -> dt.date:
    return working_days_after(day, RECORD_WITHIN_WORKING_DAYS)
