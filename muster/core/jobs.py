"""Periodic jobs of core, run by the worker's ticker (`muster.core.periodic`)."""

from muster.core import housekeeping, periodic

# A task whose worker died stays RUNNING until this marks it failed.
periodic.register("core.tasks_lost", 300, housekeeping.tasks_lost_fail)
# Finished task rows older than a week, and heartbeats of processes gone for a day.
periodic.register("core.prune", 3600, housekeeping.prune)
