"""The cover grid holds exactly what the text holds: text → grid → text says the same bands; errors name the cell."""

from __future__ import annotations

import datetime as dt

import pytest

from muster.rosters import actions, cover_grid
from muster.rosters.forms import format_cover, parse_cover

pytestmark = pytest.mark.django_db

BOOK = """1-5 06:30-11:30 2 health_code_app:1
6-7 06:30-11:30 3
1-7 11:30-17:30 2
1,3,5 17:30-01:00 1 health_code_app:1
1-7 22:00-06:00 1 patrol
"""


def _key(bands):
    return sorted((b.weekday, b.line, b.start, b.end, b.required, b.skill, b.skill_count) for b in bands)


def _skills():
    from muster.people.models import Skill

    return set(Skill.objects.values_list("code", flat=True))


def test_text_to_grid_to_text_keeps_every_band(world):
    bands = parse_cover(BOOK)
    rows = cover_grid.rows_from_bands(bands)
    assert len(rows) == 4  # three shift bands and the patrol, each with its weekdays as cells
    again, errors = cover_grid.bands_from_rows(cover_grid.rows_from_post(cover_grid.rows_to_post(rows)), _skills())
    assert errors == []
    assert _key(again) == _key(bands)


def test_grid_page_saves_what_the_text_said(world, login, post):
    actions.cover_set(actor=world.coordinator, post=post, bands=parse_cover(BOOK))
    before = format_cover(post)
    client = login(world.coordinator)
    page = client.get(f"/rosters/{post.pk}/cover/").content.decode()
    assert 'name="r0-d1-n" value="2"' in page and 'id="cover-text"' in page
    data = cover_grid.rows_to_post(cover_grid.rows_from_bands(cover_grid.bands_of(post))) | {"save": "1"}
    r = client.post(f"/rosters/{post.pk}/cover/", data)
    assert r.status_code == 302
    assert _key(parse_cover(format_cover(post))) == _key(parse_cover(before)) == _key(parse_cover(BOOK))


def test_grid_edit_changes_one_cell(world, login, post):
    actions.cover_set(actor=world.coordinator, post=post, bands=parse_cover("1-7 08:00-12:00 2"))
    data = cover_grid.rows_to_post(cover_grid.rows_from_bands(cover_grid.bands_of(post)))
    data |= {"r0-d3-n": "4", "r0-d3-skill": "health_code_app", "r0-d3-count": "2", "r0-d7-n": "", "save": "1"}
    assert login(world.coordinator).post(f"/rosters/{post.pk}/cover/", data).status_code == 302
    assert format_cover(post).splitlines() == ["1-2,4-6 08:00-12:00 2", "3 08:00-12:00 4 health_code_app:2"]


def test_grid_adds_and_removes_bands_without_saving(world, login, post):
    client = login(world.coordinator)
    data = cover_grid.rows_to_post(cover_grid.rows_from_bands(cover_grid.bands_of(post)))
    n = int(data["rows"])
    page = client.post(f"/rosters/{post.pk}/cover/", data | {"add": "1"}).content.decode()
    assert f'name="rows" value="{n + 1}"' in page
    page = client.post(f"/rosters/{post.pk}/cover/", data | {"remove": "0"}).content.decode()
    assert f'name="rows" value="{n - 1}"' in page
    assert _key(cover_grid.bands_of(post)) == _key(parse_cover(format_cover(post)))  # nothing saved yet


def test_grid_errors_name_the_weekday_and_band(world, login, post):
    old = format_cover(post)
    data = {"rows": "1", "r0-line": "duty", "r0-start": "08:00", "r0-end": "12:00", "r0-d2-n": "99", "r0-d4-n": "1",
            "r0-d4-skill": "health_code_app", "r0-d4-count": "3", "save": "1"}
    r = login(world.coordinator).post(f"/rosters/{post.pk}/cover/", data)
    assert r.status_code == 422
    page = r.content.decode()
    assert "星期二 08:00–12:00：需要人数须为1到50之间的整数。" in page
    assert "星期四 08:00–12:00：具备技能的人数多于总人数。" in page
    assert format_cover(post) == old


def test_grid_overlaps_are_refused_by_the_action(world, login, post):
    data = {"rows": "2", "r0-line": "duty", "r0-start": "08:00", "r0-end": "12:00", "r0-d1-n": "1",
            "r1-line": "duty", "r1-start": "10:00", "r1-end": "14:00", "r1-d1-n": "1", "save": "1"}
    r = login(world.coordinator).post(f"/rosters/{post.pk}/cover/", data)
    assert r.status_code == 422 and 'id="grid-errors"' in r.content.decode()


def test_cell_rules():
    rows = [cover_grid.Row(line="duty", start="08:00", end="12:00")]
    rows[0].cells[0] = cover_grid.Cell(required="2", count="1")
    rows[0].cells[1] = cover_grid.Cell(required="2", skill="health_code_app")
    bands, errors = cover_grid.bands_from_rows(rows, {"health_code_app"})
    assert len(errors) == 1 and "08:00–12:00" in errors[0]
    assert [(b.weekday, b.skill, b.skill_count) for b in bands] == [(1, "health_code_app", 1)]
    assert cover_grid.bands_from_rows([cover_grid.Row()], set())[1]  # an empty grid says so
    assert cover_grid.bands_from_rows([cover_grid.Row(start="08:00", end="08:00")], set())[1]
    assert dt.time(8) == cover_grid._time("08:00")
