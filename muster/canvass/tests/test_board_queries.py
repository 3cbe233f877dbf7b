"""The coverage board costs the same number of queries at every level however many walk lists, doors, visits and
findings a campaign has: it counts in SQL (GROUP BY over the area's doors or the tally), never per list or door."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from muster.canvass import actions
from muster.canvass.tests.helpers import estate, visit
from muster.geo.models import Building, Household
from muster.testworld import make_user


def _district_campaign(world, lists: int, name: str):
    now = timezone.now()
    c = actions.campaign_create(actor=world.district_command, name=name, region=world.fengtai, purpose_text="排查",
                                template="market", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=1))
    wls = actions.lists_cut(actor=world.district_command, campaign=c, lists=lists)
    for i, wl in enumerate(wls):
        v = make_user(f"{name}-v{i}")
        actions.list_assign(actor=world.district_command, walk_list=wl, assignee=v)
        doors = list(wl.doors.order_by("pk")[:2])
        visit(v, doors[0], people=[{"name": f"居民{i}", "answers": {"market": True}}])  # a finding
        if len(doors) > 1:
            visit(v, doors[1], result="not_home")  # a door to revisit
    return c


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as q:
        page = client.get(url)
    assert page.status_code == 200 and b'id="coverage"' in page.content
    return len(q.captured_queries)


def _board_queries(client, world, c) -> dict[str, int]:
    base = f"/canvass/c/{c.pk}/"
    client.get(base)  # sessions and caches warm
    return {"district": _queries(client, base), "street": _queries(client, f"{base}?in={world.street.pk}"),
            "community": _queries(client, f"{base}?in={world.puanli.pk}"),
            "community by list": _queries(client, f"{base}?in={world.puanli.pk}&by=list")}


def test_board_queries_stay_the_same_at_every_level_as_lists_grow(client, world):
    estate(world, buildings=2, units=2, rooms=3)
    far = Building.objects.create(region=world.neighbour, name="邻区9号楼", lat=39.8631, lon=116.4147)
    for r in ("101", "201", "301"):
        Household.objects.create(region=world.neighbour, building=far, unit="1", room=r)
    client.force_login(world.district_command)
    small = _board_queries(client, world, _district_campaign(world, 2, "small"))

    for b in range(6):  # 72 more households in the community: more doors, lists, visits and findings
        bld = Building.objects.create(region=world.puanli, name=f"新{b}号楼", lat=39.8629, lon=116.4204 + b * 0.0003)
        Household.objects.bulk_create([Household(region=world.puanli, building=bld, unit=f"{u}", room=f"{r}01")
                                       for u in range(1, 4) for r in range(1, 5)])
    big_campaign = _district_campaign(world, 12, "big")
    big = _board_queries(client, world, big_campaign)
    assert big == small, (small, big)
    page = client.get(f"/canvass/c/{big_campaign.pk}/?in={world.puanli.pk}")
    assert len(page.context["lists"]) == 12 and len(page.context["revisits"]) >= 11
    assert sum(wl.total for wl in page.context["lists"]) == big_campaign.doors.count()
