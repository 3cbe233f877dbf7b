import datetime as dt

import pytest

from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.models import AuditEvent
from muster.needs import actions
from muster.needs.models import Need, NeedRole, Report
from muster.needs.tests.helpers import post, soon


def test_catalogue_is_seeded(db):
    codes = set(NeedRole.objects.values_list("code", flat=True))
    assert {"gate_duty", "publicity", "cleaning", "persuasion", "errands", "contact_screening", "door_knocking",
            "sampling_order", "kit_preparation", "data_entry"} <= codes


def test_post_need_at_site_audited(world):
    need = post(world, site=world.gate, region=None, skills=("health_code_app",), affiliation_kinds=("party_branch",),
                urgency="high", notes="带好袖标")
    assert need.region == world.puanli and need.headcount == 2 and need.status == Need.Status.OPEN
    assert len(need.checkin_code) == 6 and [s.code for s in need.skills.all()] == ["health_code_app"]
    ev = AuditEvent.objects.get(action="need.post")
    assert ev.region_path == world.puanli.path and ev.changes["headcount"] == 2


def test_street_coordinator_posts_in_any_community_of_the_street(world):
    assert post(world, actor=world.street_coordinator, region=world.neighbour).region == world.neighbour


@pytest.mark.parametrize("kw, field", [
    ({"headcount": 0}, "headcount"),
    ({"headcount": -3}, "headcount"),
    ({"hours": -1}, "end"),
    ({"hours": 0}, "end"),
    ({"hours": 30}, "end"),
    ({"start": soon(-10)}, "end"),
    ({"skills": ("flying",)}, "skills"),
    ({"affiliation_kinds": ("club",)}, "affiliation_kinds"),
    ({"urgency": "panic"}, "urgency"),
    ({"region": "street"}, "region"),
])
def test_bad_need_input_changes_nothing(world, kw, field):
    if kw.get("region") == "street":
        kw["region"] = world.street
    with pytest.raises(InvalidInput) as e:
        post(world, **kw)
    assert e.value.field == field
    assert not Need.objects.exists() and not AuditEvent.objects.filter(action="need.post").exists()


def test_need_outside_posters_region_refused(world):
    with pytest.raises(Forbidden):
        post(world, actor=world.outsider)
    with pytest.raises(Forbidden):
        post(world, actor=world.coordinator, site=world.neighbour_gate, region=None)
    with pytest.raises(Forbidden):
        post(world, actor=world.member)
    assert not Need.objects.exists()


def test_recurring_need_makes_a_series(world):
    need = post(world, recurrence="daily", occurrences=5)
    series = Need.objects.filter(series=need.series).order_by("start")
    assert series.count() == 5
    assert series[4].start - series[0].start == dt.timedelta(days=4)
    assert len({n.checkin_code for n in series}) == 5


def test_edit_pause_resume_cancel_close_audited(world, django_capture_on_commit_callbacks):
    need = post(world, headcount=3)
    data = actions.NeedData(role=need.role, region=world.puanli, start=need.start, end=need.end, headcount=5,
                            title="南门白班", skills=("health_code_app",))
    actions.need_update(actor=world.coordinator, need=need, data=data)
    ev = AuditEvent.objects.get(action="need.update")
    assert ev.changes["headcount"] == [3, 5] and ev.changes["skills"] == [[], ["health_code_app"]]
    actions.need_set_status(actor=world.coordinator, need=need, verb="pause")
    with pytest.raises(Conflict):
        actions.need_set_status(actor=world.coordinator, need=need, verb="pause")
    actions.need_set_status(actor=world.coordinator, need=need, verb="resume")
    with pytest.raises(NotFound):
        actions.need_set_status(actor=world.outsider, need=need, verb="close")
    with pytest.raises(InvalidInput):
        actions.need_set_status(actor=world.coordinator, need=need, verb="cancel")
    report = actions.report_create(actor=world.member, need=need)
    actions.report_accept(actor=world.coordinator, report=report)
    with django_capture_on_commit_callbacks(execute=True):
        actions.need_set_status(actor=world.coordinator, need=need, verb="cancel", reason="改由物业值守")
    report.refresh_from_db()
    need.refresh_from_db()
    assert report.status == Report.Status.WITHDRAWN and need.accepted_count == 0 and need.status == "cancelled"
    assert world.alice.notifications.filter(event="need.cancel").exists()
    assert list(AuditEvent.objects.filter(object_type="needs.need").values_list("action", flat=True).order_by("id")) == [
        "need.post", "need.update", "need.pause", "need.resume", "need.cancel"]


def test_cannot_lower_headcount_below_accepted(world):
    need = post(world, headcount=1)
    actions.report_accept(actor=world.coordinator, report=actions.report_create(actor=world.member, need=need))
    need.refresh_from_db()
    data = actions.NeedData(role=need.role, region=world.puanli, start=need.start, end=need.end, headcount=1)
    actions.need_update(actor=world.coordinator, need=need, data=data)  # unchanged is fine
    need.headcount = 1
    with pytest.raises(InvalidInput):
        data.headcount = 0
        actions.need_update(actor=world.coordinator, need=need, data=data)
