"""The write side of the leak matrix: nobody changes a neighbouring jurisdiction's objects by id.

Every page route with an id is POSTed to, and every API write operation with a path parameter
is sent, with the id of each object made in the neighbouring community, as each role that may
not see that community. Nothing may be written (no WRITE event on the audit trail by that user,
which every action records in its own transaction), no answer may carry the objects' markers,
and none may be a server error.
"""

from __future__ import annotations

import json

import pytest

from tests.test_leak_matrix import VIEWERS, _fill, _neighbour_objects, _page_routes

UNSAFE = ("post", "put", "patch", "delete")
# An open need is shown to people nearby on purpose, so that they can answer it: answering is the
# one write a member may make on a neighbouring community's object.
MEANT_FOR_NEIGHBOURS = {"report.create"}


def _api_writes(client) -> list[tuple[str, str]]:
    doc = client.get("/api/v1/openapi.json").json()
    return sorted((method, path) for path, item in doc["paths"].items() if "{" in path
                  for method in item if method in UNSAFE)


def test_the_write_matrix_covers_pages_and_api_writes(client, db):
    writes = _api_writes(client)
    assert len(writes) > 15 and any(m == "put" for m, _p in writes) and any(m == "patch" for m, _p in writes)


@pytest.mark.parametrize("who", VIEWERS)
def test_no_neighbours_object_is_changed_by_id(world, login, who):
    from muster.core.models import AuditEvent

    ids, markers = _neighbour_objects(world)
    user = getattr(world, who)
    client = login(user)
    requests = [("post", route) for route in _page_routes()] + _api_writes(client)
    problems = []
    for method, route in requests:
        for pk in sorted(ids):
            url = _fill(route, pk)
            if url.startswith("/api/"):
                r = getattr(client, method)(url, data=json.dumps({}), content_type="application/json")
            else:
                r = client.post(url, data={})
            body = (b"".join(r.streaming_content) if r.streaming else r.content).decode(errors="replace")
            found = [m for m in markers if m in body]
            if found or r.status_code >= 500:
                problems.append((method, url, r.status_code, found))
    written = list(AuditEvent.objects.filter(actor=user, kind=AuditEvent.Kind.WRITE).exclude(action__in=MEANT_FOR_NEIGHBOURS)
                   .values_list("action", "object_repr"))
    assert problems == [] and written == []
