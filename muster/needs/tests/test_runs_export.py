"""Dispatch runs as a spreadsheet: each run and its proposal lines, scoped to the dispatcher's region, audited."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from muster.core.models import AuditEvent
from muster.needs import actions
from muster.needs.audits import Audit
from muster.needs.tests.helpers import post
from muster.people.actions import PersonData, person_create

pytestmark = pytest.mark.django_db


def _books(response):
    book = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]


def _run(world):
    for i in range(3):
        person_create(actor=world.admin, data=PersonData(name=f"志愿者{i}", region=world.puanli))
    post(world, headcount=2, site=world.gate, region=None)
    return actions.dispatch_start(actor=world.coordinator, region=world.puanli)


def test_runs_export_has_each_run_and_its_lines(world, login):
    run = _run(world)
    client = login(world.coordinator)
    assert 'href="/needs/dispatch/export.xlsx"' in client.get("/needs/dispatch/").content.decode()
    runs, lines = _books(client.get("/needs/dispatch/export.xlsx"))
    assert [r[0] for r in runs[1:]] == [run.pk]
    assert runs[1][2] == world.puanli.name and runs[1][10] == run.filled == 2
    assert len(lines) == 1 + 2 and {ln[0] for ln in lines[1:]} == {run.pk}
    assert sorted(ln[4] for ln in lines[1:]) == sorted(ln.person.name for ln in run.lines.select_related("person"))
    assert AuditEvent.objects.get(action=Audit.RUNS_EXPORT).changes["rows"] == 1


def test_runs_export_is_scoped(world, login):
    _run(world)
    runs, lines = _books(login(world.bajiao_coordinator).get("/needs/dispatch/export.xlsx"))
    assert runs[1:] == [] and lines[1:] == []
    assert login(world.member).get("/needs/dispatch/export.xlsx").status_code in (302, 403)
