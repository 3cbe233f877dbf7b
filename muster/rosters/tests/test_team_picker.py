"""The post's team picker: a name typed (and picked from the list) adds that person; a stranger's name is refused."""

from __future__ import annotations

import pytest

from muster.people.actions import PersonData, person_create

pytestmark = pytest.mark.django_db


def test_team_picker_lists_the_community_and_adds_by_name(world, login, post):
    newcomer = person_create(actor=world.admin, data=PersonData(name="孙立新", region=world.puanli, birth_year=1970))
    client = login(world.coordinator)
    page = client.get(f"/rosters/{post.pk}/team/").content.decode()
    assert f'<option value="孙立新 ({newcomer.pk})">1970</option>' in page
    assert "<select" not in page.split("<datalist", 1)[0].rsplit("<form", 1)[-1]  # a picker, not a long select
    r = client.post(f"/rosters/{post.pk}/team/", {"person": "孙立新"})
    assert r.status_code == 302
    assert post.team.filter(person=newcomer).exists()


def test_team_picker_refuses_someone_outside_the_list(world, login, post):
    client = login(world.coordinator)
    r = client.post(f"/rosters/{post.pk}/team/", {"person": f"李建国 ({world.bob.pk})"})  # lives in the neighbouring community
    assert r.status_code == 422
    assert "李建国" in r.content.decode()
    assert not post.team.filter(person=world.bob).exists()
