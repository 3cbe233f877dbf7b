"""A campaign may only send tubes to labs its creator's region may use (issue 10)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from muster.core.errors import DomainError
from muster.geo.models import Site
from muster.testing import actions
from muster.testing.models import Campaign
from muster.testing.selectors import labs_usable


@pytest.fixture
def labs(world):
    """A lab in the coordinator's district, one at city level, and world.lab_site in another district."""
    return {"fengtai": Site.objects.create(region=world.fengtai, kind=Site.Kind.LAB, name="丰台区疾控实验室"),
            "city": Site.objects.create(region=world.city, kind=Site.Kind.LAB, name="市疾控实验室"),
            "street": Site.objects.create(region=world.street, kind=Site.Kind.LAB, name="街道实验室"),
            "other": world.lab_site}


def _data(world, region, lab_list):
    now = timezone.now()
    return actions.CampaignData(name="第一轮", region=region, starts_at=now, ends_at=now + dt.timedelta(hours=10),
                                labs=tuple(lab_list))


def test_usable_labs_are_inside_or_above_the_users_regions(world, labs):
    assert set(labs_usable(world.street_coordinator)) == {labs["fengtai"], labs["city"], labs["street"]}
    assert set(labs_usable(world.coordinator)) == {labs["fengtai"], labs["city"], labs["street"]}
    assert set(labs_usable(world.bajiao_coordinator)) == {labs["city"], labs["other"]}
    assert set(labs_usable(world.admin)) == set(labs.values())
    assert not labs_usable(world.lab_tech).exists() and not labs_usable(world.member).exists()


def test_campaign_form_offers_and_takes_only_usable_labs(world, labs, login):
    c = login(world.street_coordinator)
    page = c.get("/testing/new/").content.decode()
    offered = {int(v) for v in re.findall(r'name="labs" value="(\d+)"', page)}
    assert offered == {labs["fengtai"].pk, labs["city"].pk, labs["street"].pk}
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = {"name": "街道第一轮", "region": world.street.code, "round": "1", "pool_size": "10", "prevalence": "0.001",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"), "ends_at": (now + dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")}
    r = c.post("/testing/new/", {**form, "labs": [labs["fengtai"].pk, labs["other"].pk]})
    assert r.status_code in (200, 422) and not Campaign.objects.exists()
    r = c.post("/testing/new/", {**form, "labs": [labs["fengtai"].pk, labs["city"].pk]})
    assert r.status_code == 302
    assert set(Campaign.objects.get().labs.all()) == {labs["fengtai"], labs["city"]}


def test_campaign_create_refuses_a_lab_of_another_jurisdiction(world, labs):
    with pytest.raises(DomainError) as e:
        actions.campaign_create(actor=world.district_command, data=_data(world, world.fengtai, [labs["other"]]))
    assert e.value.field == "labs" and not Campaign.objects.exists()
    c = actions.campaign_create(actor=world.district_command, data=_data(world, world.fengtai, [labs["fengtai"], labs["city"]]))
    assert c.labs.count() == 2
    # command over the whole city may use any lab in it
    assert actions.campaign_create(actor=world.command, data=_data(world, world.fengtai, [labs["other"]])).labs.count() == 1
