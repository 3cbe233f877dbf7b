"""Hours served as a spreadsheet: person, post, date and hours from the check-ins, per post or for all the coordinator's posts."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from muster.core.models import AuditEvent
from muster.rosters import actions
from muster.rosters.audits import Audit
from muster.rosters.models import Assignment, Roster

pytestmark = pytest.mark.django_db


def _books(response):
    book = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]


@pytest.fixture
def served(world, post, team, django_capture_on_commit_callbacks):
    """A published week and two shifts entered as served by the coordinator."""
    with django_capture_on_commit_callbacks(execute=True):
        r = actions.roster_request(actor=world.coordinator, post=post, start=actions.monday_of(timezone.localdate()), weeks=1)
    r.refresh_from_db()
    if r.status != Roster.Status.READY:
        pytest.skip(f"no roster on this machine in time: {r.status} {r.engine_status}")
    actions.roster_publish(actor=world.coordinator, roster=r)
    shifts = list(Assignment.objects.filter(post=post).select_related("person").order_by("starts_at")[:2])
    for a in shifts:
        actions.checkin(actor=world.coordinator, post=post, person=a.person, assignment=a)
    return shifts


def test_hours_export_per_post(world, login, post, served):
    client = login(world.coordinator)
    today = timezone.localdate()
    page = client.get(f"/rosters/{post.pk}/hours/").content.decode()
    assert f'/rosters/{post.pk}/hours/export.xlsx?from=' in page
    days, totals = _books(client.get(f"/rosters/{post.pk}/hours/export.xlsx",
                                     {"from": (today - dt.timedelta(days=1)).isoformat(), "to": today.isoformat()}))
    assert len(days[0]) == 6
    expected = {}
    for a in served:
        expected[a.person.name] = expected.get(a.person.name, 0) + a.minutes / 60
    assert {row[0]: row[5] for row in days[1:]} == pytest.approx(expected)
    assert {row[1] for row in days[1:]} == {post.name} and {row[3].date() for row in days[1:]} == {today}
    assert {row[0]: row[2] for row in totals[1:]} == pytest.approx(expected)
    assert AuditEvent.objects.get(action=Audit.HOURS_EXPORT).changes["filters"]["post"] == post.pk


def test_hours_export_for_all_posts_is_scoped(world, login, post, served):
    days, _totals = _books(login(world.coordinator).get("/rosters/hours/export.xlsx"))
    assert len(days) == 1 + len({a.person_id for a in served})
    days, _totals = _books(login(world.outsider).get("/rosters/hours/export.xlsx"))
    assert days[1:] == []
    assert login(world.outsider).get(f"/rosters/{post.pk}/hours/export.xlsx").status_code in (403, 404)
