import pytest

from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent
from muster.people.actions import PersonData, person_create, person_reveal_id, person_update
from muster.people.models import Person
from muster.people.selectors import people_search


def test_create_encrypts_masks_hashes_and_audits(world):
    p = person_create(actor=world.coordinator, data=PersonData(name="赵一", region=world.puanli, id_number="11010519491231010X"))
    assert p.id_masked == "110105***********X"
    assert "11010519491231010X" not in p.id_cipher and len(p.id_hash) == 64
    assert p.birth_year == 1949
    event = AuditEvent.objects.get(action="person.create", object_id=str(p.pk))
    assert event.actor == world.coordinator and event.region_path == world.puanli.path
    assert "11010519491231010X" not in str(event.changes)


def test_create_outside_own_region_is_forbidden(world):
    with pytest.raises(Forbidden):
        person_create(actor=world.outsider, data=PersonData(name="x", region=world.puanli))
    with pytest.raises(Forbidden):
        person_create(actor=world.sampler, data=PersonData(name="x", region=world.puanli))


def test_home_must_be_a_community(world):
    with pytest.raises(InvalidInput) as err:
        person_create(actor=world.street_coordinator, data=PersonData(name="x", region=world.street))
    assert err.value.field == "region"


def test_duplicate_document_is_a_conflict(world):
    with pytest.raises(Conflict):
        person_create(actor=world.coordinator, data=PersonData(name="x", region=world.puanli, id_number="11010519491231002X"))


def test_search_by_full_id_number_uses_the_hash(world):
    assert list(people_search(world.coordinator, q="11010519491231002x")) == [world.alice]
    assert list(people_search(world.outsider, q="11010519491231002X")) == []
    assert list(people_search(world.coordinator, q="138000")) == [world.alice]


def test_reveal_is_audited_and_refused_to_others(world):
    assert person_reveal_id(actor=world.coordinator, person=world.alice) == "11010519491231002X"
    assert AuditEvent.objects.filter(action="person.reveal_id", kind="read", actor=world.coordinator).count() == 1
    with pytest.raises(Forbidden):
        person_reveal_id(actor=world.member, person=world.alice)


def test_moving_a_person_keeps_counts_right(world):
    person_update(actor=world.street_coordinator, person=world.alice,
                  data=PersonData(name="张秀英", region=world.neighbour, phone="13800000001"))
    world.puanli.refresh_from_db()
    world.neighbour.refresh_from_db()
    world.street.refresh_from_db()
    assert (world.puanli.people_count, world.neighbour.people_count, world.street.people_count) == (0, 2, 2)
    assert Person.objects.get(pk=world.alice.pk).id_masked == "110105***********X"  # number kept when not re-entered
