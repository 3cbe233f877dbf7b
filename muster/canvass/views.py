"""Canvass pages: the leaders' campaign board, and the visitor's phone pages (walk lists, door by door, offline)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from muster.canvass import actions, pdf, proposals, questions, selectors, svgmap
from muster.canvass.audits import Audit
from muster.canvass.forms import (
    ActForm,
    AssignForm,
    CampaignForm,
    CutForm,
    FollowUpCheckForm,
    FollowUpOpenForm,
    MoveForm,
    TeamForm,
)
from muster.canvass.models import Visit
from muster.core.errors import DomainError
from muster.web.decorators import managers_only
from muster.web.exports import Sheet, respond
from muster.web.forms import add_domain_error


@managers_only
def campaigns(request):
    form = CampaignForm(request.POST or None, initial={
        "starts_at": timezone.localtime().replace(minute=0, second=0, microsecond=0),
        "ends_at": timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            region = selectors.region_for_leader(request.user, d["region_code"])
            c = actions.campaign_create(actor=request.user, name=d["name"], region=region, purpose_text=d["purpose"],
                                        template=d["template"], starts_at=d["starts_at"], ends_at=d["ends_at"],
                                        max_rounds=d["max_rounds"])
            actions.lists_cut(actor=request.user, campaign=c, lists=d["lists"])
            return redirect("canvass:campaign", c.pk)
        except DomainError as e:
            add_domain_error(form, e, aliases={"region": "region_code"})
    rows = [(c, selectors.totals(c)) for c in selectors.campaigns_led(request.user)[:50]]
    return render(request, "canvass/campaigns.html", {"rows": rows, "form": form})


# Findings cards on the board (those awaiting review first); a district's thousands are read per street or community.
FINDINGS_SHOWN = 60


@managers_only
def campaign(request, pk: int):
    c = selectors.campaign_for_leader(request.user, pk)
    within = selectors.within_region(c, request.GET.get("in"))
    top = within or c.region
    default = {"district": "street", "street": "region"}.get(top.level, "building")
    by = request.GET.get("by") if request.GET.get("by") in ("street", "region", "building", "unit", "list") else default
    rows = selectors.coverage(c, by, within)
    if by in ("street", "region", "building"):
        found = selectors.finding_counts(c, by, within)
        for r in rows:
            r["findings"] = found.get(r[{"street": "region__parent_id", "region": "region_id"}.get(by, "building_id")], 0)
    small = top.level == "community"
    full = c.region.level != "district" or within is not None
    ctx = {"c": c, "within": within, "t": selectors.totals(c, within), "by": by, "rows": rows,
           # A district campaign's thousands of lists and its revisit list are read per street or community.
           "lists": selectors.lists_of(c, within, 300) if full else [], "buildings": selectors.buildings_of(c, within) if small else [],
           "findings": selectors.findings(request.user, c, within)[:FINDINGS_SHOWN], "findings_shown": FINDINGS_SHOWN,
           "conflicts": selectors.conflicts(c)[:200], "revisits": selectors.revisits(c, within, 500) if full else [],
           "dots": svgmap.layout(selectors.map_points(c, within)) if small else [], "W": svgmap.WIDTH, "H": svgmap.HEIGHT,
           "hotels": selectors.hotels(request.user, c), "assign": AssignForm(), "move": MoveForm(), "cutform": CutForm()}
    return render(request, "canvass/campaign.html", ctx)


@managers_only
def answers(request, pk: int):
    c = selectors.campaign_for_leader(request.user, pk)
    rows = selectors.answers(request.user, c)
    actions.answers_read(actor=request.user, campaign=c, count=len(rows))
    return render(request, "canvass/answers.html", {"c": c, "rows": rows, "questions": c.questions})


@managers_only
def export(request, pk: int):
    c = selectors.campaign_for_leader(request.user, pk)
    headers = [_("Walk list"), _("Community"), _("Building"), _("Unit"), _("Room"), _("Status"), _("Visit rounds")]
    return respond(request, action=Audit.EXPORT, filename=f"{c.name}.xlsx", region=c.region,
                   sheets=Sheet(title=c.name, headers=headers, rows=selectors.export_rows(c)))


def _post(request, c, form_class, fn):
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Some of the data is not valid."))
        return
    try:
        fn(form.cleaned_data)
        messages.success(request, _("Saved."))
    except DomainError as e:
        messages.error(request, str(e.message))


@managers_only
@require_POST
def cut(request, pk: int):
    c = selectors.campaign_for_leader(request.user, pk)
    _post(request, c, CutForm, lambda d: actions.lists_cut(actor=request.user, campaign=c, lists=d["lists"]))
    return redirect("canvass:campaign", c.pk)


@managers_only
@require_POST
def assign(request, pk: int):
    c = selectors.campaign_for_leader(request.user, pk)

    def go(d):
        who = selectors.visitor_named(request.user, d["assignee"]) if d["assignee"] else None
        actions.list_assign(actor=request.user, walk_list=selectors.list_of(c, d["number"]), assignee=who, team=d["team"])

    _post(request, c, AssignForm, go)
    return redirect("canvass:campaign", c.pk)


@managers_only
@require_POST
def move(request, pk: int):
    c = selectors.campaign_for_leader(request.user, pk)
    _post(request, c, MoveForm, lambda d: actions.building_move(
        actor=request.user, campaign=c, building=selectors.building_of(c, d["building"]),
        to_list=selectors.list_of(c, d["to_list"])))
    return redirect("canvass:campaign", c.pk)


@managers_only
@require_POST
def resolve(request, pk: int):
    v = selectors.visit_for_leader(request.user, pk)
    try:
        actions.conflict_resolve(actor=request.user, visit=v, accept=request.POST.get("accept") == "1")
    except DomainError as e:
        messages.error(request, str(e.message))
    return redirect("canvass:campaign", v.campaign_id)


@managers_only
@require_POST
def act(request, pk: int):
    f = selectors.finding_for_leader(request.user, pk)
    form = ActForm(request.POST)
    if form.is_valid():
        try:
            actions.finding_act(actor=request.user, finding=f, act=actions.FindingAct(
                action=form.cleaned_data["action"], site_id=form.cleaned_data["site"]))
            messages.success(request, _("Done: %(what)s.") % {"what": f.label})
        except DomainError as e:
            messages.error(request, str(e.message))
    return redirect(f"/canvass/c/{f.campaign_id}/#findings")


@login_required
def mine(request):
    return render(request, "canvass/mine.html", {"lists": selectors.my_lists(request.user)})


@login_required
def walk(request, pk: int):
    wl = selectors.my_list(request.user, pk)
    doors = list(selectors.doors_of(wl))
    people = selectors.people_at([d.pk for d in doors])
    data = {"choice_labels": {k: str(v) for k, v in questions.NEED_LABELS.items()}, "list": wl.pk, "campaign": wl.campaign_id, "user": request.user.pk, "questions": wl.campaign.questions,
            "results": [{"code": k, "label": str(v)} for k, v in Visit.Result.choices],
            "doors": [{"id": d.pk, "building": d.building.name if d.building else "", "unit": d.unit, "room": d.household.room,
                       "status": d.status, "status_label": d.get_status_display(), "rounds": d.rounds,
                       "building_id": d.building_id, "people": people.get(d.pk, [])} for d in doors]}
    words = {"online": _("Online"), "offline": _("Offline: visits are kept on this phone"), "yes": _("yes"), "no": _("no"),
             "name": _("Name"), "met": _("Met at the door"), "pick": _("Choose a result."),
             "saved": _("Visit saved on this phone."), "sent": _("All visits sent."),
             "conflict": _("Already completed by someone else: sent to the leader."),
             "signedOut": _("Signed out: sign in again to send."), "queued": _("not sent yet"), "round": pgettext("canvass", "round"),
             "stale": _("The security token is out of date: reload the page."),
             "needsNetwork": _("Adding a household needs the network; record it on the paper sheet for now.")}
    return render(request, "canvass/walk.html", {"wl": wl, "data": data, "words": words})


@login_required
def sheet(request, pk: int):
    wl = selectors.my_list(request.user, pk)
    actions.sheet_printed(actor=request.user, walk_list=wl)
    body = pdf.walk_sheet(wl, list(selectors.doors_of(wl)))
    resp = HttpResponse(body, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="walk-{wl.campaign_id}-{wl.number}.pdf"'
    return resp


@managers_only
def followups(request, pk: int):
    """The leader's follow-up list: open it from a finding or the door notices, see who checked when, overdue first."""
    c = selectors.campaign_for_leader(request.user, pk)
    form = FollowUpOpenForm(request.POST or None, rules=c.rules)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            who = selectors.visitor_named(request.user, d["assignee"]) if d["assignee"] else None
            rows = actions.followups_open(actor=request.user, campaign=c, rule="" if d["what"] == "notices" else d["what"],
                                          notices=d["what"] == "notices", every_hours=d["every_hours"], assignee=who)
            messages.success(request, _("%(n)d households added to the follow-up list.") % {"n": len(rows)})
            return redirect("canvass:followups", c.pk)
        except DomainError as e:
            add_domain_error(form, e, aliases={"rule": "what"})
    rows = _keyed(selectors.followups(request.user, c))
    return render(request, "canvass/followups.html", {"c": c, "form": form, "rows": rows, "check": FollowUpCheckForm(),
                                                      "overdue": sum(1 for r in rows if r.overdue), "back": ""})


