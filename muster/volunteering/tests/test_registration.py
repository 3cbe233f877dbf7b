import pytest

from muster.accounts.models import Role, User
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent
from muster.core.pii import decrypt
from muster.people.models import Person
from muster.volunteering import actions
from muster.volunteering.audits import Audit
from muster.volunteering.models import Volunteer
from muster.volunteering.tests.helpers import registration, resident_id, volunteer, years_ago


def test_public_registration_records_the_rule_fields_consent_and_an_account(world):
    data = registration(world, age=30, availability="周末")
    v = actions.volunteer_register(actor=None, data=data, password="volunteer-pass-1")
    p = v.person
    assert decrypt(p.id_cipher) == data.id_number and p.id_masked != data.id_number
    assert v.birth_date == years_ago(30) and p.sex == "F" and v.region == world.puanli
    assert v.consent_text == actions.CONSENT_TEXT and v.consent_at is not None and not v.guardian_name
    assert list(p.skills.values_list("code", flat=True)) == ["first_aid"]
    user = User.objects.get(username=data.phone)
    assert user.person == p and user.check_password("volunteer-pass-1")
    assert user.grants.get().role == Role.VOLUNTEER
    assert AuditEvent.objects.filter(action=Audit.VOLUNTEER_REGISTER, object_id=str(v.pk)).exists()


def test_under_fourteen_cannot_register_and_nothing_is_written(world):
    before = Person.objects.count()
    with pytest.raises(InvalidInput) as e:
        actions.volunteer_register(actor=None, data=registration(world, age=13, guardian=True), password="volunteer-pass-1")
    assert e.value.field == "birth_date" and "14" in str(e.value.message)
    assert Person.objects.count() == before and not Volunteer.objects.exists()


@pytest.mark.parametrize("missing", ["guardian_name", "guardian_phone", "guardian_relation", "guardian_consent"])
def test_a_minor_needs_each_part_of_the_guardians_consent(world, missing):
    data = registration(world, age=15, guardian=True, **{missing: False if missing == "guardian_consent" else ""})
    with pytest.raises(InvalidInput) as e:
        actions.volunteer_register(actor=None, data=data, password="volunteer-pass-1")
    assert e.value.field == missing
    assert not Volunteer.objects.exists()


def test_a_minor_with_guardian_consent_is_registered_with_its_time(world):
    v = Volunteer.objects.get(person=volunteer(world, age=16, guardian=True).person)
    assert v.guardian_name == "家长" and v.guardian_relation == "母亲" and v.guardian_consent_at is not None
    assert actions.GUARDIAN_CONSENT_TEXT in v.consent_text


def test_consent_is_required(world):
    with pytest.raises(InvalidInput) as e:
        actions.volunteer_register(actor=None, data=registration(world, consent=False), password="volunteer-pass-1")
    assert e.value.field == "consent"


def test_a_wrong_id_number_is_refused_on_its_field(world):
    data = registration(world)
    data.id_number = data.id_number[:-1] + ("0" if data.id_number[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as e:
        actions.volunteer_register(actor=None, data=data, password="volunteer-pass-1")
    assert e.value.field == "id_number"


def test_a_birth_date_that_contradicts_the_id_number_is_refused(world):
    data = registration(world, age=30)
    data.birth_date = years_ago(31)
    with pytest.raises(InvalidInput) as e:
        actions.volunteer_register(actor=None, data=data, password="volunteer-pass-1")
    assert e.value.field == "birth_date"


def test_registering_twice_is_a_conflict(world):
    data = registration(world)
    actions.volunteer_register(actor=None, data=data, password="volunteer-pass-1")
    data.phone = "13911112222"
    with pytest.raises(Conflict):
        actions.volunteer_register(actor=None, data=data, password="volunteer-pass-1")
    assert Volunteer.objects.count() == 1


def test_a_person_on_file_registers_under_their_own_name_only(world):
    # Alice is in the registry (张秀英, 11010519491231002X); a stranger with her number and another name is refused.
    data = registration(world, name="冒名者", id_number="11010519491231002X")
    with pytest.raises(Conflict):
        actions.volunteer_register(actor=None, data=data, password="volunteer-pass-1")
    # She has an account (member): she registers signed in, for herself; the public page sends her there.
    data = registration(world, name="张秀英", id_number="11010519491231002X", phone="13811112222")
    with pytest.raises(Conflict):
        actions.volunteer_register(actor=None, data=data, password="volunteer-pass-1")
    with pytest.raises(Conflict):
        actions.volunteer_register(actor=world.member, data=registration(world), own=True)
    v = actions.volunteer_register(actor=world.member, data=data, own=True)
    assert v.person == world.alice and world.alice.phone == "13800000001"


def test_a_team_manager_registers_a_volunteer_into_the_team_but_an_outsider_may_not(world):
    team = actions.team_create(actor=world.coordinator, name="蒲安里志愿服务队", region=world.puanli)
    v = actions.volunteer_register(actor=world.coordinator, data=registration(world), team=team)
    assert team.memberships.filter(person=v.person).exists() and v.registered_by == world.coordinator
    assert not User.objects.filter(person=v.person).exists()
    with pytest.raises(Forbidden):
        actions.volunteer_register(actor=world.outsider, data=registration(world), team=team)


def test_a_volunteer_edits_only_their_own_skills_and_availability(world):
    user = volunteer(world)
    v = user.person.volunteer
    actions.volunteer_update(actor=user, volunteer=v, skills=("car", "english"), availability="工作日晚上",
                             categories=("errands",))
    v.refresh_from_db()
    assert v.availability == "工作日晚上" and v.categories == ["errands"]
    assert sorted(v.person.skills.values_list("code", flat=True)) == ["car", "english"]
    other = volunteer(world)
    with pytest.raises(Forbidden):
        actions.volunteer_update(actor=other, volunteer=v, skills=(), availability="", categories=())


def test_public_page_registers_and_signs_in_with_the_phone(client, world):
    born = years_ago(25)
    number = resident_id(born, 77)
    r = client.post("/volunteering/register/", {
        "name": "刘洋", "id_type": "resident", "id_number": number, "district": world.fengtai.code,
        "community": "蒲安里第二", "phone": "13612345678", "categories": ["door_knocking"], "consent": "on",
        "password": "volunteer-pass-1"})
    assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post("/login/", {"username": "13612345678", "password": "volunteer-pass-1"})
    assert r.status_code == 302
    assert "刘洋" in client.get("/volunteering/me/").content.decode()


def test_public_page_names_the_field_for_an_under_fourteen(client, world):
    number = resident_id(years_ago(12), 78)
    r = client.post("/volunteering/register/", {
        "name": "小明", "id_type": "resident", "id_number": number, "district": world.fengtai.code,
        "community": "蒲安里第二社区", "phone": "13612345679", "consent": "on", "password": "volunteer-pass-1"})
    assert r.status_code == 422
    assert "14" in r.content.decode() and not Volunteer.objects.exists()


def test_the_public_registration_page_is_throttled(client, world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.VOLUNTEER_REGISTER_RATE_IP = "2/h"
    statuses = [client.post("/volunteering/register/", {"name": "x"}).status_code for _ in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]
