"""What the people app writes on the audit trail: one name per kind of event, stored as its value."""

import enum


class Audit(enum.StrEnum):
    AFFILIATION_SET = "affiliation.set"
    ORGANISATION_CREATE = "organisation.create"
    PEOPLE_IMPORT = "people.import"
    PERSON_CREATE = "person.create"
    PERSON_REVEAL_ID = "person.reveal_id"
    PERSON_UPDATE = "person.update"
    PERSON_ID_ELSEWHERE = "person.id_elsewhere"
    PEOPLE_EXPORT = "people.export"
