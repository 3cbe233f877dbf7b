"""JSON problems for the endpoints that machines and queueing field clients call.

A client that keeps an offline queue (the registration desk, the API) must be able to tell
"this item was refused" from "the server could not answer": a login page, Django's HTML
error page or a CSRF page answered with 200 or an HTML 500 look alike to it and used to
make it drop swabs. So every answer on those paths is JSON with a status that means what it
says (GUIDE §4 convention 12): 401 when the session is gone, 403 for a stale CSRF token,
503 with Retry-After while the database is away, a problem for any other failure.
"""

from __future__ import annotations

from functools import lru_cache, wraps

from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# Seconds a client should wait before resending while the database is unreachable.
RETRY_AFTER_SECONDS = 10


def json_endpoint(view):
    """Mark a (non-API) view as called by machines: its failures answer JSON problems."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    # Through __dict__: a function's attributes are untyped, and this marker is read back with getattr.
    wrapper.__dict__["json_endpoint"] = True
    return wrapper


@lru_cache(maxsize=2048)
def is_json_path(path: str) -> bool:
    """Whether failures on this path must answer JSON: the API, and views marked json_endpoint.

    Decided from the path alone, so it also holds before the view runs (a session that cannot
    be loaded fails in middleware, before any view is chosen).
    """
    if path.startswith("/api/"):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return bool(getattr(match.func, "json_endpoint", False))


def problem(status: int, type_: str, title, **extra) -> JsonResponse:
    """A problem body shaped like the API's (core.api): type, title, status."""
    body = {"type": type_, "title": str(title), "status": status}
    body.update({k: v for k, v in extra.items() if v})
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unauthenticated() -> JsonResponse:
    return problem(401, "unauthenticated", _("Your session has ended: sign in again."))


def csrf_failed() -> JsonResponse:
    return problem(403, "csrf", _("The security token is out of date: reload the page or sign in again."))


def unavailable() -> JsonResponse:
    return problem(503, "unavailable", _("The server cannot reach its database just now: try again shortly."))


def for_status(status: int) -> JsonResponse:
    """The problem for a status that some layer answered with a page."""
    if status == 401:
        return unauthenticated()
    if status == 503:
        return unavailable()
    known = {
        400: ("bad_request", _("The request could not be understood.")),
        403: ("forbidden", _("You do not have permission to do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        413: ("too_large", _("The request is too large.")),
        429: ("throttled", _("Too many requests: try again shortly.")),
    }
    if status in known:
        return problem(status, *known[status])
    if status >= 500:
        return problem(status, "server_error", _("The server could not carry out the request: try again shortly."))
    return problem(status, "error", _("The request could not be carried out."))
