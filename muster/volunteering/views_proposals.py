"""Organisers' pages that join volunteering to needs: publishing a community need as a project (the button on
the need's page), and the dispatch engine's proposals of registered volunteers for a session's open places."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.core.errors import DomainError
from muster.needs import selectors as needs
from muster.volunteering import actions, proposals, selectors


@login_required
@require_POST
def need_publish(request, pk: int):
    """Publish the need as a volunteer project (or find the one already published) and open it."""
    need = needs.need_manageable(request.user, pk)
    try:
        project, created = actions.need_publish(actor=request.user, need=need)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("needs:detail", pk=need.pk)
    messages.success(request, _("The need is published as a volunteer project.") if created else
                     _("This need was already published as a volunteer project."))
    return redirect("volunteering:project_manage", project.pk)


@login_required
def session_proposals(request, pk: int):
    """The registered volunteers the dispatch engine proposes for the session's open places, each with a button."""
    s = selectors.session_managed(request.user, pk)
    t0 = time.perf_counter()
    items, left_out = proposals.proposals_for(request.user, s)
    ms = int((time.perf_counter() - t0) * 1000)
    return render(request, "volunteering/session_proposals.html",
                  {"s": s, "p": s.project, "items": items, "left_out": left_out, "ms": ms})


@login_required
@require_POST
def session_invite(request, pk: int):
    """One click: sign the proposed volunteer up for the session in the organiser's name."""
    s = selectors.session_managed(request.user, pk)
    try:
        person = proposals.volunteer_person(request.user, int(request.POST.get("person", "0") or 0))
        actions.session_invite(actor=request.user, session=s, person=person)
        messages.success(request, _("%(name)s is signed up and will be told.") % {"name": person.name})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    except ValueError:
        messages.error(request, _("Choose a volunteer from the list."))
    return redirect("volunteering:session_proposals", s.pk)
