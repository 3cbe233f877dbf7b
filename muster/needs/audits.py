"""The audit trail's action names for needs: one place, so a typo cannot start a new kind of event.

The values are the strings stored in `AuditEvent.action`; they never change, or old events stop matching.
"""

from __future__ import annotations

import enum


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
