"""Every page and API endpoint that shows people, sites or regions, asked by the neighbour."""

import pytest
from django.urls import reverse


@pytest.fixture
def endpoints(world):
    return [
        reverse("people:detail", args=[world.alice.pk]),
        reverse("people:edit", args=[world.alice.pk]),
        reverse("geo:region", args=[world.puanli.code]),
        reverse("geo:site", args=[world.gate.pk]),
        f"/api/v1/people/{world.alice.pk}",
        f"/api/v1/regions/{world.puanli.code}",
        f"/api/v1/regions/{world.puanli.code}/children",
        f"/api/v1/sites/{world.gate.pk}",
    ]


def test_coordinator_opens_every_detail(world, login, endpoints):
    client = login(world.coordinator)
    for url in endpoints:
        assert client.get(url).status_code == 200, url


def test_neighbour_gets_not_found_for_every_detail(world, login, endpoints):
    client = login(world.outsider)
    for url in endpoints:
        assert client.get(url).status_code == 404, url


def test_lists_never_leak_the_neighbour(world, login):
    client = login(world.outsider)
    page = client.get(reverse("people:directory")).content.decode()
    assert world.bob.name in page and world.alice.name not in page
    api = client.get("/api/v1/people").json()
    assert [p["name"] for p in api["items"]] == [world.bob.name]
    assert [s["name"] for s in client.get("/api/v1/sites").json()["items"]] == [world.neighbour_gate.name]
    assert world.puanli.code not in client.get("/api/v1/regions").content.decode()
    assert world.alice.name not in client.get(reverse("geo:sites")).content.decode()
    xlsx = client.get(reverse("people:export"))
    assert xlsx.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [world.bob.name]


def test_audit_trail_is_scoped(world, login):
    client = login(world.outsider)
    body = client.get("/api/v1/audit").json()
    assert all(world.alice.name not in e["object"] for e in body["items"])
    assert any(world.bob.name == e["object"] for e in body["items"])


@pytest.mark.parametrize("who", ["sampler", "lab_tech", "member", "nobody"])
def test_roles_without_directory_are_refused(world, login, who):
    client = login(getattr(world, who))
    assert client.get(reverse("people:directory")).status_code == 403
    assert client.get(reverse("people:export")).status_code == 403
    # The list answers, scoped: a member sees their own record only, the other roles nobody.
    r = client.get("/api/v1/people")
    assert r.status_code == 200
    assert [p["id"] for p in r.json()["items"]] == ([world.alice.pk] if who == "member" else [])


def test_anonymous_is_sent_to_login_and_api_says_401(client, world):
    assert client.get(reverse("people:directory")).status_code == 302
    r = client.get("/api/v1/people")
    assert r.status_code == 401 and r.json()["type"] == "unauthenticated"
