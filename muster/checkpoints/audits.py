"""What the checkpoints app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    PASSAGE_FEVER = "passage.fever"
    PASSAGE_FEVER_CLOSE = "passage.fever_close"
    PASSAGE_RECORD = "passage.record"
    PASSAGE_EXPORT = "passage.export"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.PASSAGE_FEVER: pgettext_lazy("audit action", "Fever alert raised"),
    Audit.PASSAGE_FEVER_CLOSE: pgettext_lazy("audit action", "Fever alert followed up"),
    Audit.PASSAGE_RECORD: pgettext_lazy("audit action", "Passage checked"),
    Audit.PASSAGE_EXPORT: pgettext_lazy("audit action", "Passage register exported"),
}
