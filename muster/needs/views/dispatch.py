"""The dispatcher's pages: start a run, review and confirm its proposal; cadre deployments over communities."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.accounts.scoping import Scope
from muster.core.errors import DomainError, Forbidden, InvalidInput
from muster.needs import actions, deploying, dispatching, selectors
from muster.needs.audits import Audit
from muster.needs.forms import DeploymentForm, DispatchForm
from muster.needs.models import Deployment, DispatchRun
from muster.people import fitness
from muster.people import selectors as people
from muster.web import exports
from muster.web.decorators import managers_only
from muster.web.forms import add_domain_error
from muster.web.widgets import split_region_list

RUN_VERBS = ("confirm", "discard")


@managers_only
def dispatch(request):
    home = Scope.of(request.user).home_region()
    form = DispatchForm(request.POST or None, regions=selectors.dispatch_regions(request.user),
                        initial={"region": home.code if home else ""})
    if request.method == "POST" and form.is_valid():
        try:
            run = actions.dispatch_start(actor=request.user, region=form.cleaned_data["region"],
                                         max_km=form.cleaned_data["max_km"])
            return redirect("needs:run", pk=run.pk)
        except DomainError as e:
            add_domain_error(form, e)
    runs = selectors.runs_managed(request.user)[:20]
    return render(request, "needs/dispatch.html", {"section": "dispatch", "form": form, "runs": runs})


@login_required
def run(request, pk: int):
    run = selectors.run_get(request.user, pk)
    template = "needs/_run.html" if request.htmx else "needs/run.html"
    return render(request, template, {"section": "dispatch", "run": run, "lines": selectors.run_lines(run),
                                      "left_out": fitness.left_out_rows(run.left_out),
                                      "busy": run.status in (DispatchRun.Status.QUEUED, DispatchRun.Status.RUNNING)})


@login_required
@require_POST
def run_decide(request, pk: int, verb: str):
    run = selectors.run_get(request.user, pk)
    if verb not in RUN_VERBS:
        raise Forbidden()
    try:
        if verb == "confirm":
            keep = {int(x) for x in request.POST.getlist("line") if re.fullmatch(r"\d+", x)}
            actions.proposal_adjust(actor=request.user, run=run, keep=keep)
            run = actions.proposal_confirm(actor=request.user, run=run)
            messages.success(request, _("%(n)d people are accepted and will be told.") % {"n": run.confirmed_count})
        else:
            actions.proposal_discard(actor=request.user, run=run)
            messages.success(request, _("The proposal is discarded."))
    except DomainError as e:
        messages.error(request, str(e.message))
    return redirect("needs:run", pk=run.pk)


@managers_only
def deployments(request):
    home = Scope.of(request.user).home_region()
    orgs = people.organisations_visible(request.user).filter(kind="government").order_by("name")[:500]
    form = DeploymentForm(request.POST or None, organisations=people.organisations_visible(request.user).filter(
        kind="government").filter(pk__in=[o.pk for o in orgs]))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        codes, names = split_region_list(d["communities"])
        communities, missing, ambiguous = selectors.communities_by_codes_or_names(request.user, codes, names)
        if ambiguous:
            form.add_error("communities", _("Several communities are called %(names)s: pick each from the suggestions.")
                           % {"names": "、".join(ambiguous)})
        elif not communities or missing:
            form.add_error("communities", _("Not communities of your region: %(codes)s") % {"codes": "、".join(missing)}
                           if missing else _("Give at least one community."))
        else:
            region = home if home and all(home.contains(c) for c in communities) else None
            try:
                if region is None:
                    raise InvalidInput(_("The communities are outside your region."), field="communities")
                dep = deploying.deployment_post(actor=request.user, region=region, title=d["title"], total=d["total"],
                                                communities=communities, organisations=list(d["organisations"]),
                                                role=d["role"], start=d["start"], end=d["end"], notes=d["notes"])
                messages.success(request, _("The deployment is posted: one need per community."))
                return redirect("needs:deployment", pk=dep.pk)
            except DomainError as e:
                add_domain_error(form, e)
    items = selectors.deployments_managed(request.user)[:50]
    return render(request, "needs/deployments.html", {"section": "dispatch", "form": form, "items": items},
                  status=422 if form.errors else 200)


@login_required
def deployment(request, pk: int):
    dep = selectors.deployment_get(request.user, pk)
    if request.method == "POST":
        try:
            run = actions.dispatch_start(actor=request.user, region=dep.region, deployment=dep,
                                         max_km=dispatching.DEPLOYMENT_MAX_KM)
            return redirect("needs:run", pk=run.pk)
        except DomainError as e:
            messages.error(request, str(e.message))
    return render(request, "needs/deployment.html", {
        "section": "dispatch", "dep": dep, "needs": selectors.deployment_needs(dep).order_by("region__code"),
        "runs": selectors.deployment_runs(dep)[:10], "is_open": dep.status != Deployment.Status.CANCELLED})


@managers_only
def runs_export(request):
    """Every dispatch run the user manages, with its proposal lines, as a spreadsheet (audited)."""
    data = selectors.runs_export(request.user)
    return exports.respond(request, action=Audit.RUNS_EXPORT, filename=_("dispatch-runs") + ".xlsx",
                           sheets=[exports.Sheet(_("Runs"), *data["runs"]), exports.Sheet(_("Proposals"), *data["lines"])])
