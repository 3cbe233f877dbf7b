"""The recall list as a spreadsheet: the same people as the page, scoped, audited, linked from the page."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from muster.core.models import AuditEvent
from muster.testing import actions
from muster.testing.audits import Audit
from muster.testing.models import RecallItem
from muster.testing.tests.factories import campaign, people, sample_all, ship

pytestmark = pytest.mark.django_db


def _recall(world):
    c, point = campaign(world, pool_size=5)
    ps = people(world, 10)
    tubes = sample_all(world, point, ps)
    ship(world, point, tubes)
    rows, errors = actions.parse_result_text(f"{tubes[0]} positive 28.5\n{tubes[1]} negative")
    assert not errors
    actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=rows)
    return c, ps, tubes


def _sheet(response):
    return list(load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
                .worksheets[0].iter_rows(values_only=True))


def test_recalls_export_lists_the_recalled_and_is_audited(world, login):
    c, ps, tubes = _recall(world)
    actions.recall_contact(actor=world.coordinator, item=RecallItem.objects.filter(person=ps[0]).get())
    client = login(world.coordinator)
    page = client.get(f"/testing/{c.pk}/recalls/").content.decode()
    assert f'href="/testing/{c.pk}/recalls/export.xlsx"' in page
    r = client.get(f"/testing/{c.pk}/recalls/export.xlsx")
    assert r.status_code == 200
    rows = _sheet(r)
    assert len(rows) == 1 + 5
    names = {row[0] for row in rows[1:]}
    assert names == {p.name for p in ps[:5]}
    assert {row[4] for row in rows[1:]} == {tubes[0]}
    assert sum(1 for row in rows[1:] if row[8] is not None) == 1  # the one contacted has a time
    event = AuditEvent.objects.get(action=Audit.RECALLS_EXPORT)
    assert event.changes["rows"] == 5 and event.actor_id == world.coordinator.pk


def test_recalls_export_is_scoped(world, login):
    c, ps, _tubes = _recall(world)
    rows = _sheet(login(world.outsider).get(f"/testing/{c.pk}/recalls/export.xlsx"))
    assert rows[1:] == []  # the outsider's community holds none of them
    assert login(world.member).get(f"/testing/{c.pk}/recalls/export.xlsx").status_code in (403, 404)
