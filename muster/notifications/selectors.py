"""Reads of the outbox (a person's own messages, or a managed person's) and of the inbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet

from muster.notifications import inbox
from muster.notifications.inbox import InboxItem
from muster.notifications.models import InboxRead, Notification
from muster.people import selectors as people

log = logging.getLogger("muster.notifications")


def notifications_mine(user) -> QuerySet[Notification]:
    if not user.person_id:
        return Notification.objects.filter(user=user)
    return Notification.objects.filter(person_id=user.person_id)


def notifications_of_person(user, person_id: int) -> QuerySet[Notification]:
    """A person's messages, for themself or a manager of their community (404 otherwise)."""
    person = people.person_get(user, person_id)
    return Notification.objects.filter(person=person)


# --- the inbox ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class InboxEntry:
    """An inbox item as the user sees it: the item, and whether they have read it."""

    item: InboxItem
    read: bool


def inbox_of(user, *, unread_only: bool = False) -> list[InboxEntry]:
    """The user's open items (urgent first, newest first), each with its read mark."""
    items = inbox.gather(user)
    read = set(InboxRead.objects.filter(user=user, key__in=[i.key for i in items]).values_list("key", flat=True)) if items else set()
    entries = [InboxEntry(item=i, read=i.key in read) for i in items]
    _remember_count(user, sum(1 for e in entries if not e.read))
    return [e for e in entries if not e.read] if unread_only else entries


def _count_key(user) -> str:
    return f"muster:inbox:unread:{user.pk}"


def _remember_count(user, n: int) -> None:
    try:
        cache.set(_count_key(user), n, inbox.CACHE_SECONDS)
    except Exception:  # noqa: BLE001 - a cache outage costs speed, never the page
        log.warning("inbox: could not cache the unread count", exc_info=True)


def inbox_unread_count(user) -> int:
    """How many open items the user has not read: from the cache for up to CACHE_SECONDS, else asked afresh."""
    if not getattr(user, "is_authenticated", False):
        return 0
    try:
        n = cache.get(_count_key(user))
    except Exception:  # noqa: BLE001
        n = None
    if n is None:
        n = sum(1 for e in inbox_of(user) if not e.read)
    return n


def inbox_forget_count(user) -> None:
    """Drop the cached count (after the user marked something read): the next page counts again."""
    try:
        cache.delete(_count_key(user))
    except Exception:  # noqa: BLE001
        log.warning("inbox: could not drop the cached unread count", exc_info=True)
