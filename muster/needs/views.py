"""Pages: open needs and my commitments (phones), the coordinator's board, need pages, check-in, dispatch, deployments."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import DomainError
from muster.core.models import AuditEvent
from muster.geo import selectors as geo
from muster.geo.models import Region
from muster.needs import actions, deploying, dispatching, selectors
from muster.needs.forms import (
    BoardFilterForm,
    CodeForm,
    DeploymentForm,
    DispatchForm,
    NeedForm,
    OpenFilterForm,
    ReasonForm,
)
from muster.needs.models import Deployment, DispatchRun, Need, ProposalLine, Report
from muster.people import fitness
from muster.people import selectors as people
from muster.web import exports, qr
from muster.web.paging import page_of
from muster.web.redirects import safe_next


def _managers_only(request):
    if not Scope.of(request.user).has_role(MANAGERS):
        raise PermissionDenied


def _form_error(form, e: DomainError, aliases: dict | None = None) -> None:
    field = (aliases or {}).get(e.field, e.field)
    form.add_error(field if field in form.fields else None, str(e.message))


def _back(request, default: str):
    return redirect(safe_next(request, default))


# --- members and volunteers -------------------------------------------------------------------


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
    hours = sum((r.hours or 0) for r in Report.objects.filter(person_id=request.user.person_id, status=Report.Status.COMPLETED)) \
        if request.user.person_id else 0
    return render(request, "needs/mine.html", {"section": "mine", "upcoming": upcoming, "page": past, "hours": hours,
                                               "withdraw_form": ReasonForm()})


@login_required
@require_POST
def report(request, pk: int):
    need = selectors.need_get(request.user, pk)
    try:
        actions.report_create(actor=request.user, need=need, note=request.POST.get("note", ""))
        messages.success(request, _("You reported to %(need)s. The coordinator will confirm.") % {"need": need})
    except DomainError as e:
        messages.error(request, str(e.message))
    return _back(request, reverse("needs:open"))


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


# --- check-in ---------------------------------------------------------------------------------


def _check(request, code: str):
    try:
        result = actions.check_in_or_out(actor=request.user, code=code)
    except DomainError as e:
        return None, str(e.message)
    r = result.report
    if result.action == "in":
        msg = _("Checked in to %(need)s at %(t)s. Scan again when you leave.") % {
            "need": r.need, "t": f"{timezone.localtime(r.checked_in_at):%H:%M}"}
    else:
        msg = _("Checked out. %(h)s hours recorded. Thank you!") % {"h": r.hours}
    return result, msg


@login_required
def checkin(request):
    """Type a need's short code (or arrive here from its QR code) to check in, and later out."""
    initial = request.GET.get("code", "")
    form = CodeForm(request.POST or None, initial={"code": initial})
    result = error = None
    if request.method == "POST" and form.is_valid():
        result, msg = _check(request, form.cleaned_data["code"])
        if result is None:
            error = msg
            form.add_error("code", msg)
        else:
            messages.success(request, msg)
            return redirect("needs:mine")
    need = None
    code = actions.normalise_code(initial)
    if code and request.method == "GET":
        need = Need.objects.select_related("site", "region", "role").filter(checkin_code=code).first()
    return render(request, "needs/checkin.html", {"section": "mine", "form": form, "need": need, "code": code,
                                                  "error": error, "result": result},
                  status=422 if error else 200)


def scan(request, code: str):
    """The URL inside the QR code: opens the check-in page with the code filled in (log in first if needed)."""
    return redirect(f"{reverse('needs:checkin')}?code={actions.normalise_code(code)}")


# --- coordinators -----------------------------------------------------------------------------


def _board_filter(request):
    form = BoardFilterForm(request.GET or None)
    f = selectors.BoardFilter()
    if form.is_valid():
        d = form.cleaned_data
        f = selectors.BoardFilter(status=d["status"], urgency=d["urgency"], role=d["role"].code if d["role"] else "",
                                  day=d["day"], gaps_only=d["gaps"])
    return form, f


@login_required
def board(request):
    _managers_only(request)
    form, f = _board_filter(request)
    page = page_of(selectors.board(request.user, f), request.GET.get("page"))
    qs = selectors.needs_managed(request.user).filter(status=Need.Status.OPEN, end__gt=timezone.now())
    totals = {"needs": qs.count(), "gaps": qs.filter(accepted_count__lt=F("headcount")).count()}
    template = "needs/_board_rows.html" if request.htmx else "needs/board.html"
    return render(request, template, {"section": "needs", "form": form, "page": page, "totals": totals})


