"""What the notifications app writes on the audit trail: one name per kind of event, stored as its value."""

import enum


class Audit(enum.StrEnum):
    INBOX_READ = "inbox.read"
    INBOX_READ_ALL = "inbox.read_all"
