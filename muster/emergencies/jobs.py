"""Periodic jobs of emergencies: the nightly purge of what is past its retention."""

from django.conf import settings

from muster.core import periodic
from muster.emergencies import purging


def purge_due() -> dict:
    run = purging.run(actor=None)
    return {k: v.get("deleted", 0) + v.get("anonymised", 0) for k, v in run.report.get("types", {}).items()}


if settings.PURGE_ENABLED:
    periodic.register("emergencies.purge", 6 * 3600, purge_due)
