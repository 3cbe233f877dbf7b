"""The desk's scan in one statement, permission included: accepts only what the full path would, else defers to it."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from muster.accounts.models import RoleGrant
from muster.testing import actions
from muster.testing.models import Campaign, Sample
from muster.testing.tests.factories import campaign, people, resident_id_of

pytestmark = pytest.mark.django_db


def _direct(world, point, person, actor=None, key="k1", tube="T000000001"):
    return actions.desk_scan_direct(actor=actor or world.clerk, point_id=point.pk, tube_barcode=tube,
                                    scan=resident_id_of(person), client_key=key)


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")


@pytest.fixture
def desk(world):
    c, point = campaign(world, pool_size=5)
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    return c, point, people(world, 3)


def test_a_clerk_at_their_site_scans_in_one_statement(pg, world, desk):
    _c, point, ps = desk
    res = _direct(world, point, ps[0])
    assert res["ok"] and not res["replayed"] and res["tube"]["count"] == 1
    assert Sample.objects.get().registered_by_id == world.clerk.pk


def test_anyone_without_a_desk_grant_at_the_site_is_left_to_the_full_path(pg, world, desk):
    _c, point, ps = desk
    for actor in (world.outsider, world.coordinator, world.admin):
        assert _direct(world, point, ps[0], actor=actor) is None
    assert not Sample.objects.exists()


def test_an_ended_grant_does_not_scan(pg, world, desk):
    if not any(f.name == "ends_on" for f in RoleGrant._meta.get_fields()):
        pytest.skip("grants have no end date in this version")
    _c, point, ps = desk
    RoleGrant.objects.filter(user=world.clerk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    assert _direct(world, point, ps[0]) is None
    assert not Sample.objects.exists()


def test_a_closed_campaign_a_resend_and_bad_input_defer_to_the_full_path(pg, world, desk):
    c, point, ps = desk
    assert _direct(world, point, ps[0], key="once")["ok"]
    assert _direct(world, point, ps[0], key="once") is None  # the full path answers the replay
    assert actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(ps[0]),
                             client_key="once")["replayed"]
    assert _direct(world, point, ps[1], key="") is None
    assert _direct(world, point, ps[1], tube="B0001") is None
    Campaign.objects.filter(pk=c.pk).update(status=Campaign.Status.CLOSED)
    assert _direct(world, point, ps[1], key="k2") is None
    assert Sample.objects.count() == 1


def test_the_api_answers_a_clerk_without_loading_grants_or_the_point(pg, world, desk, client):
    from django.test.utils import CaptureQueriesContext

    _c, point, ps = desk
    client.force_login(world.clerk)
    with CaptureQueriesContext(connection) as q:
        r = client.post(f"/api/v1/testing/points/{point.pk}/scan",
                        {"tube": "T000000001", "scan": resident_id_of(ps[0]), "key": "api-1"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["ok"]
    sql = " ".join(x["sql"] for x in q.captured_queries)
    assert "accounts_rolegrant" not in sql and "testing_collectionpoint" not in sql  # inside the one statement


def test_not_postgresql_defers(world, desk):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's answer")
    _c, point, ps = desk
    assert _direct(world, point, ps[0]) is None


@pytest.mark.django_db(transaction=True)
def test_behind_transaction_pooling_nothing_is_prepared(pg, settings):
    from muster.testworld import build_world

    settings.DATABASE_TRANSACTION_POOLING = True
    world = build_world()
    c, point = campaign(world, pool_size=5)
    ps = people(world, 2)
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    with connection.cursor() as cur:
        cur.execute("DEALLOCATE ALL")
    assert _direct(world, point, ps[0])["ok"]
    assert actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(ps[1]),
                             client_key="k2")["ok"]
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cur.fetchone()[0] == 0


# --- a tube opened in one statement ------------------------------------------------------------

def _events(tube_barcode):
    from muster.core.models import AuditEvent

    fields = ("actor_id", "actor_label", "kind", "action", "object_type", "object_repr", "region_path", "ip", "user_agent",
              "via", "changes")
    return [{f: getattr(e, f) for f in fields} for e in AuditEvent.objects.filter(object_repr=tube_barcode, action="tube.open")]


def test_a_clerk_opens_a_tube_in_one_statement_with_the_same_audit_event(pg, world):
    from muster.core import audit
    from muster.testing.audits import Audit
    from muster.testing.models import Tube

    _c, point = campaign(world, pool_size=5)
    res = actions.tube_open_direct(actor=world.clerk, point_id=point.pk, barcode="t000000007")
    assert res == {"barcode": "T000000007", "count": 0, "capacity": 5, "status": "open"}
    tube = Tube.objects.get(barcode="T000000007")
    assert (tube.point_id, tube.campaign_id, tube.opened_by_id, tube.status, tube.count) == (point.pk, point.campaign_id,
                                                                                              world.clerk.pk, "open", 0)
    direct = _events("T000000007")
    # What the general path writes for the same tube: the direct event must not differ from it.
    audit.record(actor=world.clerk, action=Audit.TUBE_OPEN, obj=tube, region=point.site.region, changes={"capacity": 5})
    written = _events("T000000007")
    assert len(direct) == 1 and len(written) == 2 and written[0] == written[1]
    from muster.core.models import AuditEvent

    assert set(AuditEvent.objects.filter(object_repr="T000000007").values_list("object_id", flat=True)) == {str(tube.pk)}
    single = actions.tube_open_direct(actor=world.clerk, point_id=point.pk, barcode="T000000008", single=True)
    assert single["capacity"] == 1


def test_tube_open_through_the_action_is_a_saved_tube(pg, world):
    _c, point = campaign(world, pool_size=5)
    tube = actions.tube_open(actor=world.clerk, point=point, barcode="T000000009")
    assert tube.pk and not tube._state.adding and tube.capacity == 5
    tube.refresh_from_db()
    assert tube.barcode == "T000000009" and tube.opened_by_id == world.clerk.pk
    assert actions.tube_open(actor=world.clerk, point=point, barcode="T000000009").pk == tube.pk  # resumed


def test_a_tube_open_the_statement_declines_writes_nothing(pg, world):
    from muster.core.models import AuditEvent
    from muster.testing.models import Tube

    c, point = campaign(world, pool_size=5)
    for actor in (world.outsider, world.coordinator, world.admin):
        assert actions.tube_open_direct(actor=actor, point_id=point.pk, barcode="T000000010") is None
    assert actions.tube_open_direct(actor=world.clerk, point_id=point.pk, barcode="B0001") is None
    assert actions.tube_open_direct(actor=world.clerk, point_id=point.pk, barcode="T000000011") is not None
    assert actions.tube_open_direct(actor=world.clerk, point_id=point.pk, barcode="T000000011") is None  # taken
    Campaign.objects.filter(pk=c.pk).update(status=Campaign.Status.CLOSED)
    assert actions.tube_open_direct(actor=world.clerk, point_id=point.pk, barcode="T000000012") is None
    assert list(Tube.objects.values_list("barcode", flat=True)) == ["T000000011"]
    assert AuditEvent.objects.filter(action="tube.open").count() == 1


def test_the_api_opens_a_tube_without_loading_grants_or_the_point(pg, world, client):
    from django.test.utils import CaptureQueriesContext

    _c, point = campaign(world, pool_size=5)
    client.force_login(world.clerk)
    url = f"/api/v1/testing/points/{point.pk}/tubes"
    with CaptureQueriesContext(connection) as q:
        r = client.post(url, {"barcode": "T000000020"}, content_type="application/json")
    assert r.status_code == 201 and r.json() == {"barcode": "T000000020", "count": 0, "capacity": 5, "status": "open"}
    sql = " ".join(x["sql"] for x in q.captured_queries)
    assert "accounts_rolegrant" not in sql and "testing_collectionpoint" not in sql
    again = client.post(url, {"barcode": "T000000020"}, content_type="application/json")  # resumed by the full path
    assert again.status_code == 201 and again.json()["barcode"] == "T000000020"
    client.force_login(world.outsider)
    assert client.post(url, {"barcode": "T000000021"}, content_type="application/json").status_code in (403, 404)
