"""The inbox: what waits for a decision or an action of one person, gathered from every domain.

Notifications sits below the domains (they queue messages through it), so it cannot ask them
itself. It defines the question instead, as `core.periodic` and `people.fitness` do: each
domain answers it in a module `muster/<app>/inbox.py` that calls `register(kind, provider)`;
`discover()` imports those modules, once.

A provider is `provider(user) -> Iterable[InboxItem]`: the items OPEN for that user now, read
through the domain's own scoped selectors. Nothing is stored per item: an item is there while
its cause is (a swap request still open, a fever alert not followed up), and goes by itself
when somebody deals with it. Only the read marks are stored (`InboxRead`, by the item's key).

A provider must stay cheap (the nav's unread badge asks every provider, at most every
CACHE_SECONDS per user): a few bounded queries (LIMIT items each, select_related), and none at
all for a user without the role its items are for. A failing provider is logged and left out,
so that one domain's bug never empties everybody's inbox.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from muster.core.registry import Registry

log = logging.getLogger("muster.notifications")

LIMIT = 50  # items per provider: past this many, the page behind the link is the list to work from
CACHE_SECONDS = 30  # how long the unread count in the nav may lag behind


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for the user. `key` is stable while the thing waits in the same state
    (a new state gets a new key, so it comes back unread); `url` is the page where it is decided."""

    key: str
    kind: str
    title: str
    detail: str
    url: str
    at: dt.datetime
    urgent: bool = False


Provider = Callable[[object], Iterable[InboxItem]]

_registry: Registry[Provider] = Registry("inbox", skip=("muster.notifications",))
register = _registry.register  # (kind, provider): add, or replace by kind, the provider of one kind of item
unregister = _registry.unregister
discover = _registry.discover


def kinds() -> list[str]:
    return [kind for kind, _p in _registry.items()]


def gather(user) -> list[InboxItem]:
    """Every open item for `user`, urgent first, then newest first; nothing for an anonymous user."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return []
    out: list[InboxItem] = []
    seen: set[str] = set()
    for kind, provider in _registry.items():
        try:
            found = list(provider(user))
        except Exception:  # noqa: BLE001 - one domain's failure must not hide every other decision
            log.exception("inbox provider %s failed for user %s", kind, getattr(user, "pk", None))
            continue
        for item in found[:LIMIT]:
            if item.key not in seen:
                seen.add(item.key)
                out.append(item)
    out.sort(key=lambda i: i.at, reverse=True)
    out.sort(key=lambda i: not i.urgent)  # stable: newest first within each group
    return out
