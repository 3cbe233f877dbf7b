"""New work belongs to the active emergency covering its place, without anyone having to pick it."""

import datetime as dt

from django.utils import timezone

from muster.emergencies import actions, selectors
from muster.needs.tests.helpers import post as need_post
from muster.quarantine import actions as quarantine
from muster.rosters import actions as rosters
from muster.testing.tests.factories import campaign


def _declare(world, region, name="丰台区疫情"):
    return actions.emergency_declare(actor=world.command, name=name, region=region, level="3", purpose="筛查与管控")


def test_campaigns_needs_posts_and_cases_join_the_emergency_of_their_region(world):
    from muster.geo.models import Site

    e = _declare(world, world.fengtai)
    c, _point = campaign(world)
    need = need_post(world)
    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    hotel = Site.objects.create(region=world.puanli, kind=Site.Kind.HOTEL, name="隔离酒店")
    today = timezone.localdate()
    case = quarantine.case_open(actor=world.coordinator, data=quarantine.CaseData(
        person=world.alice, site=hotel, start=today, planned_end=today + dt.timedelta(days=14)))
    assert c.emergency_id == need.emergency_id == post.emergency_id == case.emergency_id == e.pk
    # The emergency's page counts each kind of work through its link (one of each here).
    assert sorted(n for _label, n in selectors.emergency_work(e) if n) == [1, 1, 1, 1]


def test_work_elsewhere_or_after_the_end_belongs_to_none(world):
    e = _declare(world, world.fengtai)
    assert rosters.post_create(actor=world.bajiao_coordinator, site=world.lab_site, name="石景山岗").emergency_id is None
    actions.emergency_close(actor=world.command, emergency=e)
    assert need_post(world).emergency_id is None


def test_the_most_local_emergency_wins(world):
    _declare(world, world.city, name="全市")
    street = _declare(world, world.street, name="东铁匠营街道封控")
    assert need_post(world).emergency_id == street.pk
    assert selectors.active_emergency_for(world.bajiao) != street.pk
