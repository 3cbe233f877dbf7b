"""Where a request came from, for the audit trail, without threading it through every call."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    user_agent: str = ""
    via: str = "web"  # web | api | cli | task


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("muster_request", default=RequestContext(via="cli"))  # noqa: B039 (frozen)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)
