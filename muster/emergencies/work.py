"""The work that belongs to emergencies: every model with a foreign key to `Emergency`.

Found through the relations, so a domain that adds the key (volunteering, canvass) takes part
without this app importing it (GUIDE.md §4, convention 11). Each kind of work is placed by its
own region, or by its site's region (a quarantine case is where its hotel is).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, QuerySet

from muster.emergencies.models import Emergency


@dataclass(frozen=True)
class WorkKind:
    label: str  # "testing.Campaign": the stable key forms and the API name it by
    model: type[Model]
    fk: str  # the name of the foreign key to Emergency
    region: str  # the lookup to the region the work is in ("region" or "site__region")

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def rows(self) -> QuerySet:
        return self.model._default_manager.all()

    def within(self, emergency: Emergency) -> QuerySet:
        """This kind's rows in the emergency's region (its subtree)."""
        return self.rows().filter(**{f"{self.region}__path__startswith": emergency.region.path})


def kinds() -> list[WorkKind]:
    out = []
    for f in Emergency._meta.get_fields(include_hidden=True):
        if not (f.auto_created and not f.concrete and f.one_to_many):
            continue
        model = f.related_model
        names = {x.name for x in model._meta.fields}
        region = "region" if "region" in names else "site__region" if "site" in names else ""
        if region:
            out.append(WorkKind(label=model._meta.label, model=model, fk=f.field.name, region=region))
    return sorted(out, key=lambda k: k.label)


def kind(label: str) -> WorkKind | None:
    return next((k for k in kinds() if k.label == label), None)
