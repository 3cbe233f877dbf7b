"""Pages of mass testing: campaigns and boards, the desk, boxes, the lab, and the residents' pages."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from muster.accounts.models import RoleGrant
from muster.accounts.scoping import MANAGERS, Scope
from muster.core import importjobs, pii
from muster.core.errors import DomainError
from muster.core.http import json_endpoint
from muster.core.models import ImportJob
from muster.geo import selectors as geo
from muster.geo.models import Region, Site
from muster.people import selectors as people_selectors
from muster.testing import actions, selectors
from muster.testing.forms import (
    BoxForm,
    CampaignForm,
    FlagForm,
    FlagImportForm,
    LookupCodeForm,
    LookupForm,
    PersonSearchForm,
    PlanningForm,
    PointForm,
    PreregisterForm,
    ResultsForm,
    TeamAddForm,
)
from muster.testing.models import (
    Box,
    Campaign,
    LabRun,
    Registration,
    Sample,
    SingleTubeFlag,
    TeamMember,
    Tube,
)
from muster.testing.planning import (
    DeskPlanInput,
    LabPlanInput,
    PlanningError,
    PoolPlanInput,
    plan_desks,
    plan_lab,
    plan_pools,
)
from muster.web import qr
from muster.web.paging import page_of
from muster.web.redirects import safe_next


def outcome_label(key: str) -> str:
    return {"pending": _("Awaiting result"), "negative": _("Negative"), "positive": _("Positive"),
            "recalled": _("Pooled tube positive: come back for a single-tube re-test")}.get(key, key)


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


# --- campaigns ---------------------------------------------------------------------------------

@login_required
def campaigns(request):
    qs = selectors.campaigns_visible(request.user).order_by("-starts_at")
    return render(request, "testing/campaigns.html", {"section": "testing", "page": page_of(qs, request.GET.get("page")),
                                                      "can_create": Scope.of(request.user).has_role(MANAGERS)})


@login_required
def campaign_new(request):
    if not Scope.of(request.user).has_role(MANAGERS):
        raise PermissionDenied
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    form = CampaignForm(request.POST or None, initial={"starts_at": now, "ends_at": now + dt.timedelta(hours=15)})
    form.fields["labs"].queryset = selectors.labs_usable(request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = geo.regions_visible(request.user).filter(code=d["region"]).first()
        if region is None:
            form.add_error("region", _("No region with this code in your scope."))
        else:
            try:
                c = actions.campaign_create(actor=request.user, data=actions.CampaignData(
                    name=d["name"], region=region, starts_at=d["starts_at"], ends_at=d["ends_at"], pool_size=d["pool_size"],
                    round=d["round"], prevalence=d["prevalence"], labs=tuple(d["labs"])))
                messages.success(request, _("Campaign created."))
                return redirect("testing:campaign", c.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(request, "testing/form.html", {"section": "testing", "form": form, "title": _("New campaign")})


@login_required
def campaign(request, pk: int):
    c = selectors.campaign_get(request.user, pk)
    can_manage = selectors.can_manage(request.user, c)
    teams = selectors.team_sizes(c) if can_manage else []
    return render(request, "testing/campaign.html", {
        "section": "testing", "c": c, "stats": selectors.progress(c), "points": selectors.progress_by_point(c),
        "can_manage": can_manage, "labs": c.labs.all(), "teams": teams,
        "is_manager": Scope.of(request.user).has_role(MANAGERS),
        "prereg_url": request.build_absolute_uri(reverse("testing:preregister", args=[c.pk])),
    })


@login_required
def campaign_board(request, pk: int):
    """The board's figures alone, for htmx polling."""
    c = selectors.campaign_get(request.user, pk)
    return render(request, "testing/_board.html", {"c": c, "stats": selectors.progress(c), "points": selectors.progress_by_point(c)})


@login_required
@require_POST
def campaign_status(request, pk: int):
    c = selectors.campaign_get(request.user, pk)
    actions.campaign_set_status(actor=request.user, campaign=c, status=request.POST.get("status", ""))
    return redirect("testing:campaign", c.pk)


