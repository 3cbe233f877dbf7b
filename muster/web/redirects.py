"""The one way a page follows a `next` parameter: only to a path on this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """`next` from the POST (or the query string) when it stays on this host, else `fallback`.

    Django's check catches what a hand-written `startswith("/")` lets through: `/\\evil.com`
    (browsers read the backslash as a slash), `//evil.com`, control characters, other schemes.
    Only relative paths are kept, so a `next` naming this very host is refused too.
    """
    value = (request.POST.get("next") or request.GET.get("next") or "").strip()
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(
            value, allowed_hosts=None, require_https=request.is_secure()):
        return value
    return fallback
