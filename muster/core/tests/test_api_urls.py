"""The API's routes gathered by path segment (core.api.by_prefix) resolve exactly as ninja lists them."""

import re

from django.urls import URLResolver, path, resolve, reverse
from django.urls.resolvers import RoutePattern

from muster.api import api
from muster.core.api import MusterAPI, by_prefix

SAMPLE = {"int": "7", "str": "abc", "slug": "a-b", "path": "a/b", "uuid": "12345678-1234-5678-1234-567812345678"}


def _sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)


def test_every_api_route_resolves_to_the_same_operation_as_before():
    listed, _app, _ns = super(MusterAPI, api).urls  # ninja's own flat list
    flat = URLResolver(RoutePattern(""), listed)
    assert len(listed) > 50
    for p in listed:
        url = _sample(str(p.pattern))
        before = flat.resolve(url)
        after = resolve("/api/v1/" + url)
        assert after.namespace == "api-v1"
        assert (after.url_name, after.kwargs) == (before.url_name, before.kwargs), url
        assert after.route == "api/v1/" + before.route
        assert reverse(f"api-v1:{before.url_name}", kwargs=before.kwargs) == "/api/v1/" + url


def _view(request, **kw):
    return None


def test_order_within_a_segment_is_kept():
    patterns = [path("a/<int:id>", _view, name="a-id"), path("b/c", _view, name="bc"), path("a/new", _view, name="a-new"),
                path("a/<str:slug>", _view, name="a-slug"), path("a", _view, name="a"), path("a/", _view, name="a-slash")]
    grouped = by_prefix(patterns)
    assert [str(p.pattern) for p in grouped] == ["a/", "b/", "a", "a/"]
    r = URLResolver(RoutePattern(""), grouped)
    assert [r.resolve(u).url_name for u in ("a/new", "a/5", "a/zz", "a", "a/", "b/c")] == [
        "a-new", "a-id", "a-slug", "a", "a-slash", "bc"]


def test_a_list_with_a_converter_in_a_first_segment_is_left_as_it_is():
    # "a/y" matches the converter's route, listed before "a/y" itself: gathering "a/…" would change the winner.
    patterns = [path("a/x", _view, name="ax"), path("<str:c>/y", _view, name="any-y"), path("a/y", _view, name="ay")]
    assert by_prefix(patterns) == patterns
    assert URLResolver(RoutePattern(""), by_prefix(patterns)).resolve("a/y").url_name == "any-y"
