"""What the core app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    IMPORT_QUEUE = "import.queue"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.IMPORT_QUEUE: pgettext_lazy("audit action", "Import started"),
}
