"""Cadre deployment: communities given by name (picked from suggestions) or by code, refused by name when unknown."""

from __future__ import annotations

import pytest

from muster.needs.models import Deployment
from muster.needs.tests.helpers import role_of, soon
from muster.people.models import Organisation

pytestmark = pytest.mark.django_db


def _data(world, communities: str) -> dict:
    bureau = Organisation.objects.create(name="丰台区卫健委", kind="government", region=world.fengtai)
    role_of("gate_duty")
    return {"title": "下沉干部", "total": 4, "communities": communities, "organisations": [bureau.pk], "role": "gate_duty",
            "start": soon().strftime("%Y-%m-%dT%H:%M"), "end": soon(48).strftime("%Y-%m-%dT%H:%M")}


def test_deployment_takes_community_names_and_codes(world, login):
    client = login(world.district_command)
    r = client.post("/needs/deployments/", _data(world, "蒲安里第二社区 (110106007005)\n蒲安里第一社区"))
    assert r.status_code == 302, r.content.decode()[-3000:]
    dep = Deployment.objects.get()
    assert {n.region_id for n in dep.needs.all()} == {world.puanli.pk, world.neighbour.pk}


def test_deployment_names_the_community_it_does_not_know(world, login):
    client = login(world.district_command)
    r = client.post("/needs/deployments/", _data(world, "蒲安里第二社区、八角中里社区"))
    assert r.status_code == 422
    assert "八角中里社区" in r.content.decode()
    assert not Deployment.objects.exists()


def test_deployment_page_offers_a_community_picker(world, login):
    page = login(world.district_command).get("/needs/deployments/").content.decode()
    assert 'data-picker="/regions/pick/?level=community"' in page
    assert 'data-picker-append="id_communities"' in page
