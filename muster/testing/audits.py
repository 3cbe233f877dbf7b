"""The audit action names of mass testing, in one place.

The values are stored in the audit trail and read by tests and by people filtering it:
never change one, only add.
"""

from __future__ import annotations

import enum


class Audit(enum.StrEnum):
    CAMPAIGN_CREATE = "campaign.create"
    CAMPAIGN_STATUS = "campaign.status"
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
