"""Periodic jobs of emergencies: the nightly purge of what is past its retention."""

import os

from muster.core import periodic
from muster.emergencies import purging


def purge_due() -> dict:
    run = purging.run(actor=None)
    return {k: v.get("deleted", 0) + v.get("anonymised", 0) for k, v in run.report.get("types", {}).items()}


# MUSTER_PURGE=0 turns it off (a deployment under a blanket legal hold, or while a policy is reviewed).
if os.environ.get("MUSTER_PURGE", "1").strip().lower() not in {"0", "false", "no", "off"}:
    periodic.register("emergencies.purge", 6 * 3600, purge_due)
