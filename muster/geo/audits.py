"""What the geo app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    BUILDING_CREATE = "building.create"
    HOUSEHOLD_CREATE = "household.create"
    REGIONS_IMPORT = "regions.import"
    SITE_CREATE = "site.create"
    SITE_UPDATE = "site.update"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.BUILDING_CREATE: pgettext_lazy("audit action", "Building added"),
    Audit.HOUSEHOLD_CREATE: pgettext_lazy("audit action", "Household added"),
    Audit.REGIONS_IMPORT: pgettext_lazy("audit action", "Regions imported"),
    Audit.SITE_CREATE: pgettext_lazy("audit action", "Site added"),
    Audit.SITE_UPDATE: pgettext_lazy("audit action", "Site changed"),
}
