"""Shared pieces of the /api/v1 surface: auth, problem responses, paging."""

from __future__ import annotations

from typing import Generic, TypeVar

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from muster.core.errors import DomainError

T = TypeVar("T")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from muster.accounts.actions import token_authenticate

        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session, with CSRF checked on unsafe methods (ninja's django_auth)."""

    param_name = "sessionid"

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
