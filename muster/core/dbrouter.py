"""Heavy reads to a streaming replica; writes, and a user's reads just after their own writes, to the primary.

Enabled by DATABASE_REPLICA_URL (settings add the "replica" alias and this router). Which
pages may read from the replica is a list of URL names (REPLICA_READ_VIEWS: boards, exports,
reports, the situation pages); everything else reads the primary as before. A replica lags a
little behind the primary, so:

- a browser that has just written anything (any unsafe request answered below 400) carries a
  cookie for REPLICA_PIN_SECONDS, and all its reads go to the primary meanwhile ("read your
  own writes"): a coordinator who posts a need and opens the board sees it;
- a read inside a transaction on the primary stays there (a check-then-write must not read a
  stale copy);
- the cookie carries nothing secret: forging it only sends that browser's reads to the primary.

Background jobs and commands read the primary unless they ask for the replica with
`replica_reads()`.
"""

from __future__ import annotations

import contextvars
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "muster_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("muster_use_replica", default=False)


def replica_enabled() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Reads inside this block go to the replica (when there is one and no transaction is open)."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Reads go to the replica only when the request (or block) asked for it; writes always to the primary."""

    def db_for_read(self, model, **hints):
        if _use_replica.get() and replica_enabled() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows: an object read there may be linked to one written here.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # a standby is read-only and follows the primary's schema


def is_pinned(request) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaMiddleware:
    """Chooses the replica for the listed pages' GETs, unless this browser wrote within the pin window."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._muster_replica_token = None
        try:
            response = self.get_response(request)
        finally:
            token = request._muster_replica_token
            if token is not None:
                _use_replica.reset(token)
                request._muster_replica_token = None
        if request.method not in SAFE_METHODS and response.status_code < 400 and replica_enabled():
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(PIN_COOKIE, str(int(time.time() + seconds)), max_age=seconds, httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (replica_enabled() and request.method in SAFE_METHODS and request.resolver_match is not None
                and request.resolver_match.view_name in settings.REPLICA_READ_VIEWS and not is_pinned(request)):
            request._muster_replica_token = _use_replica.set(True)
        return None
