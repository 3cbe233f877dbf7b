"""What the emergencies app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    EMERGENCY_ATTACH = "emergency.attach"
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


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.EMERGENCY_CLOSE: pgettext_lazy("audit action", "Emergency closed"),
    Audit.EMERGENCY_DECLARE: pgettext_lazy("audit action", "Emergency declared"),
    Audit.EMERGENCY_ATTACH: pgettext_lazy("audit action", "Work attached to the emergency"),
    Audit.MYDATA_CORRECTION: pgettext_lazy("audit action", "Correction asked for"),
    Audit.MYDATA_CORRECTION_ANSWER: pgettext_lazy("audit action", "Correction request answered"),
    Audit.MYDATA_DOWNLOAD: pgettext_lazy("audit action", "Own data downloaded"),
    Audit.MYDATA_REFUSED: pgettext_lazy("audit action", "Someone else's data asked for (refused)"),
    Audit.MYDATA_VIEW: pgettext_lazy("audit action", "Own data viewed"),
    Audit.RETENTION_DRY_RUN: pgettext_lazy("audit action", "Deletion tried out (nothing deleted)"),
    Audit.RETENTION_HOLD: pgettext_lazy("audit action", "Data put on hold"),
    Audit.RETENTION_HOLD_LIFT: pgettext_lazy("audit action", "Data hold lifted"),
    Audit.RETENTION_POLICY: pgettext_lazy("audit action", "Keeping period set"),
    Audit.RETENTION_PURGE: pgettext_lazy("audit action", "Data deleted"),
}
