"""What the quarantine app writes on the audit trail: one name per kind of event, stored as its value."""

import enum


class Audit(enum.StrEnum):
    QUARANTINE_OPEN = "quarantine.open"
    QUARANTINE_RELEASE = "quarantine.release"
    QUARANTINE_TEST = "quarantine.test"
