import pytest

from muster.canvass import actions
from muster.canvass.models import Door, Finding, Visit, WalkList
from muster.canvass.tests.helpers import campaign, visit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent


def test_campaign_takes_every_household_and_cuts_balanced_lists(world):
    c, wls, _ = campaign(world, lists=2, buildings=2, units=2, rooms=3)
    assert Door.objects.filter(campaign=c).count() == 12
    assert sorted(wl.doors.count() for wl in wls) == [6, 6]
    assert {d.building_id for d in wls[0].doors.all()}.isdisjoint({d.building_id for d in wls[1].doors.all()})
    assert AuditEvent.objects.filter(action="canvass_campaign.create").exists()


def test_outsider_cannot_set_up_a_campaign_in_puanli(world):
    import datetime as dt

    from django.utils import timezone

    with pytest.raises(Forbidden):
        actions.campaign_create(actor=world.outsider, name="x", region=world.puanli, purpose_text="p", template="market",
                                starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(days=1))


def test_move_building_between_lists(world):
    c, wls, _ = campaign(world, lists=2)
    b = wls[0].doors.first().building
    n = actions.building_move(actor=world.coordinator, campaign=c, building=b, to_list=wls[1])
    assert n == 6 and wls[1].doors.count() == 12 and wls[0].doors.count() == 0


def test_visit_completed_with_answers_makes_findings_that_act(world):
    c, wls, (v0, _v1) = campaign(world)
    door = wls[0].doors.order_by("pk").first()
    vis, created = visit(v0, door, people=[{"name": "赵大爷", "answers": {"market": True, "needs": ["elderly_alone"]}}])
    assert created and vis.state == Visit.State.ACCEPTED
    door.refresh_from_db()
    assert door.status == Door.Status.COMPLETED and door.completed_by == v0
    labels = set(Finding.objects.filter(campaign=c).values_list("rule", flat=True))
    assert labels == {"market", "elderly_alone"}
    need = Finding.objects.get(rule="elderly_alone")
    f = actions.finding_act(actor=world.coordinator, finding=need, act=actions.FindingAct(action="need"))
    assert f.action == "need" and f.action_ref.startswith("need:") and f.acted_by == world.coordinator
    with pytest.raises(Conflict):
        actions.finding_act(actor=world.coordinator, finding=need, act=actions.FindingAct(action="dismissed"))
    market = Finding.objects.get(rule="market")
    with pytest.raises(InvalidInput):  # not in the registry: cannot be flagged by ID
        actions.finding_act(actor=world.coordinator, finding=market, act=actions.FindingAct(action="sampling"))
    with pytest.raises(Forbidden):
        actions.finding_act(actor=world.outsider, finding=market, act=actions.FindingAct(action="dismissed"))


def test_registered_resident_flagged_for_single_tube(world):
    from muster.testing.models import SingleTubeFlag

    c, wls, (v0, _v1) = campaign(world)
    door = wls[0].doors.order_by("pk").first()
    world.alice.household_id = door.household_id
    world.alice.save(update_fields=["household"])
    visit(v0, door, people=[{"person_id": world.alice.pk, "answers": {"market": True}}])
    f = Finding.objects.get(rule="market")
    actions.finding_act(actor=world.coordinator, finding=f, act=actions.FindingAct(action="sampling"))
    assert SingleTubeFlag.objects.filter(person=world.alice, active=True).exists()


def test_same_key_twice_is_one_visit(world):
    c, wls, (v0, _v1) = campaign(world)
    door = wls[0].doors.first()
    a, created_a = visit(v0, door, result="not_home", key="k-1")
    b, created_b = visit(v0, door, result="not_home", key="k-1")
    assert a.pk == b.pk and created_a and not created_b
    assert Visit.objects.count() == 1
    door.refresh_from_db()
    assert door.rounds == 1


def test_key_of_someone_else_is_refused(world):
    c, wls, (v0, v1) = campaign(world)
    visit(v0, wls[0].doors.first(), key="shared")
    with pytest.raises(InvalidInput):
        visit(v1, wls[1].doors.first(), key="shared")


def test_visit_outside_the_visitors_lists_is_refused(world):
    c, wls, (v0, _v1) = campaign(world)
    with pytest.raises(Forbidden):
        visit(v0, wls[1].doors.first())
    with pytest.raises(Forbidden):
        visit(world.coordinator, wls[1].doors.first())


def test_second_visit_to_a_door_completed_by_someone_else_is_a_conflict(world):
    c, wls, (v0, v1) = campaign(world)
    door = wls[0].doors.first()
    visit(v0, door)
    # The leader moved the building to the other list after v0 had been there.
    actions.building_move(actor=world.coordinator, campaign=c, building=door.building, to_list=wls[1])
    second, _ = visit(v1, door, result="refused")
    assert second.state == Visit.State.CONFLICT
    door.refresh_from_db()
    assert door.status == Door.Status.COMPLETED and door.completed_by == v0  # not merged
    actions.conflict_resolve(actor=world.coordinator, visit=second, accept=True)
    door.refresh_from_db()
    assert door.status == Door.Status.REFUSED
    with pytest.raises(Conflict):
        actions.conflict_resolve(actor=world.coordinator, visit=second, accept=False)


