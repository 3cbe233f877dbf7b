"""Shared pieces of the /api/v1 surface: auth, problem responses, paging."""

from __future__ import annotations

import logging
from typing import Generic, TypeVar

from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from muster.core.errors import DomainError
from muster.core.http import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

T = TypeVar("T")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from muster.accounts.actions import token_authenticate

        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class CsrfFailed(HttpError):
    """The session's CSRF token did not match: the client should resend with the current cookie."""


class SessionAuth(APIKeyCookie):
    """The browser's session, with CSRF checked on unsafe methods (ninja's django_auth)."""

    param_name = "sessionid"

    def _get_key(self, request):
        # ninja answers a stale token with a generic 403 "error"; a queueing client (the desk)
        # must tell it from a refusal, so it gets its own problem type.
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed(403, _("The security token is out of date: reload the page or sign in again."))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


class Problem(Schema):
    type: str
    title: str
    status: int
    field: str | None = None
    errors: list[dict] | None = None


class Paged(Schema, Generic[T]):
    items: list[T]
    next_offset: int | None


def paged(qs, limit: int, offset: int, mapper) -> dict:
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    rows = list(qs[offset : offset + limit + 1])
    return {"items": [mapper(r) for r in rows[:limit]], "next_offset": offset + limit if len(rows) > limit else None}


def install_handlers(api) -> None:
    def problem(request, status, type_, title, **extra):
        body = {"type": type_, "title": str(title), "status": status}
        body.update({k: v for k, v in extra.items() if v})
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, exc.as_problem(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [{"field": ".".join(str(x) for x in e.get("loc", [])[1:]) or ".".join(str(x) for x in e.get("loc", [])),
                   "message": e.get("msg", "")} for e in exc.errors]
        return problem(request, 422, "invalid", _("Some of the data is not valid."), errors=errors)

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return problem(request, 401, "unauthenticated", _("Log in or send a valid API token."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(request, 404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return problem(request, exc.status_code, "error", str(exc))

    @api.exception_handler(CsrfFailed)
    def csrf_failed(request, exc: CsrfFailed):
        return problem(request, 403, "csrf", str(exc))

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request, exc):
        # The database restarting or a pool exhausted: a client should resend, not give up.
        logger.warning("database unavailable on %s", request.path, exc_info=exc)
        response = problem(request, 503, "unavailable", _("The server cannot reach its database just now: try again shortly."))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
