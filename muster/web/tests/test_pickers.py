"""Searchable pickers: region fields take a name or a code, the suggestions stay in the user's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from muster.geo.models import Region
from muster.web.widgets import PickField, RegionCodeField, split_region_list

pytestmark = pytest.mark.django_db


class _RegionForm(forms.Form):
    region = RegionCodeField(level="community", label="Region")


def _picker(form, name: str) -> Any:
    """The form's picker field (typed loosely: forms type their fields as plain Field)."""
    return form.fields[name]


def _form(data, queryset):
    form = _RegionForm(data)
    _picker(form, "region").queryset = queryset
    return form


def test_region_field_takes_a_picked_entry_a_code_or_a_name(world):
    qs = Region.objects.filter(pk__in=[world.puanli.pk, world.neighbour.pk])
    for typed in ("蒲安里第二社区 (110106007005)", "110106007005", "蒲安里第二社区", " 蒲安里第二社区（110106007005） "):
        form = _form({"region": typed}, qs)
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["region"] == "110106007005"


def test_region_field_names_what_matched_nothing(world):
    form = _form({"region": "不存在的社区"}, Region.objects.all())
    assert not form.is_valid()
    assert "不存在的社区" in str(form.errors["region"])


def test_region_field_refuses_a_name_held_by_two_regions(world):
    Region.objects.filter(pk=world.neighbour.pk).update(name=world.puanli.name)
    form = _form({"region": world.puanli.name}, Region.objects.all())
    assert not form.is_valid()
    assert form.errors.as_data()["region"][0].code == "ambiguous"


def test_region_field_shows_a_code_as_name_and_code(world):
    form = _RegionForm(initial={"region": "110106007005"})
    _picker(form, "region").queryset = Region.objects.all()
    html = str(form["region"])
    assert 'value="蒲安里第二社区 (110106007005)"' in html
    assert 'data-picker="/regions/pick/?level=community"' in html
    assert "<datalist" in html


def test_inline_pick_field_lists_its_choices_and_picks_by_name(world):
    class F(forms.Form):
        community = PickField(queryset=Region.objects.none(), key="code", inline=True, describe=lambda r: r.parent.name)

    form = F({"community": "八角中里社区"})
    _picker(form, "community").queryset = Region.objects.filter(level=Region.Level.COMMUNITY).select_related("parent")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["community"] == world.bajiao
    html = str(form["community"])
    assert '<option value="八角中里社区 (110107003009)">八角街道</option>' in html
    other = F({"community": "八角中里社区"})
    _picker(other, "community").queryset = Region.objects.filter(pk=world.puanli.pk)
    assert not other.is_valid()


def test_region_list_splits_codes_and_names():
    assert split_region_list("蒲安里第二社区 (110106007005)\n八角中里社区、110106007004") == (
        ["110106007005", "110106007004"], ["八角中里社区"])


def test_suggestions_stay_in_the_users_scope(world, login):
    client = login(world.coordinator)
    items = client.get("/regions/pick/", {"q": "蒲安里"}).json()["items"]
    assert [i["value"] for i in items] == ["蒲安里第二社区 (110106007005)"]
    client = login(world.street_coordinator)
    values = [i["value"] for i in client.get("/regions/pick/", {"q": "蒲安里", "level": "community"}).json()["items"]]
    assert sorted(values) == ["蒲安里第一社区 (110106007004)", "蒲安里第二社区 (110106007005)"]
    assert client.get("/regions/pick/", {"q": "1101070"}).json()["items"] == []


def test_people_form_takes_a_community_name(world, login):
    client = login(world.coordinator)
    r = client.post("/people/new/", {"name": "赵六", "region_code": "蒲安里第二社区", "id_type": "resident", "sex": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post("/people/new/", {"name": "赵七", "region_code": "八角中里社区", "id_type": "resident"})
    assert r.status_code == 422
    assert "八角中里社区" in r.content.decode()