def _keyed(rows: list) -> list:
    # Each check form carries its own idempotency key: a double tap or a resent form records one check.
    for r in rows:
        r.form_key = uuid.uuid4().hex
    return rows


@login_required
def my_followups(request):
    return render(request, "canvass/followups.html", {"rows": _keyed(selectors.my_followups(request.user)), "check": FollowUpCheckForm(),
                                                      "back": "mine"})


@login_required
@require_POST
def followup_check(request, pk: int):
    fu = selectors.followup_for(request.user, pk)
    form = FollowUpCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Some of the data is not valid."))
    else:
        try:
            d = form.cleaned_data
            actions.followup_check(actor=request.user, follow_up=fu, key=d["key"], result=d["result"], note=d["note"])
            messages.success(request, _("Saved."))
        except DomainError as e:
            messages.error(request, str(e.message))
    if request.POST.get("back") == "mine":
        return redirect("canvass:my_followups")
    return redirect("canvass:followups", fu.campaign_id)


@managers_only
@require_POST
def followup_close(request, pk: int):
    fu = selectors.followup_for(request.user, pk)
    try:
        actions.followup_close(actor=request.user, follow_up=fu)
    except DomainError as e:
        messages.error(request, str(e.message))
    return redirect("canvass:followups", fu.campaign_id)


