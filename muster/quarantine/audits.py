"""What the quarantine app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    QUARANTINE_OPEN = "quarantine.open"
    QUARANTINE_RELEASE = "quarantine.release"
    QUARANTINE_TEST = "quarantine.test"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.QUARANTINE_OPEN: pgettext_lazy("audit action", "Quarantine started"),
    Audit.QUARANTINE_RELEASE: pgettext_lazy("audit action", "Released from quarantine"),
    Audit.QUARANTINE_TEST: pgettext_lazy("audit action", "Quarantine test recorded"),
}
