"""Writes of mass testing, one module per subject. Each one a transaction with its audit event
(the desk's scan excepted: the sample it writes is its record, see desk.desk_scan).

The public actions are re-exported here, so `from muster.testing import actions;
actions.tube_close(...)` is how other apps, bench/ and the tests call them, and import jobs
name them as `muster.testing.actions.results_import`. Callers go through this module's
attributes (the API too), so a test or a bench can stand in for one of them here.
"""

from muster.testing.actions.boxes import box_add_tubes, box_hand_over, box_open, box_receive, box_seal
from muster.testing.actions.campaigns import (
    CampaignData,
    campaign_apply_plan,
    campaign_create,
    campaign_set_status,
    point_add,
)
from muster.testing.actions.desk import desk_scan, resolve_person, tube_close, tube_open, walkin_register
from muster.testing.actions.direct import desk_scan_direct, tube_open_direct
from muster.testing.actions.lab import results_enter, results_import, run_create
from muster.testing.actions.recalls import recall_contact, recalls_follow_up
from muster.testing.actions.residents import new_code, preregister, preregister_self, report_issue
from muster.testing.actions.shifts import may_record_shifts, shift_record
from muster.testing.actions.teams import TEAM_GRANTS, flag_set, flags_import, team_add, team_remove

# What callers of the lab's actions build their input with (bench/campaign.py, other apps' tests).
from muster.testing.parsing import ResultRow, parse_result_text

__all__ = [
    "TEAM_GRANTS", "CampaignData", "ResultRow", "box_add_tubes", "box_hand_over", "box_open", "box_receive", "box_seal",
    "campaign_apply_plan", "campaign_create", "campaign_set_status", "desk_scan", "desk_scan_direct", "flag_set", "flags_import", "new_code",
    "parse_result_text", "point_add", "preregister", "preregister_self", "recall_contact", "recalls_follow_up",
    "report_issue", "resolve_person", "results_enter", "results_import", "run_create", "team_add", "team_remove",
    "may_record_shifts", "shift_record",
    "tube_close", "tube_open", "tube_open_direct", "walkin_register",
]
