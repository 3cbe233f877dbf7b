"""Periodic jobs of the outbox, run by the worker's ticker (`muster.core.periodic`)."""

from muster.core import periodic
from muster.notifications.delivery import flush_due

# Retries and anything the task queue lost; a backend that cannot defer relies on this alone.
periodic.register("notifications.flush_due", 60, flush_due)
