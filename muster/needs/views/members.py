"""Pages of members and volunteers (phones first): open needs, my commitments, reporting and withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import DomainError
from muster.needs import actions, selectors
from muster.needs.forms import OpenFilterForm, ReasonForm
from muster.needs.views.common import back
from muster.web.paging import page_of


@login_required
def index(request):
    if Scope.of(request.user).has_role(MANAGERS) and not request.user.person_id:
        return redirect("needs:board")
    return redirect("needs:open")


@login_required
def open_needs(request):
    form = OpenFilterForm(request.GET or None)
    fits, day = False, None
    if form.is_valid():
        fits, day = form.cleaned_data["fits"], form.cleaned_data["day"]
    items = selectors.needs_open_for(request.user, mine_only_skills=fits, day=day)
    upcoming = list(selectors.my_commitments(request.user)[:5])
    return render(request, "needs/open.html", {"section": "needs", "items": items, "form": form, "upcoming": upcoming,
                                               "has_person": bool(request.user.person_id)})


@login_required
def mine(request):
    upcoming = list(selectors.my_commitments(request.user))
    past = page_of(selectors.my_commitments(request.user, past=True), request.GET.get("page"), size=30)
    return render(request, "needs/mine.html", {"section": "mine", "upcoming": upcoming, "page": past,
                                               "hours": selectors.my_hours(request.user), "withdraw_form": ReasonForm()})


@login_required
@require_POST
def report(request, pk: int):
    need = selectors.need_get(request.user, pk)
    try:
        actions.report_create(actor=request.user, need=need, note=request.POST.get("note", ""))
        messages.success(request, _("You reported to %(need)s. The coordinator will confirm.") % {"need": need})
    except DomainError as e:
        messages.error(request, str(e.message))
    return back(request, reverse("needs:open"))


@login_required
@require_POST
def withdraw(request, pk: int):
    report = selectors.report_mine(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you withdraw, so the coordinator can plan."))
        return redirect("needs:mine")
    try:
        actions.report_withdraw(actor=request.user, report=report, reason=form.cleaned_data["reason"])
        messages.success(request, _("You have withdrawn from %(need)s.") % {"need": report.need})
    except DomainError as e:
        messages.error(request, str(e.message))
    return redirect("needs:mine")
