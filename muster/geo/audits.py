"""What the geo app writes on the audit trail: one name per kind of event, stored as its value."""

import enum


class Audit(enum.StrEnum):
    BUILDING_CREATE = "building.create"
    HOUSEHOLD_CREATE = "household.create"
    REGIONS_IMPORT = "regions.import"
    SITE_CREATE = "site.create"
    SITE_UPDATE = "site.update"
