"""Every write to needs, reports and dispatch runs. Each one checked, audited, and in one transaction.

By subject: `needs` (post, edit, status, check-in code), `reports` (report, accept, decline,
withdraw, no-show, check in and out) and `runs` (start a dispatch run, adjust, confirm or discard
its proposal). Callers import from here: `from muster.needs import actions; actions.need_post(...)`.
"""

from muster.needs.actions.needs import (
    CHECKIN_OPENS,
    CHECKOUT_CLOSES,
    CODE_LENGTH,
    MAX_DURATION,
    NeedData,
    checkin_code_rotate,
    clean_need,
    create_need,
    need_post,
    need_set_status,
    need_update,
    new_code,
    normalise_code,
)
from muster.needs.actions.reports import (
    CheckResult,
    check_in_or_out,
    hours_between,
    person_meets,
    report_accept,
    report_create,
    report_decline,
    report_no_show,
    report_withdraw,
)
from muster.needs.actions.runs import dispatch_start, proposal_adjust, proposal_confirm, proposal_discard

__all__ = [
    "CHECKIN_OPENS", "CHECKOUT_CLOSES", "CODE_LENGTH", "MAX_DURATION", "CheckResult", "NeedData", "check_in_or_out",
    "checkin_code_rotate", "clean_need", "create_need", "dispatch_start", "hours_between", "need_post", "need_set_status",
    "need_update", "new_code", "normalise_code", "person_meets", "proposal_adjust", "proposal_confirm", "proposal_discard",
    "report_accept", "report_create", "report_decline", "report_no_show", "report_withdraw",
]
