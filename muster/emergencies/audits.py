"""What the emergencies app writes on the audit trail: one name per kind of event, stored as its value."""

import enum


class Audit(enum.StrEnum):
    EMERGENCY_CLOSE = "emergency.close"
    EMERGENCY_DECLARE = "emergency.declare"
    MYDATA_CORRECTION = "mydata.correction"
    MYDATA_CORRECTION_ANSWER = "mydata.correction_answer"
    MYDATA_DOWNLOAD = "mydata.download"
    MYDATA_REFUSED = "mydata.refused"
    MYDATA_VIEW = "mydata.view"
    RETENTION_DRY_RUN = "retention.dry_run"
    RETENTION_HOLD = "retention.hold"
    RETENTION_HOLD_LIFT = "retention.hold_lift"
    RETENTION_POLICY = "retention.policy"
    RETENTION_PURGE = "retention.purge"
