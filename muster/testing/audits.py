"""The audit action names of mass testing, in one place.

The values are stored in the audit trail and read by tests and by people filtering it:
never change one, only add.
"""

from __future__ import annotations

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    CAMPAIGN_CREATE = "campaign.create"
    CAMPAIGN_STATUS = "campaign.status"
    CAMPAIGN_PLAN_APPLY = "campaign.plan_apply"
    RECALLS_EXPORT = "recall.export"
    POINT_ADD = "campaign.point_add"
    TEAM_ADD = "campaign.team_add"
    TEAM_REMOVE = "campaign.team_remove"
    ROLE_GRANT = "role.grant"  # the desk grant a team membership gives (accounts' own name for it)
    ROLE_REVOKE = "role.revoke"
    FLAG = "testing.flag"
    FLAG_IMPORT = "testing.flag_import"
    PERSON_SELF_REGISTER = "person.self_register"
    PREREGISTER = "testing.preregister"
    TUBE_OPEN = "tube.open"
    TUBE_CLOSE = "tube.close"
    PERSON_WALKIN = "person.walkin"
    BOX_OPEN = "box.open"
    BOX_ADD = "box.add"
    BOX_SEAL = "box.seal"
    BOX_HAND_OVER = "box.hand_over"
    BOX_RECEIVE = "box.receive"
    LAB_RUN = "lab.run"
    LAB_RESULTS = "lab.results"
    RECALL_CONTACT = "recall.contact"
    REPORT_ISSUE = "testing.report"
    RESULT_LOOKUP = "result.lookup"
    SHIFT_RECORD = "campaign.shift_record"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.CAMPAIGN_CREATE: pgettext_lazy("audit action", "Testing campaign created"),
    Audit.CAMPAIGN_STATUS: pgettext_lazy("audit action", "Campaign status changed"),
    Audit.CAMPAIGN_PLAN_APPLY: pgettext_lazy("audit action", "Planned figures applied to the campaign"),
    Audit.RECALLS_EXPORT: pgettext_lazy("audit action", "Recall list exported"),
    Audit.POINT_ADD: pgettext_lazy("audit action", "Collection point added"),
    Audit.TEAM_ADD: pgettext_lazy("audit action", "Joined a collection point's team"),
    Audit.TEAM_REMOVE: pgettext_lazy("audit action", "Left a collection point's team"),
    Audit.ROLE_GRANT: pgettext_lazy("audit action", "Role granted"),
    Audit.ROLE_REVOKE: pgettext_lazy("audit action", "Role revoked"),
    Audit.FLAG: pgettext_lazy("audit action", "Flagged for a single tube"),
    Audit.FLAG_IMPORT: pgettext_lazy("audit action", "Single-tube flags imported"),
    Audit.PERSON_SELF_REGISTER: pgettext_lazy("audit action", "Registered themselves"),
    Audit.PREREGISTER: pgettext_lazy("audit action", "Registered before sampling"),
    Audit.TUBE_OPEN: pgettext_lazy("audit action", "Tube opened"),
    Audit.TUBE_CLOSE: pgettext_lazy("audit action", "Tube closed"),
    Audit.PERSON_WALKIN: pgettext_lazy("audit action", "Walk-in registered"),
    Audit.BOX_OPEN: pgettext_lazy("audit action", "Box opened"),
    Audit.BOX_ADD: pgettext_lazy("audit action", "Tube put in a box"),
    Audit.BOX_SEAL: pgettext_lazy("audit action", "Box sealed"),
    Audit.BOX_HAND_OVER: pgettext_lazy("audit action", "Box handed to the courier"),
    Audit.BOX_RECEIVE: pgettext_lazy("audit action", "Box received at the lab"),
    Audit.LAB_RUN: pgettext_lazy("audit action", "Lab run recorded"),
    Audit.LAB_RESULTS: pgettext_lazy("audit action", "Results entered"),
    Audit.RECALL_CONTACT: pgettext_lazy("audit action", "Recalled person contacted"),
    Audit.REPORT_ISSUE: pgettext_lazy("audit action", "Test report issued"),
    Audit.RESULT_LOOKUP: pgettext_lazy("audit action", "Result looked up"),
    Audit.SHIFT_RECORD: pgettext_lazy("audit action", "Shift at a collection point recorded"),
}