@login_required
def point_add(request, pk: int):
    c = selectors.campaign_get(request.user, pk)
    if not selectors.can_manage(request.user, c):
        raise PermissionDenied
    form = PointForm(request.POST or None)
    form.fields["site"].queryset = Site.objects.filter(kind=Site.Kind.COLLECTION, region__path__startswith=c.region.path).exclude(
        pk__in=c.points.values("site_id")).select_related("region")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.point_add(actor=request.user, campaign=c, site=d["site"], desks=d["desks"], opens=d["opens"], closes=d["closes"])
            messages.success(request, _("Collection point added."))
            return redirect("testing:campaign", c.pk)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "testing/form.html", {"section": "testing", "form": form, "title": _("Add a collection point"), "c": c})


@login_required
def planning(request, pk: int):
    """The planning engine's figures for this campaign: the same as `muster plan pool|desks|lab`."""
    c = selectors.campaign_get(request.user, pk)
    hours = max(0.1, round((c.ends_at - c.starts_at).total_seconds() / 3600, 1))
    initial = {"prevalence": c.prevalence, "max_pool": 20, "stages": 2, "people": max(1, c.target_population), "hours": hours,
               "service_seconds": 30, "max_mean_wait_minutes": 5, "points": max(1, c.points.count()), "turnaround_hours": 24}
    form = PlanningForm(request.GET or None, initial=initial)
    params = form.cleaned_data if form.is_bound and form.is_valid() else (initial if not form.is_bound else None)
    plan = {}
    if params:
        try:
            plan["pool"] = plan_pools(PoolPlanInput(prevalence=params["prevalence"], max_pool=params["max_pool"], stages=params["stages"]))
            plan["campaign_pool"] = plan_pools(PoolPlanInput(prevalence=params["prevalence"], max_pool=c.pool_size, stages=2,
                                                             allowed=(c.pool_size,))) if c.pool_size > 1 else None
            plan["desks"] = plan_desks(DeskPlanInput(people=params["people"], hours=params["hours"], service_seconds=params["service_seconds"],
                                                     max_mean_wait_minutes=params["max_mean_wait_minutes"], points=params["points"]))
            plan["lab"] = plan_lab(LabPlanInput(people=params["people"], prevalence=params["prevalence"],
                                                pool_sizes=(c.pool_size,) if c.pool_size > 1 else (1,),
                                                turnaround_hours=params["turnaround_hours"]))
        except PlanningError as exc:
            form.add_error(None, str(exc.message))
        except Exception as exc:  # noqa: BLE001 - pydantic validation of a combination the form let through
            form.add_error(None, str(exc).splitlines()[0][:200])
    return render(request, "testing/planning.html", {"section": "testing", "c": c, "form": form, "plan": plan, "params": params})


@login_required
def unsampled(request, pk: int):
    c = selectors.campaign_get(request.user, pk)
    if not Scope.of(request.user).has_role(MANAGERS):
        raise PermissionDenied
    region = None
    code = request.GET.get("region", "").strip()
    if code:
        region = geo.regions_visible(request.user).filter(code=code).first()
    too_wide = selectors.unsampled_too_wide(request.user, c, region)
    page = None if too_wide else page_of(selectors.unsampled(request.user, c, region), request.GET.get("page"))
    return render(request, "testing/unsampled.html", {"section": "testing", "c": c, "page": page, "too_wide": too_wide,
                                                      "region": region})


@login_required
def recalls(request, pk: int):
    c = selectors.campaign_get(request.user, pk)
    if not Scope.of(request.user).has_role(MANAGERS):
        raise PermissionDenied
    qs = selectors.recall_items(request.user, c, open_only=request.GET.get("all") != "1")
    return render(request, "testing/recalls.html", {"section": "testing", "c": c, "page": page_of(qs, request.GET.get("page"))})


