"""Links that work outside the site: in an SMS, an e-mail or a calendar app there is no page to be relative to."""

from __future__ import annotations

from django.conf import settings


def absolute(url: str) -> str:
    """`url` made absolute on SITE_URL: a path ("/rosters/mine/") gets the site in front; a full URL
    (http…, https…) or an empty string is left as it is."""
    url = (url or "").strip()
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL.rstrip('/')}/{url.lstrip('/')}"
