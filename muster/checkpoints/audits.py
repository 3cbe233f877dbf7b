"""What the checkpoints app writes on the audit trail: one name per kind of event, stored as its value."""

import enum


class Audit(enum.StrEnum):
    PASSAGE_FEVER = "passage.fever"
    PASSAGE_FEVER_CLOSE = "passage.fever_close"
    PASSAGE_RECORD = "passage.record"
    PASSAGE_EXPORT = "passage.export"
