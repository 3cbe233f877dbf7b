"""Shared pieces of the /api/v1 surface: auth, problem responses, paging."""

from __future__ import annotations

import inspect
import logging
from typing import Generic, TypeVar
from unittest import mock

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi import schema as ninja_openapi_schema
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

from muster.core.errors import DomainError
from muster.core.http import RETRY_AFTER_SECONDS

logger = logging.getLogger("muster.core")

T = TypeVar("T")


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


# No list comes near this many rows; past it the page is empty, and offset + limit stays a database integer.
MAX_OFFSET = 2**31


def paged(qs, limit: int, offset: int, mapper) -> dict:
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    if offset > MAX_OFFSET:
        return {"items": [], "next_offset": None}
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

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return problem(request, 413, "too_large", _("The request is too large."))

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



# What any operation may answer besides its own results: every one needs a signed-in user
# (401) and validates its input (422); one that takes a body answers 400 to a body that is not
# JSON; one that refers to anything (an id or a code in its path, query or body) answers 404
# alike for what does not exist and for what the user may not see. Answers particular to an
# operation (403, 409) are declared on its decorator.
PROBLEM_TEXT = {"400": "The body is not JSON", "401": "Not signed in",
                "403": "Not allowed for you (role, jurisdiction, or a stale CSRF token)",
                "404": "Not found, or not yours to see", "409": "Conflicts with the current state",
                "422": "The input is not valid"}
UNSAFE = {"post", "put", "patch", "delete"}


def _raises(func, depth: int = 3) -> set[str]:
    """Names of the domain errors `func` may raise, read from its source and its callees' (to `depth` calls).

    A static reading, so it errs towards listing: an operation whose code can refuse is documented as
    refusing. Callees are followed through module-level functions and `module.function` attributes.
    """
    seen: set[object] = set()
    found: set[str] = set()

    def visit(f, level: int) -> None:
        if not inspect.isfunction(f):
            return
        f = inspect.unwrap(f)
        if f in seen or not (f.__module__ or "").startswith("muster."):
            return
        seen.add(f)
        try:
            source = inspect.getsource(f)
        except (OSError, TypeError):
            return
        found.update(name for name in ("Forbidden", "Conflict") if f"{name}(" in source)
        if level == 0:
            return
        names = set(f.__code__.co_names)
        for const in f.__code__.co_consts:  # nested functions and comprehensions
            if inspect.iscode(const):
                names.update(const.co_names)
        for name in names:
            target = f.__globals__.get(name)
            if inspect.ismodule(target):
                for attr in names:
                    visit(getattr(target, attr, None), level - 1)
            elif target is not None:
                visit(target, level - 1)

    visit(func, depth)
    return found


def _problem_codes(path: str, op: dict, method: str, view=None) -> tuple[str, ...]:
    codes = ["401", "422"]
    if "requestBody" in op:
        codes.append("400")
    if "{" in path or op.get("parameters") or "requestBody" in op:
        codes.append("404")
    raised = _raises(view) if view is not None else set()
    if method in UNSAFE or "Forbidden" in raised:
        codes.append("403")  # a write sent with the session also answers 403 for a stale CSRF token
    if "Conflict" in raised:
        codes.append("409")
    return tuple(codes)


class _UniqueNames(NinjaGenerateJsonSchema):
    """Definition names that stay unique across the whole document.

    ninja generates each model's schema on its own and merges the definitions by name, so
    SwapRequest.Kind and Site.Kind both became "Kind" and /sites documented kind=swap. A name
    already taken by another type falls back to the type's module path.
    """

    taken: dict[str, str] = {}

    def get_defs_ref(self, core_mode_ref):
        ref = super().get_defs_ref(core_mode_ref)
        choices = self._prioritized_defsref_choices.get(ref)
        if choices and len(choices) > 2:
            owner = type(self).taken.setdefault(choices[0], choices[2])
            if owner != choices[2]:
                self._prioritized_defsref_choices[ref] = choices[2:]
        return ref


def by_prefix(patterns: list) -> list:
    """The same URL patterns, those that share a literal first path segment gathered behind one include.

    Django tries a list of patterns one by one, and ninja lists one pattern per route: a desk's scan
    (/api/v1/testing/points/…/scan) was matched against about ninety routes of other apps first, the
    largest desk-only item in a CPU profile of the request (bench/desk_cost.py --profile desk; over HTTP
    the saving is smaller than run-to-run noise). Gathered by segment (recursively), a request is tried
    against the segments and then its own group. A list is gathered only when every
    pattern in it starts with a literal segment (a converter there could match across groups and change
    which pattern wins), so no URL resolves differently; names, reverse() and resolver_match.route stay.
    """
    from django.urls import URLPattern, include, path
    from django.urls.resolvers import RoutePattern

    def head(p) -> str | None:
        if not isinstance(p, URLPattern) or not isinstance(p.pattern, RoutePattern):
            return None
        first = str(p.pattern).split("/", 1)[0]
        return None if "<" in first else first

    if any(head(p) is None for p in patterns):
        return list(patterns)
    groups: dict[str, list] = {}
    out: list = []
    for p in patterns:
        first, slash, rest = str(p.pattern).partition("/")
        if not slash or not rest or not first:
            out.append(p)  # a whole route ("me", "regions/"): it cannot match what a group below matches
            continue
        if first not in groups:
            groups[first] = []
            out.append(first)  # the group's place: where its first route was
        groups[first].append(path(rest, p.callback, p.default_args, p.name))
    return [path(f"{item}/", include(by_prefix(groups[item]))) if isinstance(item, str) else item for item in out]


class MusterAPI(NinjaAPI):
    """The API whose OpenAPI document lists the problems each operation really answers."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        return by_prefix(patterns), app_name, namespace

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        _UniqueNames.taken = {}
        with mock.patch.object(ninja_openapi_schema, "NinjaGenerateJsonSchema", _UniqueNames):
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        views = {self.get_openapi_operation_id(operation): operation.view_func
                 for _prefix, router in self._routers for path_view in router.path_operations.values()
                 for operation in path_view.operations}
        for path, item in schema.get("paths", {}).items():
            for method, op in item.items():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                operation_id = op.get("operationId")
                view = views.get(operation_id) if operation_id else None
                for code in _problem_codes(path, op, method, view):
                    op["responses"].setdefault(code, {"description": PROBLEM_TEXT[code], **ref})
        return schema