@login_required
def export(request):
    """The board as XLSX: one row per need and one sheet of people; scoped like the board and audited."""
    _managers_only(request)
    form, f = _board_filter(request)
    data = selectors.board_export(request.user, f)
    return exports.respond(request, what="needs", filename="needs.xlsx",
                           sheets=[exports.Sheet(_("Needs"), *data["needs"]), exports.Sheet(_("Reports"), *data["reports"])])


def _need_choices(request):
    scope = Scope.of(request.user)
    communities = Region.objects.filter(scope.region_q("", MANAGERS), level=Region.Level.COMMUNITY).order_by("code")[:2000]
    sites = geo.sites_visible(request.user).filter(scope.region_q("region", MANAGERS), active=True).order_by("region__code", "name")
    return Region.objects.filter(pk__in=[c.pk for c in communities]).order_by("code"), sites


def _need_data(form) -> actions.NeedData:
    d = form.cleaned_data
    return actions.NeedData(role=d["role"], region=d["community"], site=d["site"], start=d["start"], end=d["end"],
                            headcount=d["headcount"], title=d["title"], notes=d["notes"],
                            skills=tuple(s.code for s in d["skills"]), affiliation_kinds=tuple(d["affiliation_kinds"]),
                            urgency=d["urgency"], recurrence=d.get("recurrence") or "", occurrences=d.get("occurrences") or 1)


@login_required
def new(request):
    _managers_only(request)
    communities, sites = _need_choices(request)
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
            _form_error(form, e, {"region": "community"})
    return render(request, "needs/form.html", {"section": "needs", "form": form}, status=422 if form.errors else 200)


@login_required
def edit(request, pk: int):
    need = selectors.need_manageable(request.user, pk)
    communities, sites = _need_choices(request)
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
            _form_error(form, e, {"region": "community"})
    return render(request, "needs/form.html", {"section": "needs", "form": form, "need": need},
                  status=422 if form.errors else 200)


def _qr_svg(request, need: Need, scale: int = 6) -> str:
    url = request.build_absolute_uri(reverse("needs:scan", args=[need.checkin_code]))
    return qr.svg(url, scale=scale, border=2)


@login_required
def detail(request, pk: int):
    need = selectors.need_get(request.user, pk)
    can_manage = Scope.of(request.user).covers(need.region, MANAGERS)
    ctx = {"section": "needs", "need": need, "can_manage": can_manage}
    if can_manage:
        ctx["reports"] = list(need.reports.exclude(status=Report.Status.WITHDRAWN).select_related("person", "person__region")
                              .order_by("status", "id"))
        ctx["withdrawn"] = need.reports.filter(status=Report.Status.WITHDRAWN).select_related("person")
        ctx["qr"] = _qr_svg(request, need)
        ctx["scan_url"] = request.build_absolute_uri(reverse("needs:scan", args=[need.checkin_code]))
        ctx["history"] = AuditEvent.objects.filter(object_type="needs.need", object_id=str(need.pk))[:20]
    else:
        ctx["my_report"] = need.reports.filter(person_id=request.user.person_id).exclude(
            status=Report.Status.WITHDRAWN).first()
    return render(request, "needs/detail.html", ctx)


@login_required
def suggestions(request, pk: int):
    """The top 20 people for this need (htmx fragment on the need page)."""
    need = selectors.need_manageable(request.user, pk)
    import time

    t0 = time.perf_counter()
    items, left_out = dispatching.suggestions_with_left_out(request.user, need)
    ms = int((time.perf_counter() - t0) * 1000)
    return render(request, "needs/_suggestions.html", {"need": need, "items": items, "left_out": left_out, "ms": ms})


@login_required
def qr_sheet(request, pk: int):
    """A printable sheet with the need's QR code and short code, for the site's wall."""
    need = selectors.need_manageable(request.user, pk)
    return render(request, "needs/qr_sheet.html", {"need": need, "qr": _qr_svg(request, need, scale=12),
                                                   "scan_url": request.build_absolute_uri(reverse("needs:scan", args=[need.checkin_code]))})


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
    try:
        if verb == "accept":
            actions.report_accept(actor=request.user, report=report)
            messages.success(request, _("%(name)s is accepted and will be told.") % {"name": report.person.name})
        elif verb == "decline":
            actions.report_decline(actor=request.user, report=report, reason=request.POST.get("reason", ""))
            messages.success(request, _("%(name)s is declined.") % {"name": report.person.name})
        elif verb == "no_show":
            actions.report_no_show(actor=request.user, report=report)
        else:
            raise PermissionDenied
    except DomainError as e:
        messages.error(request, str(e.message))
    return _back(request, reverse("needs:detail", args=[report.need_id]))


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


# --- dispatch ---------------------------------------------------------------------------------


