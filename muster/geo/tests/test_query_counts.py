"""The region browser runs a fixed number of queries however many child regions it lists."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from muster.geo.models import Region
from muster.testworld import make_region


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


def test_region_browser_queries_do_not_grow_with_rows(world, login, django_assert_max_num_queries):
    client = login(world.street_coordinator)
    few = _queries(client, f"/regions/{world.street.code}/")
    for i in range(12):
        make_region(f"1101060070{50 + i}", f"新社区{i}", Region.Level.COMMUNITY, world.street)
    assert _queries(client, f"/regions/{world.street.code}/") == few
    with django_assert_max_num_queries(few):
        client.get("/regions/")
