"""Every write to posts, cover, teams, rosters, swaps and the duty log. Each one audited, in one transaction.

By subject: `posts` (a post, its rules, cover and team), `rosters` (solve, publish, discard),
`swaps`, `duty` (check-ins, notes, missed shifts) and `calendar` (the private feed). Callers
import from here: `from muster.rosters import actions; actions.post_create(...)`.
"""

from muster.rosters.actions.calendar import calendar_token_rotate
from muster.rosters.actions.common import monday_of, weekday_name
from muster.rosters.actions.duty import CHECKIN_EARLY, checkin, duty_note_add, shift_duty, shift_missed_notify
from muster.rosters.actions.posts import (
    RULE_FIELDS,
    BandData,
    MemberData,
    absence_add,
    cover_set,
    exception_add,
    post_create,
    post_update_rules,
    team_add,
    team_update,
)
from muster.rosters.actions.rosters import (
    roster_discard,
    roster_publish,
    roster_request,
    roster_solve_abandon,
)
from muster.rosters.actions.swaps import swap_decide, swap_request

__all__ = [
    "CHECKIN_EARLY", "RULE_FIELDS", "BandData", "MemberData", "absence_add", "calendar_token_rotate", "checkin",
    "cover_set", "duty_note_add", "exception_add", "monday_of", "post_create", "post_update_rules", "roster_discard",
    "roster_publish", "roster_request", "roster_solve_abandon", "shift_duty", "shift_missed_notify", "swap_decide",
    "swap_request", "team_add", "team_update", "weekday_name",
]
