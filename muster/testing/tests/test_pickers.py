"""Testing's pickers: the public community list on pre-registration and the unsampled list's region filter."""

from __future__ import annotations

import pytest
from django.test import Client

from muster.testing.models import Registration
from muster.testing.tests.factories import campaign, resident_id

pytestmark = pytest.mark.django_db


def test_preregistration_lists_communities_to_type_and_pick(world):
    c, _point = campaign(world)
    page = Client().get(f"/testing/c/{c.pk}/register/").content.decode()
    assert '<option value="蒲安里第二社区 (110106007005)">东铁匠营街道</option>' in page
    assert 'list="id_community-options"' in page and "<select name=\"community\"" not in page


def test_preregistration_takes_a_community_by_name(world):
    c, _point = campaign(world)
    r = Client().post(f"/testing/c/{c.pk}/register/", {"name": "新来的", "id_type": "resident", "id_number": resident_id(901),
                                                        "phone": "13900000009", "community": "蒲安里第一社区"})
    assert r.status_code == 200 and 'id="sent"' in r.content.decode()
    assert Registration.objects.filter(person__region=world.neighbour).exists()


def test_preregistration_says_when_a_community_is_unknown(world):
    c, _point = campaign(world)
    r = Client().post(f"/testing/c/{c.pk}/register/", {"name": "新来的", "id_type": "resident", "id_number": resident_id(901),
                                                        "phone": "13900000009", "community": "八角中里社区"})
    assert 'id="sent"' not in r.content.decode()
    assert "八角中里社区" in r.content.decode()


def test_unsampled_filters_by_a_region_name(world, login):
    c, _point = campaign(world)
    client = login(world.street_coordinator)
    page = client.get(f"/testing/{c.pk}/unsampled/", {"region": "蒲安里第二社区"}).content.decode()
    assert "蒲安里第二社区" in page and "张秀英" in page
    page = client.get(f"/testing/{c.pk}/unsampled/", {"region": "无此社区"}).content.decode()
    assert "无此社区" in page and "errorlist" in page
