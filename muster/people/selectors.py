"""Reads of people and organisations, scoped by the acting user."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet

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
            qs = qs.filter(name__startswith=q) if len(q) == 1 else qs.filter(name__contains=q)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if skill:
        qs = qs.filter(skills__code=skill)
    if organisation_kind:
        qs = qs.filter(affiliations__organisation__kind=organisation_kind).distinct()
    year = dt.date.today().year
    if min_age is not None:
        qs = qs.filter(birth_year__lte=year - min_age)
    if max_age is not None:
        qs = qs.filter(birth_year__gte=year - max_age)
    return qs.select_related("region", "region__parent").order_by("name", "id")


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
