"""What the people app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    AFFILIATION_SET = "affiliation.set"
    ORGANISATION_CREATE = "organisation.create"
    PEOPLE_IMPORT = "people.import"
    PERSON_CREATE = "person.create"
    PERSON_REVEAL_ID = "person.reveal_id"
    PERSON_UPDATE = "person.update"
    PERSON_ID_ELSEWHERE = "person.id_elsewhere"
    PEOPLE_EXPORT = "people.export"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.AFFILIATION_SET: pgettext_lazy("audit action", "Work unit set"),
    Audit.ORGANISATION_CREATE: pgettext_lazy("audit action", "Organisation added"),
    Audit.PEOPLE_IMPORT: pgettext_lazy("audit action", "People imported"),
    Audit.PERSON_CREATE: pgettext_lazy("audit action", "Person added"),
    Audit.PERSON_REVEAL_ID: pgettext_lazy("audit action", "Full document number shown"),
    Audit.PERSON_UPDATE: pgettext_lazy("audit action", "Person changed"),
    Audit.PERSON_ID_ELSEWHERE: pgettext_lazy("audit action", "Document number of another community entered"),
    Audit.PEOPLE_EXPORT: pgettext_lazy("audit action", "People exported"),
}
