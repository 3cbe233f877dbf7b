"""Who is asking, for throttles and lock-outs: the client address, and counters in the shared cache.

django-axes limits sign-in and django-ratelimit limits the public pages; both count per client
address, which behind a proxy (BEHIND_PROXY=1) is the last hop the proxy added to
X-Forwarded-For: earlier hops are whatever the client chose to send.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def miss_count(key: str) -> int:
    return int(cache.get(f"miss:{key}", 0))


def miss_add(key: str, *, window: int, by: int = 1) -> int:
    """Count `by` misses for `key`; the count lapses `window` seconds after the first miss."""
    full = f"miss:{key}"
    cache.add(full, 0, timeout=window)
    try:
        return cache.incr(full, by)
    except ValueError:  # expired between add and incr
        cache.set(full, by, timeout=window)
        return by


def miss_clear(key: str) -> None:
    cache.delete(f"miss:{key}")
