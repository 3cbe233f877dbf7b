"""The OpenAPI document lists the refusals each operation can really give, read from its code."""

from muster.core.api import _raises


def _responses(client, path: str, method: str) -> set[str]:
    doc = client.get("/api/v1/openapi.json").json()
    return {str(code) for code in doc["paths"][path][method]["responses"]}


def test_a_scan_documents_refusal_and_conflict(world, login):
    codes = _responses(login(world.coordinator), "/api/v1/testing/points/{point_id}/scan", "post")
    assert {"401", "403", "404", "409", "422"} <= codes


def test_a_read_that_cannot_refuse_or_conflict_does_not_say_it_can(world, login):
    codes = _responses(login(world.coordinator), "/api/v1/me", "get")
    assert "403" not in codes and "409" not in codes and "401" in codes


def _helper_that_conflicts():
    from muster.core.errors import Conflict

    raise Conflict()


def _view_calling_a_helper(request):
    return _helper_that_conflicts()


def test_the_reading_follows_calls():
    assert _raises(_view_calling_a_helper) == {"Conflict"}
    assert _raises(_view_calling_a_helper, depth=0) == set()