@login_required
def dispatch(request):
    _managers_only(request)
    scope = Scope.of(request.user)
    regions = Region.objects.filter(scope.region_q("", MANAGERS), level__in=[
        Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET, Region.Level.COMMUNITY]).order_by("depth", "code")
    if scope.paths(MANAGERS) == ["/"]:
        regions = regions.exclude(level=Region.Level.COMMUNITY)
    regions = regions[:300]
    home = scope.home_region()
    form = DispatchForm(request.POST or None, regions=Region.objects.filter(pk__in=[r.pk for r in regions]).order_by("depth", "code"),
                        initial={"region": home.code if home else ""})
    if request.method == "POST" and form.is_valid():
        try:
            run = dispatching.dispatch_start(actor=request.user, region=form.cleaned_data["region"],
                                             max_km=form.cleaned_data["max_km"])
            return redirect("needs:run", pk=run.pk)
        except DomainError as e:
            _form_error(form, e)
    runs = selectors.runs_managed(request.user)[:20]
    return render(request, "needs/dispatch.html", {"section": "dispatch", "form": form, "runs": runs})


@login_required
def run(request, pk: int):
    run = selectors.run_get(request.user, pk)
    lines = (ProposalLine.objects.filter(run=run).select_related("need", "need__role", "need__region", "need__site",
                                                                 "person", "person__region", "report"))
    template = "needs/_run.html" if request.htmx else "needs/run.html"
    return render(request, template, {"section": "dispatch", "run": run, "lines": lines,
                                      "left_out": fitness.left_out_rows(run.left_out),
                                      "busy": run.status in (DispatchRun.Status.QUEUED, DispatchRun.Status.RUNNING)})


@login_required
@require_POST
def run_decide(request, pk: int, verb: str):
    run = selectors.run_get(request.user, pk)
    try:
        if verb == "confirm":
            keep = {int(x) for x in request.POST.getlist("line") if re.fullmatch(r"\d+", x)}
            dispatching.proposal_adjust(actor=request.user, run=run, keep=keep)
            run = dispatching.proposal_confirm(actor=request.user, run=run)
            messages.success(request, _("%(n)d people are accepted and will be told.") % {"n": run.confirmed_count})
        elif verb == "discard":
            dispatching.proposal_discard(actor=request.user, run=run)
            messages.success(request, _("The proposal is discarded."))
        else:
            raise PermissionDenied
    except DomainError as e:
        messages.error(request, str(e.message))
    return redirect("needs:run", pk=run.pk)


# --- deployments ------------------------------------------------------------------------------


@login_required
def deployments(request):
    _managers_only(request)
    scope = Scope.of(request.user)
    home = scope.home_region()
    orgs = people.organisations_visible(request.user).filter(kind="government").order_by("name")[:500]
    form = DeploymentForm(request.POST or None, organisations=people.organisations_visible(request.user).filter(
        kind="government").filter(pk__in=[o.pk for o in orgs]))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        codes = re.findall(r"\d{12}", d["communities"])
        communities = list(Region.objects.filter(scope.region_q("", MANAGERS), code__in=codes))
        missing = sorted(set(codes) - {c.code for c in communities})
        if not codes or missing:
            form.add_error("communities", _("Not communities of your region: %(codes)s") % {"codes": " ".join(missing)}
                           if missing else _("Give at least one 12-digit community code."))
        else:
            region = home if home and all(home.contains(c) for c in communities) else None
            try:
                if region is None:
                    raise DomainError(_("The communities are outside your region."), field="communities")
                dep = deploying.deployment_post(actor=request.user, region=region, title=d["title"], total=d["total"],
                                                communities=communities, organisations=list(d["organisations"]),
                                                role=d["role"], start=d["start"], end=d["end"], notes=d["notes"])
                messages.success(request, _("The deployment is posted: one need per community."))
                return redirect("needs:deployment", pk=dep.pk)
            except DomainError as e:
                _form_error(form, e)
    items = selectors.deployments_managed(request.user)[:50]
    return render(request, "needs/deployments.html", {"section": "dispatch", "form": form, "items": items},
                  status=422 if form.errors else 200)


@login_required
def deployment(request, pk: int):
    dep = selectors.deployment_get(request.user, pk)
    if request.method == "POST":
        try:
            run = dispatching.dispatch_start(actor=request.user, region=dep.region, deployment=dep,
                                             max_km=dispatching.DEPLOYMENT_MAX_KM)
            return redirect("needs:run", pk=run.pk)
        except DomainError as e:
            messages.error(request, str(e.message))
    needs = dep.needs.select_related("region", "role").order_by("region__code")
    runs = dep.runs.all()[:10]
    return render(request, "needs/deployment.html", {"section": "dispatch", "dep": dep, "needs": needs, "runs": runs,
                                                     "is_open": dep.status != Deployment.Status.CANCELLED})
