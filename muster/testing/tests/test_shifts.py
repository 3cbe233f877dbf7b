"""A collection point's staff roll: the lead records who served there from when to when, and each shift lands once
in the one hours ledger (also when the same hours came through another path)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent
from muster.needs import actions as needs_actions
from muster.needs.models import Report
from muster.needs.tests.helpers import post as need_post
from muster.testing import actions, selectors
from muster.testing.audits import Audit
from muster.testing.models import Shift
from muster.testing.tests.factories import campaign, people, sample_all
from muster.volunteering import actions as vol_actions
from muster.volunteering import ledger
from muster.volunteering.models import ServiceRecord

pytestmark = pytest.mark.django_db


def _now():
    return timezone.now().replace(second=0, microsecond=0)


@pytest.fixture
def roll(world):
    """A point with alice (world.member's person) as its lead and a sampler without an account."""
    _c, point = campaign(world)
    actions.team_add(actor=world.admin, point=point, person=world.alice, role="lead")
    [sampler] = people(world, 1, start=500)
    actions.team_add(actor=world.admin, point=point, person=sampler, role="sampler")
    return point, sampler


def test_the_lead_records_a_finished_shift_and_it_lands_once_in_the_ledger(world, roll):
    point, sampler = roll
    end = _now() - dt.timedelta(minutes=5)
    start = end - dt.timedelta(minutes=45)
    shift = actions.shift_record(actor=world.member, point=point, person=sampler, starts_at=start, ends_at=end)
    assert (shift.role, shift.recorded_by) == ("sampler", world.member)
    assert AuditEvent.objects.filter(action=Audit.SHIFT_RECORD).count() == 1
    # A retried submission finds the same shift.
    assert actions.shift_record(actor=world.member, point=point, person=sampler, starts_at=start, ends_at=end).pk == shift.pk
    assert Shift.objects.count() == 1
    assert "testing" in ledger.sources()
    assert vol_actions.service_records_collect(since=start - dt.timedelta(days=1), until=_now()) == 1
    assert vol_actions.service_records_collect(since=start - dt.timedelta(days=1), until=_now()) == 0
    r = ServiceRecord.objects.get(person=sampler)
    assert (r.hours, r.origin, r.source_key, r.place, r.recorded_by, r.organiser) == (
        Decimal("0.75"), "testing", f"testing.shift:{shift.pk}", world.collection.name, world.member,
        point.campaign.region.name)


def test_the_same_hours_through_a_need_check_in_count_once(world, roll):
    point, _sampler = roll
    end = _now() - dt.timedelta(minutes=5)
    start = end - dt.timedelta(hours=1)
    actions.shift_record(actor=world.member, point=point, person=world.alice, starts_at=start, ends_at=end)
    # alice also checked in on a community need ("order at the sampling site") over the same hour.
    need = need_post(world, role="sampling_order", start=_now() + dt.timedelta(hours=1), hours=2)
    r = needs_actions.report_create(actor=world.coordinator, need=need, person=world.alice, accept=True)
    Report.objects.filter(pk=r.pk).update(status=Report.Status.COMPLETED, checked_in_at=start + dt.timedelta(minutes=10),
                                          checked_out_at=end, hours=Decimal("0.83"))
    made = vol_actions.service_records_collect(since=start - dt.timedelta(days=1), until=_now() + dt.timedelta(days=1))
    assert made == 1
    assert ServiceRecord.objects.filter(person=world.alice).count() == 1


def test_bad_shifts_are_refused_and_change_nothing(world, roll):
    point, sampler = roll
    end = _now() - dt.timedelta(minutes=5)
    start = end - dt.timedelta(minutes=40)
    [stranger] = people(world, 1, start=600)
    with pytest.raises(InvalidInput) as e:  # not on the team
        actions.shift_record(actor=world.member, point=point, person=stranger, starts_at=start, ends_at=end)
    assert e.value.field == "person"
    with pytest.raises(InvalidInput) as e:  # not over yet
        actions.shift_record(actor=world.member, point=point, person=sampler, starts_at=start, ends_at=_now() + dt.timedelta(hours=1))
    assert e.value.field == "ends_at"
    with pytest.raises(InvalidInput):  # backwards
        actions.shift_record(actor=world.member, point=point, person=sampler, starts_at=end, ends_at=start)
    with pytest.raises(InvalidInput) as e:  # before the campaign
        actions.shift_record(actor=world.member, point=point, person=sampler, starts_at=start - dt.timedelta(days=2),
                             ends_at=end - dt.timedelta(days=2))
    assert e.value.field == "starts_at"
    with pytest.raises(Forbidden):  # a sampler does not keep the roll, nor does a neighbouring coordinator
        actions.shift_record(actor=world.sampler, point=point, person=sampler, starts_at=start, ends_at=end)
    with pytest.raises(Forbidden):
        actions.shift_record(actor=world.outsider, point=point, person=sampler, starts_at=start, ends_at=end)
    actions.shift_record(actor=world.member, point=point, person=sampler, starts_at=start, ends_at=end)
    with pytest.raises(Conflict):  # overlapping the first
        actions.shift_record(actor=world.member, point=point, person=sampler, starts_at=start + dt.timedelta(minutes=10),
                             ends_at=end + dt.timedelta(minutes=1))
    assert Shift.objects.count() == 1


def test_the_roll_page_records_and_shows_desk_scans_as_a_hint(client, world, roll):
    point, sampler = roll
    # The clerk account of the world scans at the desk: its person is not on the team, so no hint for it.
    sample_all(world, point, people(world, 3, start=800))
    client.force_login(world.member)
    page = client.get(reverse("testing:roll", args=[point.pk]))
    assert page.status_code == 200
    end = timezone.localtime(_now() - dt.timedelta(minutes=5))
    r = client.post(reverse("testing:roll", args=[point.pk]), {
        "person": sampler.pk, "starts_at": (end - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code == 302
    assert Shift.objects.get().person == sampler
    bad = client.post(reverse("testing:roll", args=[point.pk]), {
        "person": sampler.pk, "starts_at": end.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (end - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")})
    assert bad.status_code == 422 and Shift.objects.count() == 1
    client.force_login(world.outsider)
    assert client.get(reverse("testing:roll", args=[point.pk])).status_code == 404


def test_desk_spans_are_each_account_s_first_and_last_scan(world, roll):
    point, sampler = roll
    world.clerk.person = sampler  # the team member's own account works the desk here
    world.clerk.save(update_fields=["person"])
    sample_all(world, point, people(world, 3, start=900))
    spans = selectors.desk_spans(point, timezone.localdate())
    first, last, n = spans[sampler.pk]
    assert n == 3 and first <= last