def test_not_at_home_three_rounds_then_door_notice(world):
    c, wls, (v0, _v1) = campaign(world)
    door = wls[0].doors.first()
    for _i in range(3):
        visit(v0, door, result="not_home")
        door.refresh_from_db()
    assert door.status == Door.Status.NOTICE and door.rounds == 3


@pytest.mark.parametrize("people,field", [
    ([{"name": "x", "answers": {"market": "yes"}}], "people.0.answers.market"),
    ([{"name": "x", "answers": {"nonsense": 1}}], "people.0.answers.nonsense"),
    ([{"name": "x", "answers": {"last_test": "2020-13-40"}}], "people.0.answers.last_test"),
    ([{"name": "x", "answers": {"needs": ["caviar"]}}], "people.0.answers.needs"),
    ([{"name": "", "answers": {}}], "people.0.name"),
    ([{"person_id": 999999, "answers": {}}], "people.0.person_id"),
])
def test_answers_that_do_not_fit_the_form_are_refused_with_the_field(world, people, field):
    c, wls, (v0, _v1) = campaign(world)
    with pytest.raises(InvalidInput) as e:
        visit(v0, wls[0].doors.first(), people=people)
    assert e.value.field == field
    assert Visit.objects.count() == 0


def test_household_missing_from_the_registry_is_added_at_the_door(world):
    c, wls, (v0, _v1) = campaign(world)
    b = wls[0].doors.first().building
    door = actions.door_add(actor=v0, walk_list=wls[0], building=b, unit="1", room="999")
    assert door.added_at_door and door.walk_list == wls[0]
    visit(v0, door)
    with pytest.raises(Conflict):
        actions.door_add(actor=v0, walk_list=wls[0], building=b, unit="1", room="999")


def test_recut_refused_once_visits_exist(world):
    c, wls, (v0, _v1) = campaign(world)
    visit(v0, wls[0].doors.first())
    with pytest.raises(Conflict):
        actions.lists_cut(actor=world.coordinator, campaign=c, lists=3)
    assert WalkList.objects.filter(campaign=c).count() == 2


def test_tally_follows_every_change_of_a_door(world):
    from django.db.models import Count, Sum

    from muster.canvass import selectors
    from muster.canvass.models import Tally

    c, wls, (v0, v1) = campaign(world)
    doors = list(wls[0].doors.order_by("pk"))
    visit(v0, doors[0])
    visit(v0, doors[1], result="not_home")
    visit(v0, doors[1], result="vacant")
    actions.building_move(actor=world.coordinator, campaign=c, building=doors[0].building, to_list=wls[1])
    conflict, _ = visit(v1, doors[0], result="refused")
    actions.conflict_resolve(actor=world.coordinator, visit=conflict, accept=True)
    actions.door_add(actor=v1, walk_list=wls[1], building=doors[0].building, unit="1", room="888")
    expected = dict(Door.objects.filter(campaign=c).values_list("status").annotate(n=Count("id")).order_by())
    tally = {st: n for st, n in Tally.objects.filter(campaign=c).values_list("status").annotate(n=Sum("n")).order_by() if n}
    assert tally == expected
    row = selectors.coverage(c, "region")[0]
    assert row["total"] == 13 and row["visited"] == 2 and row["vacant"] == 1 and row["refused"] == 1


@pytest.mark.parametrize("gone", ["deleted", "inactive"])
def test_raising_a_need_without_the_errands_role_says_what_is_missing_and_what_to_do(world, gone):
    from django.utils import translation

    from muster.needs.models import NeedRole

    c, wls, (v0, _v1) = campaign(world)
    visit(v0, wls[0].doors.order_by("pk").first(), people=[{"name": "赵大爷", "answers": {"needs": ["elderly_alone"]}}])
    finding = Finding.objects.get(rule="elderly_alone")
    role = NeedRole.objects.filter(code="errands")
    role.delete() if gone == "deleted" else role.update(active=False)
    said = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang), pytest.raises(InvalidInput) as e:
            actions.finding_act(actor=world.coordinator, finding=finding, act=actions.FindingAct(action="need"))
        assert e.value.code == "need_role_missing" and e.value.field == "role"
        said[lang] = str(e.value.message)
    assert "岗位目录中没有启用的“errands”（代购跑腿）岗位" in said["zh-hans"] and "系统管理员" in said["zh-hans"]
    assert 'no active role "errands"' in said["en"] and "Ask a system administrator" in said["en"]
    finding.refresh_from_db()
    assert finding.action == ""  # nothing was done: the leader can act again once the role is back