@managers_only
def teams(request, pk: int):
    """Teams of the campaign, and the dispatch engine's proposal of who walks which unassigned list (reviewed, then
    applied in one step)."""
    c = selectors.campaign_for_leader(request.user, pk)
    form = TeamForm(request.POST or None) if request.POST.get("do") == "team" else TeamForm()
    if request.method == "POST" and request.POST.get("do") == "team" and form.is_valid():
        d = form.cleaned_data
        try:
            leader = selectors.visitor_named(request.user, d["leader"])
            members = [selectors.visitor_named(request.user, n) for n in d["members"].replace("，", ",").split(",") if n.strip()]
            actions.team_create(actor=request.user, campaign=c, name=d["name"], leader=leader, members=members)
            messages.success(request, _("Saved."))
            return redirect("canvass:teams", c.pk)
        except DomainError as e:
            add_domain_error(form, e, aliases={"assignee": "members"})
    if request.method == "POST" and request.POST.get("do") == "apply":
        try:
            lines = [tuple(x.split(":")) for x in request.POST.getlist("line")]
            n = actions.lists_apply(actor=request.user, campaign=c, lines=[(int(a), k, int(b)) for a, k, b in lines])
            messages.success(request, _("%(n)d walk lists assigned.") % {"n": n})
        except (ValueError, TypeError):
            messages.error(request, _("Some of the data is not valid."))
        except DomainError as e:
            messages.error(request, str(e.message))
        return redirect("canvass:teams", c.pk)
    lines, left = proposals.propose(c) if request.GET.get("propose") else (None, 0)
    return render(request, "canvass/teams.html", {"c": c, "form": form, "teams": selectors.teams_of(request.user, c),
                                                  "lines": lines, "left": left})
