"""Response headers that every dynamic page needs."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every dynamic response that did not choose its own caching.

    Nearly every page carries personal data (names, ID masks, results, rosters), and a shared
    phone or a proxy must not keep a copy. Static files are answered by WhiteNoise before this
    runs and keep their long cache headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
