"""Views of the core that other layers point at by setting (the CSRF failure answer)."""

from __future__ import annotations

from django.views.csrf import csrf_failure as django_csrf_failure

from muster.core import http
from muster.core.http import is_json_path


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a JSON 403 problem (type "csrf") where clients queue, Django's page elsewhere.

    A desk whose token went stale (its clerk signed in again in another tab) must see that the
    token, not the item, was refused, so it keeps the item and resends with the new cookie.
    """
    if is_json_path(request.path_info):
        return http.csrf_failed()
    return django_csrf_failure(request, reason=reason)
