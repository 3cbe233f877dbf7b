"""How many queries the desk's scan and the campaign pages run: a fixed number, whatever the number of rows.

The limits are the counts measured when these tests were written; a page that starts running
a query per row (a point, a tube, a team member) goes past them as soon as there are several.
"""

import json

import pytest
from django.db import connection

from muster.testing import actions
from muster.testing.tests.factories import campaign, people, resident_id_of, sample_all, ship


def _scan(client, point, tube, person, key):
    return client.post(f"/api/v1/testing/points/{point.pk}/scan", json.dumps({"tube": tube, "scan": resident_id_of(person), "key": key}),
                       content_type="application/json")


# Measured. PostgreSQL takes the one-statement path: the session, the user, and the savepoint this
# app's test fixture puts around the statement (which psycopg runs itself, around Django's count).
# SQLite takes the full path: scope, point, person, claim, insert.
SCAN_QUERIES = {"postgresql": 4, "sqlite": 9}


def test_desk_scan_endpoint_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    c, point = campaign(world, pool_size=10)
    ps = people(world, 6)
    client.force_login(world.clerk)
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    limit = SCAN_QUERIES[connection.vendor]
    for i, p in enumerate(ps):  # the first scan and the sixth cost the same
        with django_assert_max_num_queries(limit):
            r = _scan(client, point, "T000000001", p, f"q{i}")
        assert r.status_code == 200 and r.json()["tube"]["count"] == i + 1


def _world_with_rows(world, n_points: int, n_people: int):
    """A campaign with `n_points` collection points, people sampled, shipped and resulted at the first, teams at each."""
    from muster.geo.models import Site

    c, point = campaign(world, pool_size=5)
    for i in range(1, n_points):
        site = Site.objects.create(name=f"采样点{i}", kind=Site.Kind.COLLECTION, region=world.collection.region)
        actions.point_add(actor=world.admin, campaign=c, site=site, desks=2)
    ps = people(world, n_people)
    tubes = sample_all(world, point, ps)
    ship(world, point, tubes)
    actions.results_enter(actor=world.lab_tech, lab=world.lab_site,
                          rows=actions.parse_result_text("\n".join(f"{t} negative" for t in tubes))[0])
    for k, p in enumerate(ps[:n_points]):
        actions.team_add(actor=world.admin, point=c.points.order_by("pk")[k], person=p, role="sampler")
    return c


BOARD_QUERIES = 14  # measured, with one point and with four
CAMPAIGN_QUERIES = 17


@pytest.mark.parametrize("n_points,n_people", [(1, 3), (4, 12)])
def test_campaign_pages_run_a_fixed_number_of_queries(world, login, django_assert_max_num_queries, n_points, n_people):
    c = _world_with_rows(world, n_points, n_people)
    client = login(world.admin)
    with django_assert_max_num_queries(BOARD_QUERIES):
        assert client.get(f"/testing/{c.pk}/board/").status_code == 200
    with django_assert_max_num_queries(CAMPAIGN_QUERIES):
        assert client.get(f"/testing/{c.pk}/").status_code == 200
