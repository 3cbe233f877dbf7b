"""The audit trail's action names for rosters: one place, so a typo cannot start a new kind of event.

The values are the strings stored in `AuditEvent.action`; they never change, or old events stop matching.
"""

from __future__ import annotations

import enum


class Audit(enum.StrEnum):
    POST_CREATE = "post.create"
    POST_RULES = "post.rules"
    POST_COVER = "post.cover"
    POST_EXCEPTION = "post.exception"
    POST_TEAM_ADD = "post.team_add"
    POST_TEAM_UPDATE = "post.team_update"
    POST_ABSENCE = "post.absence"
    ROSTER_REQUEST = "roster.request"
    ROSTER_PUBLISH = "roster.publish"
    ROSTER_DISCARD = "roster.discard"
    ROSTER_SOLVE_ABANDONED = "roster.solve_abandoned"
    ROSTER_SWAP_REQUEST = "roster.swap_request"
    ROSTER_SWAP_DECIDE = "roster.swap_decide"
    ROSTER_SWAP_CANCEL = "roster.swap_cancel"
    ROSTER_CALENDAR_FEED = "roster.calendar_feed"
    DUTY_CHECKIN = "duty.checkin"
    DUTY_NOTE = "duty.note"
    DUTY_MISSED = "duty.missed"
