"""State that makes a person unfit for duty, built through each domain's actions (for the consumers' tests too)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.geo.models import Site
from muster.people.actions import PersonData, person_create


def hotel(world) -> Site:
    site = Site.objects.filter(region=world.puanli, kind=Site.Kind.HOTEL).first()
    return site or Site.objects.create(region=world.puanli, kind=Site.Kind.HOTEL, name="丰台隔离酒店", address="某路1号")


def quarantine(world, person, *, until_days: int = 7, start_days: int = -3):
    """Open a centralised quarantine case for the person, ending `until_days` from today."""
    from muster.quarantine import actions

    today = timezone.localdate()
    return actions.case_open(actor=world.coordinator, data=actions.CaseData(
        person=person, site=hotel(world), start=today + dt.timedelta(days=start_days),
        planned_end=today + dt.timedelta(days=until_days), room="301"))


def observe_at_home(world, person) -> None:
    """Home observation: a quarantine single-tube flag with no centralised case."""
    from muster.testing import actions
    from muster.testing.models import SingleTubeFlag

    actions.flag_set(actor=world.coordinator, person=person, reason=SingleTubeFlag.Reason.QUARANTINE, note="居家观察")


def contact(world, person, actor=None) -> None:
    from muster.testing import actions
    from muster.testing.models import SingleTubeFlag

    actions.flag_set(actor=actor or world.coordinator, person=person, reason=SingleTubeFlag.Reason.CONTACT, note="新发地")


def aged(world, name: str, age: int, region=None, phone: str = ""):
    """A person without an ID number whose birth year makes them `age` this year (surely, by year's end)."""
    year = timezone.localdate().year - age
    return person_create(actor=world.admin, data=PersonData(name=name, region=region or world.puanli, phone=phone,
                                                            birth_year=year))


def adult(world, name: str, region=None, phone: str = ""):
    return aged(world, name, 40, region, phone)
