"""State for purge tests: a closed campaign sampled long ago, old passages, a released case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from muster.checkpoints.models import Passage
from muster.geo.models import Site
from muster.people.models import Person
from muster.rosters.models import Post
from muster.testing import actions as testing
from muster.testing.models import Campaign
from muster.testing.tests.factories import campaign, people, sample_all

LONG_AGO = dt.timedelta(days=120)


def age(persons, delta: dt.timedelta = LONG_AGO) -> None:
    """Pretend the people were entered `delta` ago."""
    Person.objects.filter(pk__in=[p.pk for p in persons]).update(created_at=timezone.now() - delta)


def old_campaign(world, n: int = 12, start: int = 0):
    """A campaign sampled and closed about four months ago, with `n` people sampled in it."""
    c, point = campaign(world)
    residents = people(world, n, start=start)
    sample_all(world, point, residents, first_tube=start + 1)
    testing.campaign_set_status(actor=world.admin, campaign=c, status=Campaign.Status.CLOSED)
    now = timezone.now()
    Campaign.objects.filter(pk=c.pk).update(starts_at=now - LONG_AGO - dt.timedelta(days=1), ends_at=now - LONG_AGO)
    age(residents)
    return c, point, residents


def post(world) -> Post:
    return Post.objects.create(site=world.gate, region=world.puanli, name="南门")


def passage(world, post: Post, person, at: dt.datetime, temperature: str = "36.5") -> Passage:
    return Passage.objects.create(post=post, region=post.region, at=at, person=person, direction=Passage.Direction.IN,
                                  temperature=Decimal(temperature), health_code=Passage.Code.GREEN, note="从外地返京",
                                  recorded_by=world.coordinator)


def hotel(world) -> Site:
    return Site.objects.create(region=world.puanli, kind=Site.Kind.HOTEL, name="丰台隔离酒店", address="某路1号")
