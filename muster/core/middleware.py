import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

from muster.core import context, http
from muster.core.http import is_json_path


def client_ip(request) -> str:
    # Behind a reverse proxy the first X-Forwarded-For hop is the client; the proxy
    # must be trusted to overwrite it (README, production section).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class HtmxVaryMiddleware:
    """Pages answer an htmx request with a fragment and a plain one with the whole page.

    A cache (the browser's back/forward one included) must keep the two apart, so every HTML
    answer says it varies on `HX-Request`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["HX-Request"])
        return response


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        token = context.set_current(
            context.RequestContext(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300], via=via)
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class DomainErrorMiddleware:
    """A DomainError that escapes a view becomes a page with its status and message, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from muster.core.errors import DomainError

        if isinstance(exception, DomainError):
            if is_json_path(request.path_info):
                return http.problem(exception.status, **_problem_fields(exception))
            return render(request, "web/error.html", {"message": exception.message, "status": exception.status}, status=exception.status)
        return None


def _problem_fields(exc) -> dict:
    body = exc.as_problem()
    return {"type_": body.pop("type"), "title": body.pop("title"), **{k: v for k, v in body.items() if k != "status"}}


def _remember_exception(sender, request=None, **kwargs):
    # Django turns an exception raised in any middleware (a session that cannot be loaded, say)
    # into its HTML 500 before outer middleware see it; this signal is sent from inside that
    # `except`, so it is the one place that still knows which exception it was.
    if request is not None:
        request._muster_exception = sys.exc_info()[1]


got_request_exception.connect(_remember_exception, dispatch_uid="muster.core.remember_exception")


class JsonProblemMiddleware:
    """On the API and the desk's endpoints every failure answers a JSON problem, never a page.

    Placed above the session and auth middleware so that their failures pass through it too:
    a redirect to the login page becomes 401, a page for a 4xx or 5xx becomes the problem for
    that status, and a database that cannot be reached (OperationalError, InterfaceError,
    wherever raised) becomes 503 with Retry-After, so that a queueing client keeps its items
    and sends them again instead of taking the page for an answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = ""

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 300 or not is_json_path(request.path_info):
            return response
        # The failure may come before LocaleMiddleware ran: choose the language here.
        with translation.override(translation.get_language_from_request(request)):
            return self._problem(request, response)

    def _problem(self, request, response):
        if 300 <= response.status_code < 400:
            if self._to_login(response):
                return http.unauthenticated()
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        exc = getattr(request, "_muster_exception", None)
        if isinstance(exc, OperationalError | InterfaceError):
            return http.unavailable()
        replacement = http.for_status(response.status_code)
        if response.has_header("Retry-After"):
            replacement["Retry-After"] = response["Retry-After"]
        return replacement

    def _to_login(self, response) -> bool:
        if not self.login_path:
            self.login_path = resolve_url(settings.LOGIN_URL)
        return urlsplit(response.get("Location", "")).path == self.login_path
