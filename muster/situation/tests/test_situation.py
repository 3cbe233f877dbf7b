"""The situation page's figures on the test world, built through the actions; and who may see what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from muster.core.errors import Forbidden, NotFound
from muster.situation import selectors
from muster.situation.tests.helpers import busy_morning
from muster.testing.models import Box
from muster.testing.tests.factories import people

pytestmark = pytest.mark.django_db


def rows_by_name(s):
    return {r.region.name: r for r in s.rows}


@pytest.fixture
def busy(world):
    return busy_morning(world)


def test_figures_of_a_busy_morning(world, busy):
    s = selectors.situation(world.district_command, world.fengtai)
    assert [r.region.name for r in s.rows] == ["东铁匠营街道"]  # Fengtai's one street
    t = s.total
    assert t.sampled == 12
    assert sum(s.sampled_by_hour) == 12
    assert (t.resulted, t.positive_tubes, t.positive_people) == (2, 1, 0)
    assert sum(s.resulted_by_hour) == 2 and sum(s.positives_by_hour) == 1
    assert t.turnaround_h is not None and t.turnaround_h >= 0
    assert (t.boxes_transit, t.tubes_transit, t.boxes_overdue) == (1, 1, 0)
    assert (t.recall_people, t.recall_resolved, t.recall_pending) == (5, 0, 5)
    assert (t.fever_open, t.fever_today) == (1, 1) and sum(s.fevers_by_hour) == 1
    assert (t.needs_open, t.places, t.places_filled, t.places_open) == (1, 2, 1, 1)
    assert (t.rostered, t.staffed, t.posts_short) == (2, 1, 1)
    assert (t.quarantine_active, t.quarantine_in, t.quarantine_out) == (1, 1, 0)
    assert s.quarantine_in_by_day[-1] == 1
    # the campaign over Fengtai plans for today, and its round has 12 of its people sampled so far
    assert s.campaigns == [busy["campaign"]]
    assert t.campaign_sampled == 12 and t.campaign_target == busy["campaign"].target_population == 14

    # one level down: the street's communities; Pu'anli carries it all, its neighbour nothing
    s = selectors.situation(world.district_command, world.street)
    rows = rows_by_name(s)
    assert rows["蒲安里第二社区"].sampled == 12 and rows["蒲安里第二社区"].status == "positive"
    assert rows["蒲安里第一社区"].sampled == 0 and rows["蒲安里第一社区"].status == "quiet"
    # the map: Pu'anli and its neighbour have positions, and so has the gate (short-staffed, fever open)
    dots = {d.name: d for d in s.dots}
    assert dots["蒲安里第二社区"].status == "positive"
    assert dots["南门值守点"].status == "fever"


def test_an_overdue_box_and_a_released_case(world, busy):
    # Four hours and more on the road: the courier's hand-over was at 06:00 (the clock moved on).
    Box.objects.filter(pk=busy["box"].pk).update(handed_at=timezone.now() - dt.timedelta(hours=5))
    s = selectors.situation(world.command, world.city)
    assert s.total.boxes_overdue == 1
    fengtai = rows_by_name(s)["丰台区"]
    assert fengtai.boxes_overdue == 1 and rows_by_name(s)["石景山区"].boxes_overdue == 0


def test_other_districts_see_none_of_it(world, busy):
    s = selectors.situation(world.bajiao_coordinator, world.bajiao)
    t = s.total
    assert (t.sampled, t.resulted, t.fever_open, t.needs_open, t.rostered, t.quarantine_active) == (0, 0, 0, 0, 0, 0)


def test_the_outsider_next_door_sees_only_their_own_community(world, busy):
    assert selectors.region_for(world.outsider, None) == world.neighbour
    s = selectors.situation(world.outsider, world.neighbour)
    assert [r.region for r in s.rows] == [world.neighbour]
    assert (s.total.sampled, s.total.fever_open, s.total.rostered) == (0, 0, 0)
    with pytest.raises(NotFound):
        selectors.region_for(world.outsider, world.puanli.code)
    with pytest.raises(NotFound):
        selectors.situation(world.outsider, world.puanli)


def test_scope_of_each_role(world):
    assert selectors.region_for(world.district_command, None) == world.fengtai
    assert selectors.region_for(world.command, None) == world.city
    assert selectors.region_for(world.admin, None) == world.city  # 北京市 has the one child 市辖区
    assert selectors.region_for(world.street_coordinator, world.puanli.code) == world.puanli
    for user, code in ((world.coordinator, world.fengtai.code), (world.coordinator, world.bajiao.code),
                       (world.district_command, world.shijingshan.code), (world.district_command, "999999999999")):
        with pytest.raises(NotFound):
            selectors.region_for(user, code)
    for user in (world.nobody, world.member, world.volunteer, world.clerk, world.lab_tech):
        with pytest.raises(Forbidden):
            selectors.region_for(user, None)


def test_pages_by_role(world, busy, client):
    client.force_login(world.district_command)
    r = client.get("/situation/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "东铁匠营街道" in html and 'hx-trigger="every 60s"' in html and "<svg" in html
    assert "?region=110106007000" in html  # the street drills down
    r = client.get("/situation/?region=110106007000", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.content.decode() and "蒲安里第二社区" in r.content.decode()
    assert client.get("/situation/?region=110107000000").status_code == 404
    client.force_login(world.outsider)
    assert client.get("/situation/?region=110106007005").status_code == 404
    client.force_login(world.nobody)
    assert client.get("/situation/").status_code == 403
    client.logout()
    assert client.get("/situation/").status_code == 302


def test_queries_do_not_grow_with_the_regions(world, busy, django_assert_max_num_queries):
    """One aggregate query per figure over the subtree, whatever the number of child regions."""
    from muster.testworld import make_region

    with django_assert_max_num_queries(20) as before:
        selectors.situation(world.command, world.city)
    for i in range(30):
        street = make_region(f"110106{100 + i:03d}000", f"街道{i}", "street", world.fengtai)
        make_region(f"110106{100 + i:03d}001", f"社区{i}", "community", street, 39.8 + i / 100, 116.3)
    with django_assert_max_num_queries(len(before.captured_queries)):
        selectors.situation(world.command, world.fengtai)


def test_home_counts_households_over_the_whole_district(world, client):
    from muster.geo.actions import building_create, household_create

    b = building_create(actor=world.coordinator, region=world.puanli, name="1号楼")
    for room in ("101", "102", "201"):
        household_create(actor=world.coordinator, building=b, unit="1", room=room)
    people(world, 4, region=world.neighbour)
    world.fengtai.refresh_from_db()
    h = selectors.households([world.fengtai])[0]
    # three registered in Pu'anli; none in its neighbour, whose five people make about two households
    assert (h.registered, h.communities, h.communities_registered, h.estimate) == (3, 2, 1, 3 + 2)
    client.force_login(world.district_command)
    html = client.get("/").content.decode()
    assert "/situation/?region=110106000000" in html


def test_the_plan_spreads_each_target_over_its_sampling_hours(world):
    """Two days of 07:00-22:00 at the point: 30 sampling hours; a child region plans by its share of people."""
    from muster.testing import actions as testing

    people(world, 13)  # Fengtai: Pu'anli 14 people, its neighbour 1
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    seven = dt.datetime.combine(today, dt.time(7), tzinfo=tz)
    c = testing.campaign_create(actor=world.admin, data=testing.CampaignData(
        name="两天", region=world.fengtai, starts_at=seven, ends_at=seven + dt.timedelta(days=1, hours=15), labs=(world.lab_site,)))
    testing.point_add(actor=world.admin, campaign=c, site=world.collection, desks=2)
    assert c.target_population == 15
    s = selectors.situation(world.street_coordinator, world.street)
    assert s.plan_by_hour[6] == 0 and s.plan_by_hour[22] == 0
    assert s.plan_by_hour[7] == pytest.approx(15 / 30) and sum(s.plan_by_hour) == pytest.approx(7.5)
    rows = rows_by_name(s)
    assert rows["蒲安里第二社区"].plan == pytest.approx(7.5 * 14 / 15)
    assert rows["蒲安里第一社区"].campaign_target == pytest.approx(1)
    # a campaign over Shijingshan plans nothing here
    testing.campaign_create(actor=world.admin, data=testing.CampaignData(
        name="石景山", region=world.shijingshan, starts_at=seven, ends_at=seven + dt.timedelta(hours=15), labs=(world.lab_site,)))
    assert sum(selectors.situation(world.street_coordinator, world.street).plan_by_hour) == pytest.approx(7.5)
