"""The audit trail's action names for needs: one place, so a typo cannot start a new kind of event.

The values are the strings stored in `AuditEvent.action`; they never change, or old events stop matching.
"""

from __future__ import annotations

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    NEED_POST = "need.post"
    NEED_UPDATE = "need.update"
    NEED_PAUSE = "need.pause"
    NEED_RESUME = "need.resume"
    NEED_CANCEL = "need.cancel"
    NEED_CLOSE = "need.close"
    NEED_ROTATE_CODE = "need.rotate_code"
    REPORT_CREATE = "report.create"
    REPORT_ACCEPT = "report.accept"
    REPORT_DECLINE = "report.decline"
    REPORT_WITHDRAW = "report.withdraw"
    REPORT_NO_SHOW = "report.no_show"
    REPORT_CHECK_IN = "report.check_in"
    REPORT_CHECK_OUT = "report.check_out"
    DISPATCH_START = "dispatch.start"
    DISPATCH_ADJUST = "dispatch.adjust"
    DISPATCH_CONFIRM = "dispatch.confirm"
    DISPATCH_DISCARD = "dispatch.discard"
    DISPATCH_REFUSE = "dispatch.refuse"
    DEPLOYMENT_POST = "deployment.post"
    NEEDS_EXPORT = "needs.export"
    RUNS_EXPORT = "dispatch.runs_export"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.NEED_POST: pgettext_lazy("audit action", "Need posted"),
    Audit.NEED_UPDATE: pgettext_lazy("audit action", "Need changed"),
    Audit.NEED_PAUSE: pgettext_lazy("audit action", "Need paused"),
    Audit.NEED_RESUME: pgettext_lazy("audit action", "Need resumed"),
    Audit.NEED_CANCEL: pgettext_lazy("audit action", "Need cancelled"),
    Audit.NEED_CLOSE: pgettext_lazy("audit action", "Need closed"),
    Audit.NEED_ROTATE_CODE: pgettext_lazy("audit action", "Report code renewed"),
    Audit.REPORT_CREATE: pgettext_lazy("audit action", "Reported for a need"),
    Audit.REPORT_ACCEPT: pgettext_lazy("audit action", "Report accepted"),
    Audit.REPORT_DECLINE: pgettext_lazy("audit action", "Report declined"),
    Audit.REPORT_WITHDRAW: pgettext_lazy("audit action", "Report withdrawn"),
    Audit.REPORT_NO_SHOW: pgettext_lazy("audit action", "Did not come"),
    Audit.REPORT_CHECK_IN: pgettext_lazy("audit action", "Checked in"),
    Audit.REPORT_CHECK_OUT: pgettext_lazy("audit action", "Checked out"),
    Audit.DISPATCH_START: pgettext_lazy("audit action", "Dispatch started"),
    Audit.DISPATCH_ADJUST: pgettext_lazy("audit action", "Dispatch proposal changed"),
    Audit.DISPATCH_CONFIRM: pgettext_lazy("audit action", "Dispatch confirmed"),
    Audit.DISPATCH_DISCARD: pgettext_lazy("audit action", "Dispatch proposal discarded"),
    Audit.DISPATCH_REFUSE: pgettext_lazy("audit action", "Dispatch refused"),
    Audit.DEPLOYMENT_POST: pgettext_lazy("audit action", "Cadre deployment posted"),
    Audit.NEEDS_EXPORT: pgettext_lazy("audit action", "Needs exported"),
    Audit.RUNS_EXPORT: pgettext_lazy("audit action", "Dispatch runs exported"),
}
