"""Adapter between a post's rows and the pure rostering engine (muster.rosters.solver).

By subject: `plan` (what the post needs and who can give it; the plain-words precheck),
`build` (the engine's RosterInput and the published roster as its grid), `task` (the background
solve), `store` (applying a solve's outcome to the roster), `words` (the engine's reasons in the
coordinator's language) and `changes` (whether a hand change breaks a hard rule).
"""

from muster.rosters.solving.build import (
    BEFORE_DAYS,
    Built,
    build_input,
    days_around,
    days_before,
    emp_id,
    published_grid,
    sid,
)
from muster.rosters.solving.changes import ChangeCheck, check_change, swap_options
from muster.rosters.solving.plan import Plan, band_span, left_out, left_out_words, night_ok, plan_of, precheck
from muster.rosters.solving.task import enqueue, run, solve_roster
from muster.rosters.solving.words import RULE_LABELS, conflict_words, violation_words

# `solve_roster` is the task's name in queues written before the package split
# ("muster.rosters.solving.solve_roster"): kept importable here so that those still run.
__all__ = [
    "BEFORE_DAYS", "RULE_LABELS", "Built", "ChangeCheck", "Plan", "band_span", "build_input", "check_change",
    "conflict_words", "days_around", "days_before", "emp_id", "enqueue", "left_out", "left_out_words", "night_ok",
    "plan_of", "precheck", "published_grid", "run", "sid", "solve_roster", "swap_options", "violation_words",
]
