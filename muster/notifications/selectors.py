"""Reads of the outbox: a person's own messages, or a managed person's."""

from __future__ import annotations

from django.db.models import QuerySet

from muster.notifications.models import Notification
from muster.people import selectors as people


def notifications_mine(user) -> QuerySet[Notification]:
    if not user.person_id:
        return Notification.objects.filter(user=user)
    return Notification.objects.filter(person_id=user.person_id)


def notifications_of_person(user, person_id: int) -> QuerySet[Notification]:
    """A person's messages, for themself or a manager of their community (404 otherwise)."""
    person = people.person_get(user, person_id)
    return Notification.objects.filter(person=person)
