import threading

import pytest
from django.db import connection

from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.testing import actions
from muster.testing.actions import direct
from muster.testing.models import Sample, Tube
from muster.testing.tests.factories import campaign, people, resident_id, resident_id_of, sample_all


def test_tube_fills_and_closes_itself_at_pool_size(world):
    c, point = campaign(world, pool_size=5)
    ps = people(world, 6)
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    for i, p in enumerate(ps[:5], start=1):
        res = actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(p), client_key=f"k{i}")
        assert res["tube"]["count"] == i
    assert res["tube"]["status"] == "closed"
    tube = Tube.objects.get(barcode="T000000001")
    assert (tube.count, tube.status) == (5, Tube.Status.CLOSED) and tube.closed_at
    with pytest.raises(Conflict) as e:
        actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(ps[5]), client_key="k6")
    assert e.value.code == "tube_closed"
    assert Sample.objects.count() == 5


def test_resend_with_same_key_never_duplicates(world):
    c, point = campaign(world)
    (p,) = people(world, 1)
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    first = actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(p), client_key="abc")
    again = actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(p), client_key="abc")
    assert again["replayed"] and again["sample"] == first["sample"]
    assert Tube.objects.get().count == 1 and Sample.objects.count() == 1


def test_person_sampled_twice_in_a_round_is_refused(world):
    c, point = campaign(world)
    (p,) = people(world, 1)
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(p), client_key="a")
    with pytest.raises(Conflict) as e:
        actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(p), client_key="b")
    assert e.value.code == "already_sampled"
    assert Tube.objects.get().count == 1  # the claim rolled back with the refused insert


def test_bad_scans_are_refused_with_codes(world):
    c, point = campaign(world)
    with pytest.raises(InvalidInput) as e:
        actions.tube_open(actor=world.clerk, point=point, barcode="XYZ")
    assert e.value.code == "bad_format"
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    with pytest.raises(InvalidInput) as e:
        actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan="hello")
    assert e.value.code == "bad_format"
    with pytest.raises(InvalidInput) as e:  # a wrong check digit
        actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan="110105194912310021")
    assert e.value.code == "bad_format"
    with pytest.raises(NotFound) as e:
        actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id(500))
    assert e.value.code == "unknown_person"
    # The same tube cannot be opened at another point or after it closed.
    (p,) = people(world, 1)
    actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(p))
    actions.tube_close(actor=world.clerk, point=point, barcode="T000000001")
    with pytest.raises(Conflict) as e:
        actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    assert e.value.code == "tube_used"


def test_walkin_then_scan(world):
    c, point = campaign(world)
    person = actions.walkin_register(actor=world.clerk, point=point, name="路人甲", id_number=resident_id(500))
    assert person.region == world.puanli
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    res = actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id(500))
    assert res["person"] == "路人甲"


def test_personal_code_scan(world):
    c, point = campaign(world)
    reg = actions.preregister(campaign=c, name="张秀英", id_type="resident", id_number="11010519491231002X")
    assert reg.person == world.alice
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    res = actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=reg.code.lower())
    assert res["person"] == "张秀英"


def test_flagged_contact_goes_alone(world):
    c, point = campaign(world)
    a, b = people(world, 2)
    actions.flag_set(actor=world.coordinator, person=b, reason="contact")
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(a))
    with pytest.raises(Conflict) as e:
        actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(b))
    assert e.value.code == "needs_single"
    actions.tube_close(actor=world.clerk, point=point, barcode="T000000001")
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000002")
    res = actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000002", scan=resident_id_of(b))
    assert res["tube"] == {"barcode": "T000000002", "count": 1, "capacity": 1, "status": "closed"}


def test_outsider_cannot_work_the_desk(world):
    c, point = campaign(world)
    for user in (world.outsider, world.lab_tech, world.member):
        with pytest.raises(Forbidden):
            actions.tube_open(actor=user, point=point, barcode="T000000001")


def test_sample_all_helper(world):
    c, point = campaign(world, pool_size=5)
    tubes = sample_all(world, point, people(world, 12))
    assert len(tubes) == 3
    assert sorted(Tube.objects.values_list("count", flat=True)) == [2, 5, 5]


@pytest.mark.django_db(transaction=True)
def test_concurrent_desks_cannot_overfill_a_tube():
    """Ten threads race for one 5-swab tube: exactly five win (PostgreSQL row lock; SQLite serialises)."""
    from muster.testworld import build_world

    world = build_world()
    c, point = campaign(world, pool_size=5)
    ps = people(world, 10)
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    ids = [resident_id_of(p) for p in ps]
    outcomes = []

    def go(scan, i):
        try:
            actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=scan, client_key=f"r{i}")
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(s, i)) for i, s in enumerate(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 5, outcomes
    assert Tube.objects.get().count == 5 and Sample.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_desk_statement_is_prepared_and_planned_again(monkeypatch):
    """PostgreSQL: the desk's one statement is a prepared statement, dropped and re-planned every few runs."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are the PostgreSQL path")
    from muster.testworld import build_world

    monkeypatch.setattr(direct, "REPLAN_EVERY", 3)
    world = build_world()
    c, point = campaign(world, pool_size=5)
    ps = people(world, 12)
    seen = []
    for n, p in enumerate(ps):
        if n % 5 == 0:
            actions.tube_open(actor=world.clerk, point=point, barcode=f"T00000000{n // 5 + 1}")
        res = actions.desk_scan(actor=world.clerk, point=point, tube_barcode=f"T00000000{n // 5 + 1}", scan=resident_id_of(p),
                                client_key=f"k{n}")
        assert not res["replayed"] and res["tube"]["count"] == n % 5 + 1
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%INSERT INTO testing_sample%"])
            seen.append(cur.fetchone()[0])
    assert seen and all(x == 1 for x in seen)  # prepared once, never piled up across re-plans
    assert connection.connection._muster_prepared[0] <= 3
    assert Sample.objects.count() == 12 and sorted(Tube.objects.values_list("count", flat=True)) == [2, 5, 5]
