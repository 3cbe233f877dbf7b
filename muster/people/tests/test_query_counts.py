"""The hot pages run a fixed number of queries however many rows they show (no query per row)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from muster.people.actions import PersonData, person_create


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


def _add_people(world, n: int, start: int) -> None:
    for i in range(start, start + n):
        person_create(actor=world.admin, data=PersonData(name=f"居民{i}", region=world.puanli, phone=f"1390000{i:04d}",
                                                         skills=("health_code_app",)))


def test_people_directory_queries_do_not_grow_with_rows(world, login, django_assert_max_num_queries):
    client = login(world.coordinator)
    _add_people(world, 3, 0)
    few = _queries(client, "/people/")
    _add_people(world, 20, 3)
    assert _queries(client, "/people/") == few
    with django_assert_max_num_queries(few):
        client.get("/people/?q=居民")
