"""The audit trail's action names for rosters: one place, so a typo cannot start a new kind of event.

The values are the strings stored in `AuditEvent.action`; they never change, or old events stop matching.
"""

from __future__ import annotations

import enum

from django.utils.translation import pgettext_lazy


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
    HOURS_EXPORT = "duty.hours_export"
    DUTY_MISSED = "duty.missed"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.POST_CREATE: pgettext_lazy("audit action", "Post added"),
    Audit.POST_RULES: pgettext_lazy("audit action", "Rostering rules changed"),
    Audit.POST_COVER: pgettext_lazy("audit action", "People per shift changed"),
    Audit.POST_EXCEPTION: pgettext_lazy("audit action", "Special day set"),
    Audit.POST_TEAM_ADD: pgettext_lazy("audit action", "Joined the post's team"),
    Audit.POST_TEAM_UPDATE: pgettext_lazy("audit action", "Team member changed"),
    Audit.POST_ABSENCE: pgettext_lazy("audit action", "Absence recorded"),
    Audit.ROSTER_REQUEST: pgettext_lazy("audit action", "Roster asked for"),
    Audit.ROSTER_PUBLISH: pgettext_lazy("audit action", "Roster published"),
    Audit.ROSTER_DISCARD: pgettext_lazy("audit action", "Roster discarded"),
    Audit.ROSTER_SOLVE_ABANDONED: pgettext_lazy("audit action", "Roster calculation stopped"),
    Audit.ROSTER_SWAP_REQUEST: pgettext_lazy("audit action", "Shift swap asked for"),
    Audit.ROSTER_SWAP_DECIDE: pgettext_lazy("audit action", "Shift swap decided"),
    Audit.ROSTER_SWAP_CANCEL: pgettext_lazy("audit action", "Shift swap withdrawn"),
    Audit.ROSTER_CALENDAR_FEED: pgettext_lazy("audit action", "Calendar feed read"),
    Audit.DUTY_CHECKIN: pgettext_lazy("audit action", "Checked in for duty"),
    Audit.DUTY_NOTE: pgettext_lazy("audit action", "Duty log written"),
    Audit.HOURS_EXPORT: pgettext_lazy("audit action", "Hours on duty exported"),
    Audit.DUTY_MISSED: pgettext_lazy("audit action", "Shift missed"),
}
