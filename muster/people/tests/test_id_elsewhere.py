"""A document number already on file: named inside the coordinator's region, bounded and seen outside it."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from muster.core.errors import Conflict, Forbidden
from muster.core.models import AuditEvent
from muster.people.actions import PersonData, people_import, person_create
from muster.people.models import Person

ALICE_ID = "11010519491231002X"  # world.alice, 蒲安里第二社区 (the coordinator's)
BOB_ID = "110106195312150035"  # world.bob, 蒲安里第一社区 (the neighbour's)


@pytest.fixture(autouse=True)
def _fresh_counters(db):
    cache.clear()
    yield
    cache.clear()


def test_a_number_in_my_region_names_the_record(world):
    with pytest.raises(Conflict) as e:
        person_create(actor=world.coordinator, data=PersonData(name="重复", region=world.puanli, id_number=ALICE_ID))
    assert e.value.field == "id_number" and "张秀英" in str(e.value.message)
    assert not AuditEvent.objects.filter(action="person.id_elsewhere").exists()


def test_a_number_elsewhere_names_nobody_and_is_on_that_communitys_trail(world):
    with pytest.raises(Conflict) as e:
        person_create(actor=world.coordinator, data=PersonData(name="重复", region=world.puanli, id_number=BOB_ID))
    message = str(e.value.message)
    assert "李建国" not in message and "蒲安里第一社区" not in message and "其他社区" in message
    event = AuditEvent.objects.get(action="person.id_elsewhere")
    assert event.actor == world.coordinator and event.region_path == world.neighbour.path
    assert event.object_id == str(world.bob.pk) and event.kind == AuditEvent.Kind.READ


def test_the_import_says_the_same_per_line(world):
    data = ("name,community_code,id_number\n"
            f"甲,110106007005,{ALICE_ID}\n"
            f"乙,110106007005,{BOB_ID}\n").encode()
    report = people_import(actor=world.coordinator, data=data, filename="p.csv")
    assert not report.ok and report.created == 0
    by_line = {e.line: e.message for e in report.errors}
    assert "张秀英" in by_line[2] and "李建国" not in by_line[3] and "其他社区" in by_line[3]
    assert AuditEvent.objects.filter(action="person.id_elsewhere", object_id=str(world.bob.pk)).count() == 1


@override_settings(ID_ELSEWHERE_PER_DAY=3)
def test_probing_numbers_elsewhere_is_cut_off(world):
    for _ in range(3):
        with pytest.raises(Conflict):
            person_create(actor=world.coordinator, data=PersonData(name="试", region=world.puanli, id_number=BOB_ID))
    with pytest.raises(Forbidden) as e:
        person_create(actor=world.coordinator, data=PersonData(name="试", region=world.puanli, id_number=BOB_ID))
    assert e.value.code == "id_elsewhere_limit"
    # Numbers in one's own region are not counted: a coordinator fixing their own records is not probing.
    with pytest.raises(Conflict):
        person_create(actor=world.street_coordinator, data=PersonData(name="试", region=world.puanli, id_number=BOB_ID))
    assert Person.objects.filter(name="试").count() == 0
