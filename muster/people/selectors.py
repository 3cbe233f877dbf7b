"""Reads of people and organisations, scoped by the acting user."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Reverse
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import pii
from muster.core.errors import NotFound
from muster.geo.models import Region
from muster.people.models import Organisation, Person


def people_visible(user) -> QuerySet[Person]:
    """People in the regions the user manages; a member or volunteer sees only themself."""
    scope = Scope.of(user)
    q = scope.region_q("region", MANAGERS)
    person_id = getattr(user, "person_id", None)
    if person_id:
        q |= Q(pk=person_id)
    return Person.objects.filter(q)


def people_search(
    user,
    *,
    q: str = "",
    region: Region | None = None,
    skill: str = "",
    organisation_kind: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
) -> QuerySet[Person]:
    """The directory: search by name, phone or exact document number, with filters."""
    qs = people_visible(user)
    q = (q or "").strip()
    if q:
        compact = pii.normalize(q)
        if re.fullmatch(r"\d{17}[\dX]", compact) or re.fullmatch(r"[A-Z]{1,3}\d{6,17}", compact):
            # A document number is looked up by its keyed hash, never by scanning ciphertext.
            qs = qs.filter(id_hash__in=[pii.lookup_hash(t, compact) for t, _l in pii.IdType.CHOICES])
        elif re.fullmatch(r"\d{4,11}", compact):
            qs = qs.filter(phone__startswith=compact)
        else:
            qs = _name_filter(qs, q)
    if region is not None:
        qs = qs.filter(region__in=list(Region.objects.filter(path__startswith=region.path).values_list("id", flat=True)))
    if skill:
        qs = qs.filter(skills__code=skill)
    if organisation_kind:
        qs = qs.filter(affiliations__organisation__kind=organisation_kind).distinct()
    year = dt.date.today().year
    if min_age is not None:
        qs = qs.filter(birth_year__lte=year - min_age)
    if max_age is not None:
        qs = qs.filter(birth_year__gte=year - max_age)
    # Regions come by prefetch, not a join: joining 7,361 wide region rows into a
    # search that keeps 51 people cost more than the search itself at a million.
    return qs.prefetch_related("region").order_by("name", "id")


def _name_filter(qs, q: str):
    """Name search that stays indexed at a million people.

    One character is a surname: a prefix. Two characters in a Chinese name of
    two or three are its start or its end ("张秀" or "秀英" in 张秀英), matched on
    indexes of the name and of the reversed name. Three or more use the trigram
    index (PostgreSQL) as a plain substring.
    """
    if len(q) == 1:
        return qs.filter(name__startswith=q)
    if len(q) == 2:
        if connection.vendor == "postgresql":
            return qs.annotate(name_reversed=Reverse("name")).filter(Q(name__startswith=q) | Q(name_reversed__startswith=q[::-1]))
        return qs.filter(Q(name__startswith=q) | Q(name__endswith=q))
    return qs.filter(name__contains=q)


EXPORT_LIMIT = 100_000


def people_export(qs: QuerySet[Person]) -> tuple[list[str], Iterator[list]]:
    """The directory as spreadsheet rows (headers, rows): a scoped search's people, IDs masked."""
    headers = [_("Name"), _("Sex"), _("Birth year"), _("Phone"), _("ID number"), _("Community"), _("Community code"), _("Skills")]

    def rows() -> Iterator[list]:
        for p in qs.prefetch_related("skills")[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [p.name, p.sex, p.birth_year, p.phone, p.id_masked, p.region.name, p.region.code,
                   ";".join(s.code for s in p.skills.all())]

    return headers, rows()


def person_get(user, pk: int) -> Person:
    person = (
        people_visible(user)
        .select_related("region", "region__parent", "household", "household__building")
        .prefetch_related("skills", "affiliations__organisation")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise NotFound()
    return person


def organisations_visible(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("region")