@login_required
@require_POST
def recall_contact(request, item_id: int):
    item = selectors.recall_items(request.user, open_only=False).filter(pk=item_id).first()
    if item is None:
        raise Http404
    try:
        actions.recall_contact(actor=request.user, item=item)
        messages.success(request, _("Marked as contacted."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(safe_next(request, reverse("testing:recalls", args=[item.recall.campaign_id])))


# --- collection-point teams and single-tube flags ----------------------------------------------

PICK_LIMIT = 10  # search results offered to pick from; a longer list means the search was too vague


def _managers_only(request) -> None:
    if not Scope.of(request.user).has_role(MANAGERS):
        raise PermissionDenied


def _managed_point(request, point_id: int):
    point = selectors.point_get_for_campaign(request.user, point_id)
    if not selectors.can_manage(request.user, point.campaign):
        raise PermissionDenied
    return point


def _search(request) -> tuple[PersonSearchForm, list]:
    """The name / ID-number search box and up to PICK_LIMIT people of the user's regions it finds."""
    source = request.POST if request.method == "POST" else request.GET
    form = PersonSearchForm({"q": source.get("q", "")})
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = list(people_selectors.people_search(request.user, q=q)[:PICK_LIMIT + 1]) if q else []
    return form, found


@login_required
def team(request, point_id: int):
    """A collection point's team: who samples and registers there; add by search, remove."""
    point = _managed_point(request, point_id)
    form = TeamAddForm(request.POST or None, people=people_selectors.people_visible(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            member = actions.team_add(actor=request.user, point=point, person=d["person"], role=d["role"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            text = _("%(name)s joined the team as %(role)s.") % {"name": member.person.name, "role": member.get_role_display()}
            if member.grant_id:
                text += " " + _("Their account can now work the desk here.")
            messages.success(request, text)
            return redirect("testing:team", point.pk)
    search, found = _search(request)
    members = list(selectors.team_of(point))
    # Who may not be sent (people.fitness), shown beside members and instead of "add" for those found.
    from muster.people import fitness
    from muster.testing.fitness import point_duty

    unfit = fitness.unfit([m.person_id for m in members] + [p.pk for p in found[:PICK_LIMIT]], point_duty(point))
    unfit_why = {pid: fitness.says(reasons) for pid, reasons in unfit.items()}
    for m in members:
        m.unfit_why = unfit_why.get(m.person_id, "")
    accounts = {m.person_id: m.person.user for m in members if hasattr(m.person, "user")}
    at_desk = set(RoleGrant.objects.filter(user__in=list(accounts.values()), site=point.site, role__in=actions.DESK_ROLES)
                  .values_list("user_id", flat=True)) if accounts else set()
    for m in members:
        account = accounts.get(m.person_id)
        m.phone_masked = pii.mask_phone(m.person.phone)
        m.desk = None if account is None else account.pk in at_desk
    on_team = {m.person_id for m in members}
    return render(request, "testing/team.html", {
        "section": "testing", "point": point, "c": point.campaign, "members": members, "form": form, "search": search,
        "found": [p for p in found[:PICK_LIMIT]], "more": len(found) > PICK_LIMIT, "on_team": on_team,
        "roles": TeamMember.Role.choices, "unfit_why": unfit_why,
    }, status=422 if form.errors else 200)


@login_required
@require_POST
def team_remove(request, point_id: int, member_id: int):
    point = _managed_point(request, point_id)
    member = TeamMember.objects.filter(point=point, pk=member_id).select_related("person").first()
    if member is None:
        raise Http404
    member.point = point
    try:
        actions.team_remove(actor=request.user, member=member)
        messages.success(request, _("%(name)s left the team.") % {"name": member.person.name})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("testing:team", point.pk)


def _flags_page(request, *, form=None, upload=None, report=None):
    search, found = _search(request)
    flagged = set(SingleTubeFlag.objects.filter(person__in=found, active=True).values_list("person_id", flat=True)) if found else set()
    status = 422 if (form is not None and form.errors) or (upload is not None and upload.errors) or (report and not report.ok) else 200
    return render(request, "testing/flags.html", {
        "section": "testing", "page": page_of(selectors.flags_visible(request.user), request.GET.get("page")),
        "search": search, "found": found[:PICK_LIMIT], "more": len(found) > PICK_LIMIT, "flagged": flagged,
        "form": form, "upload": upload if upload is not None else FlagImportForm(), "report": report, "reasons": SingleTubeFlag.Reason.choices,
    }, status=status)


@login_required
def flags(request):
    """People who must be sampled alone (contacts, people in quarantine), in the user's regions."""
    _managers_only(request)
    return _flags_page(request)


@login_required
@require_POST
def flag_add(request):
    _managers_only(request)
    form = FlagForm(request.POST, people=people_selectors.people_visible(request.user))
    if form.is_valid():
        d = form.cleaned_data
        try:
            changed = actions.flag_set(actor=request.user, person=d["person"], reason=d["reason"], note=d["note"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            if changed:
                messages.success(request, _("%(name)s must now be sampled in a single tube.") % {"name": d["person"].name})
            else:
                messages.info(request, _("%(name)s is already flagged for this reason.") % {"name": d["person"].name})
            return redirect("testing:flags")
    return _flags_page(request, form=form)


@login_required
@require_POST
def flag_lift(request, flag_id: int):
    _managers_only(request)
    flag = selectors.flags_visible(request.user).filter(pk=flag_id).first()
    if flag is None:
        raise Http404
    actions.flag_set(actor=request.user, person=flag.person, reason=flag.reason, active=False)
    messages.success(request, _("%(name)s may be sampled in pooled tubes again.") % {"name": flag.person.name})
    return redirect("testing:flags")


@login_required
@require_POST
def flags_import(request):
    """A CSV/XLSX of ID numbers to flag: all or nothing, with a report by line."""
    _managers_only(request)
    upload = FlagImportForm(request.POST, request.FILES)
    report = None
    if upload.is_valid():
        d = upload.cleaned_data
        try:
            report = importjobs.start_or_run(actor=request.user, kind="flags", importer="muster.testing.actions.flags_import",
                                             data=d["file"].read(), filename=d["file"].name,
                                             params={"reason": d["reason"], "note": d["note"]}, back_url=reverse("testing:flags"))
        except DomainError as exc:
            _form_error(upload, exc)
        else:
            if isinstance(report, ImportJob):
                return redirect("import_job", report.pk)
            if report.ok:
                text = ngettext("%(n)d person flagged for single tubes.", "%(n)d people flagged for single tubes.",
                                report.created) % {"n": report.created}
                if report.unchanged:
                    text += " " + ngettext("%(n)d was flagged already.", "%(n)d were flagged already.",
                                           report.unchanged) % {"n": report.unchanged}
                messages.success(request, text)
                return redirect("testing:flags")
    return _flags_page(request, upload=upload, report=report)


# --- the desk ----------------------------------------------------------------------------------

@login_required
def desks(request):
    points = list(selectors.points_for_desk(request.user))
    if len(points) == 1 and not request.GET.get("all"):
        return redirect("testing:desk", points[0].pk)
    return render(request, "testing/desks.html", {"section": "desk", "points": points})


@login_required
def desk(request, point_id: int):
    point = selectors.point_get(request.user, point_id)
    return render(request, "testing/desk.html", {"section": "desk", "point": point, "campaign": point.campaign,
                                                 "csrf_cookie": settings.CSRF_COOKIE_NAME})


# The desk page now talks to the API (/api/v1/testing/points/…). These four stay, answering JSON
# for every outcome, for desks still running a page loaded before that change: their queued
# scans must not meet a 404 page. Remove them with issue 17.
def _json_error(exc: DomainError) -> JsonResponse:
    body = exc.as_problem()
    body["ok"] = False
    return JsonResponse(body, status=exc.status)


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = request.POST.dict()
    return data


@json_endpoint
@login_required
@require_POST
def desk_open(request, point_id: int):
    point = selectors.point_get(request.user, point_id)
    data = _body(request)
    try:
        tube = actions.tube_open(actor=request.user, point=point, barcode=str(data.get("barcode", "")), single=bool(data.get("single")))
    except DomainError as exc:
        return _json_error(exc)
    return JsonResponse({"ok": True, "tube": {"barcode": tube.barcode, "count": tube.count, "capacity": tube.capacity, "status": tube.status}})


@json_endpoint
@login_required
@require_POST
def desk_scan(request, point_id: int):
    point = selectors.point_get(request.user, point_id)
    data = _body(request)
    try:
        res = actions.desk_scan(actor=request.user, point=point, tube_barcode=str(data.get("tube", "")), scan=str(data.get("scan", "")),
                                client_key=str(data.get("key", "")))
    except DomainError as exc:
        return _json_error(exc)
    return JsonResponse(res)


@json_endpoint
@login_required
@require_POST
def desk_close(request, point_id: int):
    point = selectors.point_get(request.user, point_id)
    data = _body(request)
    try:
        tube = actions.tube_close(actor=request.user, point=point, barcode=str(data.get("barcode", "")))
    except DomainError as exc:
        return _json_error(exc)
    return JsonResponse({"ok": True, "tube": {"barcode": tube.barcode, "count": tube.count, "capacity": tube.capacity, "status": tube.status}})


@json_endpoint
@login_required
@require_POST
def desk_walkin(request, point_id: int):
    point = selectors.point_get(request.user, point_id)
    data = _body(request)
    try:
        person = actions.walkin_register(actor=request.user, point=point, name=str(data.get("name", "")),
                                         id_number=str(data.get("id_number", "")), phone=str(data.get("phone", "")))
    except DomainError as exc:
        return _json_error(exc)
    return JsonResponse({"ok": True, "person": person.name})


# --- boxes -------------------------------------------------------------------------------------

@login_required
def boxes(request, point_id: int):
    point = selectors.point_get(request.user, point_id)
    form = BoxForm(request.POST or None)
    form.fields["lab"].queryset = point.campaign.labs.all()
    if request.method == "POST" and form.is_valid():
        try:
            box = actions.box_open(actor=request.user, point=point, barcode=form.cleaned_data["barcode"], lab=form.cleaned_data["lab"])
            return redirect("testing:box", point.pk, box.pk)
        except DomainError as exc:
            _form_error(form, exc)
    qs = selectors.boxes_at_point(request.user, point)
    waiting = Tube.objects.filter(point=point, status=Tube.Status.CLOSED, box__isnull=True).count()
    page = page_of(qs, request.GET.get("page"))
    for b in page.items:
        b.overdue = selectors.is_overdue(b)
    return render(request, "testing/boxes.html", {"section": "desk", "point": point, "form": form, "page": page, "waiting": waiting})


@login_required
def box(request, point_id: int, box_id: int):
    point = selectors.point_get(request.user, point_id)
    b = selectors.box_get_for_point(request.user, point, box_id)
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "add":
                n = actions.box_add_tubes(actor=request.user, box=b, barcodes=request.POST.get("tubes", "").split())
                messages.success(request, _("%(n)s tubes added.") % {"n": n})
            elif op == "seal":
                actions.box_seal(actor=request.user, box=b)
                messages.success(request, _("Box sealed."))
            elif op == "hand":
                actions.box_hand_over(actor=request.user, box=b, courier=request.POST.get("courier", ""))
                messages.success(request, _("Handed over to the courier."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("testing:box", point.pk, b.pk)
    b.overdue = selectors.is_overdue(b)
    return render(request, "testing/box.html", {"section": "desk", "point": point, "box": b, "tubes": b.tubes.order_by("barcode"),
                                                "events": b.events.select_related("by")})


# --- the lab -----------------------------------------------------------------------------------

@login_required
def labs(request):
    labs = list(selectors.labs_for(request.user))
    if len(labs) == 1:
        return redirect("testing:lab", labs[0].pk)
    return render(request, "testing/labs.html", {"section": "lab", "labs": labs})


@login_required
def lab(request, lab_id: int):
    lab = selectors.lab_get(request.user, lab_id)
    form = ResultsForm()
    report = None
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "receive":
                b = actions.box_receive(actor=request.user, lab=lab, barcode=request.POST.get("barcode", ""),
                                        receiver=request.POST.get("receiver", ""))
                messages.success(request, _("Box %(code)s received: %(n)s tubes.") % {"code": b.barcode, "n": b.tube_count})
                return redirect("testing:lab", lab.pk)
            if op == "run":
                run = actions.run_create(actor=request.user, lab=lab, analyser=request.POST.get("analyser", ""))
                return redirect("testing:run", lab.pk, run.pk)
            if op == "results":
                form = ResultsForm(request.POST, request.FILES)
                if form.is_valid():
                    f = form.cleaned_data.get("file")
                    if f:
                        report = importjobs.start_or_run(actor=request.user, kind="results", importer="muster.testing.actions.results_import",
                                                         data=f.read(), filename=f.name, params={"lab": lab.pk},
                                                         back_url=reverse("testing:lab", args=[lab.pk]))
                        if isinstance(report, ImportJob):
                            return redirect("import_job", report.pk)
                    else:
                        rows, errors = actions.parse_result_text(form.cleaned_data["lines"])
                        report = actions.results_enter(actor=request.user, lab=lab, rows=rows, errors=errors)
                    if report.ok:
                        messages.success(request, _("%(n)s results saved.") % {"n": report.updated})
                        return redirect("testing:lab", lab.pk)
        except DomainError as exc:
            messages.error(request, str(exc.message))
    boxes = selectors.boxes_for_lab(lab)
    incoming = list(boxes.filter(status__in=[Box.Status.CLOSED, Box.Status.IN_TRANSIT]).order_by("handed_at")[:100])
    for b in incoming:
        b.overdue = selectors.is_overdue(b)
    tubes = selectors.tubes_for_lab(lab)
    counts = {
        "received": tubes.filter(box__status=Box.Status.RECEIVED).count(),
        "waiting": tubes.filter(box__status=Box.Status.RECEIVED, result="").count(),
        "rerun": tubes.filter(result__in=[Tube.Result.INVALID, Tube.Result.RERUN]).count(),
        "positive": tubes.filter(result=Tube.Result.POSITIVE).count(),
    }
    runs = LabRun.objects.filter(lab=lab)[:10]
    return render(request, "testing/lab.html", {"section": "lab", "lab": lab, "incoming": incoming, "counts": counts, "runs": runs,
                                                "form": form, "report": report,
                                                "recent": tubes.exclude(result="").order_by("-resulted_at")[:20]})


@login_required
def run(request, lab_id: int, run_id: int):
    lab = selectors.lab_get(request.user, lab_id)
    r = get_object_or_404(LabRun, pk=run_id, lab=lab)
    tubes = list(selectors.tubes_for_lab(lab).filter(run=r).order_by("run_position"))
    for t in tubes:
        p = t.run_position - 1
        t.well = f"{'ABCDEFGH'[p % 8]}{p // 8 + 1}" if p < 96 else str(t.run_position)
    return render(request, "testing/run.html", {"section": "lab", "lab": lab, "run": r, "tubes": tubes})


# --- residents (no login) ----------------------------------------------------------------------
# Public pages: throttled per address (and the look-up per name) in the shared cache, so the
# limits hold across workers; see settings' LOOKUP_*/PREREGISTER_*/VERIFY_* rates.

def _too_many(request, group: str, rate: str, key="ip", method="POST") -> bool:
    from django_ratelimit.core import is_ratelimited

    return is_ratelimited(request, group=group, key=key, rate=rate, method=method, increment=True)


def _name_key(group, request) -> str:
    return "".join(request.POST.get("name", "").split())[:60]


def preregister(request, pk: int):
    c = get_object_or_404(Campaign.objects.select_related("region"), pk=pk)
    form = PreregisterForm(request.POST or None)
    form.fields["community"].queryset = Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=c.region.path).order_by("code")
    reg, sent, status = None, False, 200
    if request.method == "POST" and (_too_many(request, "testing.preregister", settings.PREREGISTER_RATE_IP)
                                     or _too_many(request, "testing.preregister.name", settings.LOOKUP_RATE_NAME, key=_name_key)):
        form = PreregisterForm(request.POST)
        form.fields["community"].queryset = Region.objects.none()
        form.is_valid()
        form.add_error(None, _("Too many registrations from here. Please try again in an hour, or register at the desk."))
        status = 429
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reg = actions.preregister_self(campaign=c, name=d["name"], id_type=d["id_type"], id_number=d["id_number"],
                                           phone=d["phone"], community=d["community"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            if reg is not None:
                request.session["testing_code"] = reg.code
                return redirect("testing:my_code", c.pk)
            sent = True
    return render(request, "testing/preregister.html", {"c": c, "form": form, "reg": reg, "sent": sent}, status=status)


def my_code(request, pk: int):
    code = request.session.get("testing_code", "")
    reg = Registration.objects.filter(code=code, campaign_id=pk).select_related("campaign", "person").first()
    if reg is None:
        return redirect("testing:preregister", pk)
    svg = qr.svg(reg.code, scale=8)
    return render(request, "testing/my_code.html", {"reg": reg, "svg": svg, "masked": selectors.mask_name(reg.person.name)})


def lookup(request):
    """Name + ID number, then a second factor (personal code, or a one-time code by SMS); see testing.access."""
    from muster.testing import access

    posted = request.method == "POST"
    confirming = posted and "otp" in request.POST
    form = LookupForm(request.POST if posted and not confirming else None)
    code_form = LookupCodeForm(request.POST if confirming else None)
    step = "code" if confirming or (request.GET.get("step") == "code" and request.session.get(access.SESSION_KEY)) else "id"
    context = {"form": form, "code_form": code_form, "step": step}
    if not posted:
        return render(request, "testing/lookup.html", context)
    if _too_many(request, "testing.lookup", settings.LOOKUP_RATE_IP) or (
            not confirming and _too_many(request, "testing.lookup.name", settings.LOOKUP_RATE_NAME, key=_name_key)):
        return render(request, "testing/lookup.html", {**context, "throttled": True}, status=429)
    outcome = None
    if confirming and code_form.is_valid():
        outcome = access.lookup_confirm(request.session, otp=code_form.cleaned_data["otp"])
    elif not confirming and form.is_valid():
        d = form.cleaned_data
        outcome = access.lookup_start(request.session, name=d["name"], id_number=d["id_number"], code=d["code"])
    if outcome is not None:
        if outcome.person is not None:
            return redirect("testing:my_results")
        if outcome.locked:
            return render(request, "testing/lookup.html", {**context, "locked": True}, status=429)
        if outcome.challenge and not outcome.error:
            return redirect(reverse("testing:lookup") + "?step=code")
        if outcome.error:
            (code_form if confirming else form).add_error(None, outcome.error)
            if not request.session.get(access.SESSION_KEY):
                context["step"] = "id"
    return render(request, "testing/lookup.html", context, status=422)


def _session_person(request):
    from muster.people.models import Person

    pk = request.session.get("testing_person")
    person = Person.objects.filter(pk=pk).first() if pk else None
    if person is None:
        raise Http404
    return person


def my_results(request):
    try:
        person = _session_person(request)
    except Http404:
        return redirect("testing:lookup")
    results = selectors.resident_results(person)
    for r in results:
        r["label"] = outcome_label(r["outcome"])
    return render(request, "testing/my_results.html", {"person": person, "masked": selectors.mask_name(person.name), "results": results})


def report_pdf(request, sample_id: int):
    from muster.testing.pdf import document

    person = _session_person(request)
    sample = get_object_or_404(Sample.objects.select_related("campaign", "tube", "point__site", "person"), pk=sample_id,
                               person=person, is_resample=False)
    result = selectors.outcome(sample)
    report = actions.report_issue(sample=sample, result=result)
    url = request.build_absolute_uri(reverse("testing:verify", args=[report.token]))
    local = timezone.localtime(sample.registered_at)
    pdf = document([{
        "title": _("Nucleic acid test report"), "subtitle": sample.campaign.name,
        "lines": [(_("Name"), person.name), (_("ID number"), person.id_masked), (_("Sampled at"), f"{local:%Y-%m-%d %H:%M}"),
                  (_("Collection point"), sample.point.site.name), (_("Tube"), sample.tube.barcode),
                  (_("Pooling"), f"{sample.tube.capacity}混1" if sample.tube.capacity > 1 else _("single tube")),
                  (_("Result"), outcome_label(result)),
                  (_("Issued"), f"{timezone.localtime(report.issued_at):%Y-%m-%d %H:%M}")],
        "verify_label": _("Scan the code or open this address to verify this report:"), "url": url,
    }], title=_("Nucleic acid test report"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{sample.pk}.pdf"'
    return response


def verify(request, token: str):
    if _too_many(request, "testing.verify", settings.VERIFY_RATE_IP, method="GET"):
        return render(request, "testing/verify.html", {"report": None, "throttled": True}, status=429)
    report = selectors.report_by_token(token)
    if report is None:
        return render(request, "testing/verify.html", {"report": None}, status=404)
    s = report.sample
    return render(request, "testing/verify.html", {
        "report": report, "name": selectors.mask_name(s.person.name), "id_masked": s.person.id_masked, "campaign": s.campaign,
        "sampled": s.registered_at, "label": outcome_label(report.result), "current": outcome_label(selectors.outcome(s)),
    })

