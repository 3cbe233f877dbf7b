"""No page or API operation shows a neighbouring jurisdiction's objects by id, not even in an error message.

The matrix is generated, not hand-picked: every page route of the URL configuration with an
id in it, and every GET operation of the OpenAPI document with a path parameter, is requested
with the id of each object made in the neighbouring community (a post, a need, a dispatch
run, a quarantine case, the neighbour's checkpoint and resident), as each role that may not
see that community. Each of those objects carries a marker; a marker anywhere in an answer,
whatever its status, is a leak. (tests/test_crawl.py covers what links lead to.)
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

MARK = "邻社区机密"
# Pages that are not the domain's (admin, static, language switch) or serve no object by id.
SKIP = re.compile(r"^(admin/|static/|i18n/|api/|\^static)")
VIEWERS = ["coordinator", "member", "bajiao_coordinator", "site_lead", "lab_tech", "nobody"]


def _neighbour_objects(world) -> tuple[set[int], set[str]]:
    """Objects of the neighbouring community, each marked; their ids and the markers to look for."""
    from muster.geo.models import Site
    from muster.needs import actions as dispatching
    from muster.needs.tests.helpers import post as need_post
    from muster.quarantine import actions as quarantine
    from muster.rosters import actions as rosters

    world.neighbour_gate.name = f"北门值守点{MARK}"
    world.neighbour_gate.save(update_fields=["name"])
    post = rosters.post_create(actor=world.outsider, site=world.neighbour_gate, name=f"北门{MARK}")
    rosters.team_add(actor=world.outsider, post=post, person=world.bob, data=rosters.MemberData())
    # An open need is shown to people nearby on purpose (they may answer it): it carries no marker.
    need = need_post(world, actor=world.outsider, region=world.neighbour, title="北门值守",
                     start=timezone.now() + dt.timedelta(hours=3))
    run = dispatching.dispatch_start(actor=world.outsider, region=world.neighbour, background=True)
    hotel = Site.objects.create(region=world.neighbour, kind=Site.Kind.HOTEL, name=f"隔离点{MARK}")
    today = timezone.localdate()
    case = quarantine.case_open(actor=world.outsider, data=quarantine.CaseData(
        person=world.bob, site=hotel, start=today, planned_end=today + dt.timedelta(days=14), room=MARK[:4]))
    ids = {world.bob.pk, world.neighbour_gate.pk, hotel.pk, post.pk, need.pk, run.pk, case.pk}
    ids |= set(post.team.values_list("pk", flat=True))
    return ids, {MARK, world.bob.name}


def _page_routes() -> list[str]:
    """Every page route with an int parameter, as a Django pattern string."""
    out = []

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<int:" in route and not SKIP.match(route):
                    out.append(route)

    walk(get_resolver())
    return sorted(set(out))


def _api_routes(client) -> list[str]:
    doc = client.get("/api/v1/openapi.json").json()
    return sorted(path for path, item in doc["paths"].items() if "{" in path and "get" in item)


def _fill(route: str, pk: int) -> str:
    """A concrete URL: every id is pk, a date is today, any other word a plausible one."""
    today = timezone.localdate().isoformat()

    def page(m):
        kind, name = m.group(1), m.group(2)
        if kind == "int":
            return str(pk)
        return today if name == "date" else ("accept" if name == "verb" else "x")

    def api(m):
        name = m.group(1).split(":")[-1]
        return today if name == "date" else ("accept" if name == "verb" else str(pk))

    if "<" in route:
        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", page, route)
    return re.sub(r"\{([^}]+)\}", api, route)


def test_the_matrix_is_generated_from_the_routes_and_the_document(client, db):
    pages = _page_routes()
    api = _api_routes(client)
    assert len(pages) > 40 and len(api) > 15
    assert any("quarantine" in r for r in pages) and any("/rosters/posts/{" in r for r in api)


@pytest.mark.parametrize("who", VIEWERS)
def test_no_neighbours_object_is_shown_by_id(world, login, who):
    ids, markers = _neighbour_objects(world)
    client = login(getattr(world, who))
    routes = _page_routes() + _api_routes(client)
    leaks = []
    for route in routes:
        for pk in sorted(ids):
            url = _fill(route, pk)
            r = client.get(url)
            # Streamed answers (large exports, files) are read too: a leak in a CSV is still a leak.
            body = (b"".join(r.streaming_content) if r.streaming else r.content).decode(errors="replace")
            found = [m for m in markers if m in body]
            if found or r.status_code >= 500:
                leaks.append((url, r.status_code, found))
    assert leaks == []
