"""A need's pages: post and edit it, its detail (reports, QR code, history), suggestions, status and decisions."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import DomainError, Forbidden
from muster.core.links import absolute
from muster.needs import actions, dispatching, elsewhere, selectors
from muster.needs.forms import NeedForm
from muster.needs.models import Need
from muster.needs.views.common import back
from muster.people import selectors as people
from muster.web import qr
from muster.web.decorators import managers_only
from muster.web.forms import add_domain_error

REPORT_VERBS = ("accept", "decline", "no_show")


def _need_data(form) -> actions.NeedData:
    d = form.cleaned_data
    return actions.NeedData(role=d["role"], region=d["community"], site=d["site"], start=d["start"], end=d["end"],
                            headcount=d["headcount"], title=d["title"], notes=d["notes"],
                            skills=tuple(s.code for s in d["skills"]), affiliation_kinds=tuple(d["affiliation_kinds"]),
                            urgency=d["urgency"], recurrence=d.get("recurrence") or "", occurrences=d.get("occurrences") or 1)


@managers_only
def new(request):
    communities, sites = selectors.communities_managed(request.user), selectors.sites_for_needs(request.user)
    initial = {"community": request.GET.get("community", "")}
    if communities.count() == 1:
        initial["community"] = communities[0].code
    form = NeedForm(request.POST or None, communities=communities, sites=sites, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            needs = actions.need_post(actor=request.user, data=_need_data(form))
            messages.success(request, _("The need is posted.") if len(needs) == 1 else
                             _("%(n)d needs are posted.") % {"n": len(needs)})
            return redirect("needs:detail", pk=needs[0].pk)
        except DomainError as e:
            add_domain_error(form, e, aliases={"region": "community"})
    return render(request, "needs/form.html", {"section": "needs", "form": form}, status=422 if form.errors else 200)


@login_required
def edit(request, pk: int):
    need = selectors.need_manageable(request.user, pk)
    communities, sites = selectors.communities_managed(request.user), selectors.sites_for_needs(request.user)
    initial = {"role": need.role.code, "community": need.region.code, "site": need.site_id, "title": need.title,
               "start": timezone.localtime(need.start), "end": timezone.localtime(need.end), "headcount": need.headcount,
               "skills": [s.code for s in need.skills.all()], "affiliation_kinds": need.affiliation_kinds,
               "urgency": need.urgency, "notes": need.notes}
    form = NeedForm(request.POST or None, communities=communities, sites=sites, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.need_update(actor=request.user, need=need, data=_need_data(form))
            messages.success(request, _("Saved."))
            return redirect("needs:detail", pk=need.pk)
        except DomainError as e:
            add_domain_error(form, e, aliases={"region": "community"})
    return render(request, "needs/form.html", {"section": "needs", "form": form, "need": need},
                  status=422 if form.errors else 200)


def _scan_url(request, need: Need) -> str:
    return absolute(reverse("needs:scan", args=[need.checkin_code]))


@login_required
def detail(request, pk: int):
    need = selectors.need_get(request.user, pk)
    can_manage = Scope.of(request.user).covers(need.region, MANAGERS)
    ctx = {"section": "needs", "need": need, "can_manage": can_manage,
           "elsewhere": elsewhere.links(request.user, need, can_manage)}
    if can_manage:
        ctx["reports"] = list(selectors.reports_live(need))
        ctx["withdrawn"] = selectors.reports_withdrawn(need)
        ctx["scan_url"] = _scan_url(request, need)
        ctx["qr"] = qr.svg(ctx["scan_url"], scale=6, border=2)
        ctx["history"] = selectors.need_history(need)[:20]
    else:
        ctx["my_report"] = selectors.my_report(request.user, need)
    return render(request, "needs/detail.html", ctx)


@login_required
def suggestions(request, pk: int):
    """The top 20 people for this need (htmx fragment on the need page)."""
    need = selectors.need_manageable(request.user, pk)
    t0 = time.perf_counter()
    items, left_out = dispatching.suggestions_with_left_out(request.user, need)
    ms = int((time.perf_counter() - t0) * 1000)
    return render(request, "needs/_suggestions.html", {"need": need, "items": items, "left_out": left_out, "ms": ms})


@login_required
def qr_sheet(request, pk: int):
    """A printable sheet with the need's QR code and short code, for the site's wall."""
    need = selectors.need_manageable(request.user, pk)
    url = _scan_url(request, need)
    return render(request, "needs/qr_sheet.html", {"need": need, "qr": qr.svg(url, scale=12, border=2), "scan_url": url})


@login_required
@require_POST
def need_status(request, pk: int, verb: str):
    need = selectors.need_manageable(request.user, pk)
    try:
        if verb == "rotate":
            actions.checkin_code_rotate(actor=request.user, need=need)
            messages.success(request, _("A new check-in code is drawn; print the sheet again."))
        else:
            actions.need_set_status(actor=request.user, need=need, verb=verb, reason=request.POST.get("reason", ""))
            messages.success(request, _("The need is now %(status)s.") % {"status": need.get_status_display()})
    except DomainError as e:
        messages.error(request, str(e.message))
    return redirect("needs:detail", pk=need.pk)


@login_required
@require_POST
def report_decide(request, pk: int, verb: str):
    report = selectors.report_managed(request.user, pk)
    if verb not in REPORT_VERBS:
        raise Forbidden()
    try:
        if verb == "accept":
            actions.report_accept(actor=request.user, report=report)
            messages.success(request, _("%(name)s is accepted and will be told.") % {"name": report.person.name})
        elif verb == "decline":
            actions.report_decline(actor=request.user, report=report, reason=request.POST.get("reason", ""))
            messages.success(request, _("%(name)s is declined.") % {"name": report.person.name})
        else:
            actions.report_no_show(actor=request.user, report=report)
    except DomainError as e:
        messages.error(request, str(e.message))
    return back(request, reverse("needs:detail", args=[report.need_id]))


@login_required
@require_POST
def add_person(request, pk: int):
    """A coordinator adds (and accepts) someone, e.g. from the suggestions."""
    need = selectors.need_manageable(request.user, pk)
    try:
        person = people.person_get(request.user, int(request.POST.get("person", "0") or 0))
        actions.report_create(actor=request.user, need=need, person=person, accept=True)
        messages.success(request, _("%(name)s is accepted and will be told.") % {"name": person.name})
    except (DomainError, ValueError) as e:
        messages.error(request, str(getattr(e, "message", e)))
    return redirect("needs:detail", pk=need.pk)
