"""What the core app writes on the audit trail: one name per kind of event, stored as its value."""

import enum


class Audit(enum.StrEnum):
    IMPORT_QUEUE = "import.queue"
