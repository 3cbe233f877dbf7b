"""What the canvass app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    CAMPAIGN_CREATE = "canvass_campaign.create"
    LISTS_CUT = "canvass_campaign.cut"
    LIST_ASSIGN = "canvass_list.assign"
    BUILDING_MOVE = "canvass_list.move_building"
    VISIT_RECORD = "canvass_visit.record"
    VISIT_CONFLICT = "canvass_visit.conflict"
    CONFLICT_RESOLVE = "canvass_visit.resolve"
    HOUSEHOLD_ADD = "canvass_door.add"
    FINDING_ACT = "canvass_finding.act"
    ANSWERS_READ = "canvass_answers.read"
    EXPORT = "canvass.export"
    SHEET_PRINT = "canvass_list.print"
    FOLLOWUP_OPEN = "canvass_followup.open"
    FOLLOWUP_CHECK = "canvass_followup.check"
    FOLLOWUP_CLOSE = "canvass_followup.close"
    TEAM_CREATE = "canvass_team.create"
    LISTS_APPLY = "canvass_campaign.apply_proposal"


LABELS = {
    Audit.CAMPAIGN_CREATE: pgettext_lazy("audit action", "Door-knocking campaign set up"),
    Audit.LISTS_CUT: pgettext_lazy("audit action", "Door-knocking campaign cut into walk lists"),
    Audit.LIST_ASSIGN: pgettext_lazy("audit action", "Walk list assigned"),
    Audit.BUILDING_MOVE: pgettext_lazy("audit action", "Building moved to another walk list"),
    Audit.VISIT_RECORD: pgettext_lazy("audit action", "Door-knocking visit recorded"),
    Audit.VISIT_CONFLICT: pgettext_lazy("audit action", "Door-knocking visit held as a conflict"),
    Audit.CONFLICT_RESOLVE: pgettext_lazy("audit action", "Door-knocking conflict resolved"),
    Audit.HOUSEHOLD_ADD: pgettext_lazy("audit action", "Household added at the door"),
    Audit.FINDING_ACT: pgettext_lazy("audit action", "Door-knocking finding acted on"),
    Audit.ANSWERS_READ: pgettext_lazy("audit action", "Door-knocking answers viewed"),
    Audit.EXPORT: pgettext_lazy("audit action", "Door-knocking lists exported"),
    Audit.SHEET_PRINT: pgettext_lazy("audit action", "Paper walk sheet printed"),
    Audit.FOLLOWUP_OPEN: pgettext_lazy("audit action", "Households put on a follow-up list"),
    Audit.FOLLOWUP_CHECK: pgettext_lazy("audit action", "Follow-up check recorded"),
    Audit.FOLLOWUP_CLOSE: pgettext_lazy("audit action", "Follow-up ended"),
    Audit.TEAM_CREATE: pgettext_lazy("audit action", "Door-knocking team set up"),
    Audit.LISTS_APPLY: pgettext_lazy("audit action", "Proposed walk list assignments applied"),
}
