"""Issue 11: a full need reads as full, accepted people hear of a new time, and people live at their building."""

import datetime as dt

from django.utils import translation

from muster.needs import actions
from muster.needs.dispatching import engine_people, suggestions_for
from muster.needs.models import Report
from muster.needs.tests.helpers import post, soon
from muster.notifications.models import Notification


def test_a_need_with_every_place_taken_reads_full(world):
    need = post(world, headcount=1)
    with translation.override("zh-hans"):
        assert need.status_label == "招募中"
    actions.report_create(actor=world.coordinator, need=need, person=world.alice, accept=True)
    need.refresh_from_db()
    assert need.open_places == 0
    with translation.override("zh-hans"):
        assert need.status_label == "已满员"
    with translation.override("en"):
        assert need.status_label == "Full"


def test_accepted_people_are_told_when_the_time_changes(world, django_capture_on_commit_callbacks):
    need = post(world, headcount=2)
    actions.report_create(actor=world.coordinator, need=need, person=world.alice, accept=True)
    before = Notification.objects.filter(person=world.alice).count()
    start = soon(30)
    data = actions.NeedData(role=need.role, region=need.region, start=start, end=start + dt.timedelta(hours=4), headcount=2)
    with django_capture_on_commit_callbacks(execute=True):
        actions.need_update(actor=world.coordinator, need=need, data=data)
    told = Notification.objects.filter(person=world.alice).order_by("-pk")
    assert told.count() > before
    assert "变更" in told.first().subject or "Changed" in told.first().subject
    # a change of the title alone tells nobody
    n = told.count()
    data = actions.NeedData(role=need.role, region=need.region, start=start, end=start + dt.timedelta(hours=4), headcount=2,
                            title="新标题")
    actions.need_update(actor=world.coordinator, need=need, data=data)
    assert Notification.objects.filter(person=world.alice).count() == n
    assert Report.objects.filter(need=need, person=world.alice, status=Report.Status.ACCEPTED).exists()


def test_people_are_placed_at_their_building(world):
    from muster.geo.models import Building, Household
    from muster.people.actions import PersonData, person_create

    near = Building.objects.create(region=world.puanli, name="1号楼", lat=39.8628, lon=116.4203)
    far = Building.objects.create(region=world.puanli, name="9号楼", lat=39.8660, lon=116.4260)
    people = []
    for i, b in enumerate((far, near)):
        h = Household.objects.create(region=world.puanli, building=b, unit="1", room=f"10{i}")
        p = person_create(actor=world.admin, data=PersonData(name=f"安{i}", region=world.puanli, birth_year=1980))
        p.household = h
        p.save(update_fields=["household"])
        people.append(p)
    got = {e.id: (e.lat, e.lon) for e in engine_people([p.pk for p in people], horizon=(soon(), soon(5)))}
    assert got[f"p{people[0].pk}"] == (far.lat, far.lon) and got[f"p{people[1].pk}"] == (near.lat, near.lon)
    need = post(world, site=world.gate, headcount=3)
    ranked = [s for s in suggestions_for(world.coordinator, need) if s.person.pk in {p.pk for p in people}]
    # the neighbour of the gate comes first, whatever their names, and the distances differ
    assert [s.person.pk for s in ranked] == [people[1].pk, people[0].pk]
    assert ranked[0].metres < ranked[1].metres
