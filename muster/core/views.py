"""Views of the core: the CSRF failure answer (pointed at by setting) and the page of a background import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.csrf import csrf_failure as django_csrf_failure

from muster.core import http, importjobs
from muster.core.http import is_json_path


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a JSON 403 problem (type "csrf") where clients queue, Django's page elsewhere.

    A desk whose token went stale (its clerk signed in again in another tab) must see that the
    token, not the item, was refused, so it keeps the item and resends with the new cookie.
    """
    if is_json_path(request.path_info):
        return http.csrf_failed()
    return django_csrf_failure(request, reason=reason)


@login_required
def import_job(request, pk: int):
    """A background import's progress, then its result; htmx polls the fragment every 2 s while it runs."""
    job = importjobs.job_get(request.user, pk)
    template = "core/_import_job.html" if request.htmx else "core/import_job.html"
    return render(request, template, {"job": job})
