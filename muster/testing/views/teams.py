"""Collection-point teams and single-tube flags: pages for command and coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from muster.core import importjobs
from muster.core.errors import DomainError
from muster.core.models import ImportJob
from muster.people import selectors as people_selectors
from muster.testing import actions, permissions, selectors
from muster.testing.forms import FlagForm, FlagImportForm, PersonSearchForm, ShiftForm, TeamAddForm
from muster.testing.models import SingleTubeFlag, TeamMember
from muster.web.forms import add_domain_error
from muster.web.paging import page_of

PICK_LIMIT = 10  # search results offered to pick from; a longer list means the search was too vague


def _managed_point(request, point_id: int):
    point = selectors.point_get_for_campaign(request.user, point_id)
    permissions.require_campaign_manager(request.user, point.campaign)
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
            add_domain_error(form, exc)
        else:
            text = _("%(name)s joined the team as %(role)s.") % {"name": member.person.name, "role": member.get_role_display()}
            if member.grant_id:
                text += " " + _("Their account can now work the desk here.")
            messages.success(request, text)
            return redirect("testing:team", point.pk)
    search, found = _search(request)
    members = list(selectors.team_of(point))
    # Who may not be sent (people.fitness), shown beside members and instead of "add" for those found.
    unfit_why = selectors.team_fitness(point, members, found[:PICK_LIMIT])
    on_team = {m.person_id for m in members}
    return render(request, "testing/team.html", {
        "section": "testing", "point": point, "c": point.campaign, "members": members, "form": form, "search": search,
        "found": found[:PICK_LIMIT], "more": len(found) > PICK_LIMIT, "on_team": on_team,
        "roles": TeamMember.Role.choices, "unfit_why": unfit_why,
    }, status=422 if form.errors else 200)


@login_required
@require_POST
def team_remove(request, point_id: int, member_id: int):
    point = _managed_point(request, point_id)
    member = selectors.team_member_get(point, member_id)
    try:
        actions.team_remove(actor=request.user, member=member)
        messages.success(request, _("%(name)s left the team.") % {"name": member.person.name})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("testing:team", point.pk)


def _flags_page(request, *, form=None, upload=None, report=None):
    search, found = _search(request)
    status = 422 if (form is not None and form.errors) or (upload is not None and upload.errors) or (report and not report.ok) else 200
    return render(request, "testing/flags.html", {
        "section": "testing", "page": page_of(selectors.flags_visible(request.user), request.GET.get("page")),
        "search": search, "found": found[:PICK_LIMIT], "more": len(found) > PICK_LIMIT, "flagged": selectors.flagged_among(found),
        "form": form, "upload": upload if upload is not None else FlagImportForm(), "report": report, "reasons": SingleTubeFlag.Reason.choices,
    }, status=status)


@login_required
def flags(request):
    """People who must be sampled alone (contacts, people in quarantine), in the user's regions."""
    permissions.require_any_manager(request.user)
    return _flags_page(request)


@login_required
@require_POST
def flag_add(request):
    permissions.require_any_manager(request.user)
    form = FlagForm(request.POST, people=people_selectors.people_visible(request.user))
    if form.is_valid():
        d = form.cleaned_data
        try:
            changed = actions.flag_set(actor=request.user, person=d["person"], reason=d["reason"], note=d["note"])
        except DomainError as exc:
            add_domain_error(form, exc)
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
    permissions.require_any_manager(request.user)
    flag = selectors.flag_get(request.user, flag_id)
    actions.flag_set(actor=request.user, person=flag.person, reason=flag.reason, active=False)
    messages.success(request, _("%(name)s may be sampled in pooled tubes again.") % {"name": flag.person.name})
    return redirect("testing:flags")


@login_required
@require_POST
def flags_import(request):
    """A CSV/XLSX of ID numbers to flag: all or nothing, with a report by line."""
    permissions.require_any_manager(request.user)
    upload = FlagImportForm(request.POST, request.FILES)
    report = None
    if upload.is_valid():
        d = upload.cleaned_data
        try:
            report = importjobs.start_or_run(actor=request.user, kind="flags", importer="muster.testing.actions.flags_import",
                                             data=d["file"].read(), filename=d["file"].name,
                                             params={"reason": d["reason"], "note": d["note"]}, back_url=reverse("testing:flags"))
        except DomainError as exc:
            add_domain_error(upload, exc)
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


@login_required
def roll(request, point_id: int):
    """The point's staff roll: the lead records who of the team was on duty from when to when (the hours ledger
    takes each shift once); the desk's first and last scans of today are shown as a hint."""
    point = selectors.point_for_roll(request.user, point_id)
    members = list(selectors.team_of(point))
    form = ShiftForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = next(m.person for m in members if m.person_id == d["person"])
        try:
            actions.shift_record(actor=request.user, point=point, person=person, starts_at=d["starts_at"],
                                 ends_at=d["ends_at"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Shift recorded for %(name)s.") % {"name": person.name})
            return redirect("testing:roll", point.pk)
    spans = selectors.desk_spans(point, timezone.localdate())
    hints = [(m, spans[m.person_id]) for m in members if m.person_id in spans]
    return render(request, "testing/roll.html", {
        "section": "testing", "point": point, "c": point.campaign, "form": form, "shifts": selectors.shifts_of(point),
        "hints": hints}, status=422 if form.errors else 200)
