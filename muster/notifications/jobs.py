"""Periodic jobs of the outbox, run by the worker's ticker (`muster.core.periodic`)."""

from muster.core import periodic
from muster.notifications.actions import inbox_marks_prune
from muster.notifications.delivery import flush_due

# Retries and anything the task queue lost; a backend that cannot defer relies on this alone.
periodic.register("notifications.flush_due", 60, flush_due)
# Read marks of items long dealt with; once a day is plenty.
periodic.register("notifications.inbox_marks_prune", 24 * 3600, inbox_marks_prune)
