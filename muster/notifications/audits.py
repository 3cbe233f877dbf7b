"""What the notifications app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    INBOX_READ = "inbox.read"
    INBOX_READ_ALL = "inbox.read_all"
    INBOX_MARKS_PRUNE = "inbox.marks_prune"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.INBOX_READ: pgettext_lazy("audit action", "Inbox items marked read"),
    Audit.INBOX_READ_ALL: pgettext_lazy("audit action", "Whole inbox marked read"),
    Audit.INBOX_MARKS_PRUNE: pgettext_lazy("audit action", "Old inbox read marks cleared"),
}
