"""Planning a campaign: the engines' figures (pooling, desks, lab capacity) and applying them to the campaign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.core.errors import DomainError
from muster.testing import actions, permissions, selectors
from muster.testing.forms import PlanningForm
from muster.testing.models import POOL_SIZES
from muster.testing.planning import (
    DeskPlanInput,
    LabPlanInput,
    PlanningError,
    PoolPlanInput,
    plan_desks,
    plan_lab,
    plan_pools,
)
from muster.testing.planwords import planning_error_words


def _initial(c) -> dict:
    hours = max(0.1, round((c.ends_at - c.starts_at).total_seconds() / 3600, 1))
    return {"prevalence": c.prevalence, "max_pool": 20, "stages": 2, "people": max(1, c.target_population), "hours": hours,
            "service_seconds": 30, "max_mean_wait_minutes": 5, "points": max(1, selectors.points_count(c)), "turnaround_hours": 24}


def _plan(c, form, params) -> dict:
    """The engines' answers for these parameters; an engine's refusal becomes a form error."""
    plan: dict = {}
    try:
        plan["pool"] = plan_pools(PoolPlanInput(prevalence=params["prevalence"], max_pool=params["max_pool"], stages=params["stages"]))
        plan["campaign_pool"] = plan_pools(PoolPlanInput(prevalence=params["prevalence"], max_pool=c.pool_size, stages=2,
                                                         allowed=(c.pool_size,))) if c.pool_size > 1 else None
        # What the campaign can be set to: a ratio its tubes and labs know (POOL_SIZES), pooled then single.
        ratios = tuple(n for n in POOL_SIZES if n > 1 and n <= params["max_pool"])
        best = plan_pools(PoolPlanInput(prevalence=params["prevalence"], max_pool=max(ratios), stages=2, allowed=ratios)) if ratios else None
        plan["apply_pool"] = best.pool_sizes[0] if best and best.pool_sizes else 1
        plan["desks"] = plan_desks(DeskPlanInput(people=params["people"], hours=params["hours"], service_seconds=params["service_seconds"],
                                                 max_mean_wait_minutes=params["max_mean_wait_minutes"], points=params["points"]))
        plan["lab"] = plan_lab(LabPlanInput(people=params["people"], prevalence=params["prevalence"],
                                            pool_sizes=(c.pool_size,) if c.pool_size > 1 else (1,),
                                            turnaround_hours=params["turnaround_hours"]))
    except PlanningError as exc:
        form.add_error(None, planning_error_words(exc))
        return {}
    except Exception as exc:  # noqa: BLE001 - pydantic validation of a combination the form let through
        form.add_error(None, str(exc).splitlines()[0][:200])
        return {}
    return plan


def _changes(c, plan, params) -> list[tuple[str, object, object]]:
    """What applying would change: (figure, now, planned)."""
    points = list(selectors.points_of(c))
    rows = [(_("Pooling ratio"), c.pool_size, plan["apply_pool"]), (_("Expected prevalence"), c.prevalence, params["prevalence"]),
            (_("Target population"), c.target_population, params["people"])]
    rows += [(_("Desks at %(point)s") % {"point": p.site.name}, p.desks, plan["desks"].desks_per_point) for p in points]
    return rows


@login_required
def planning(request, pk: int):
    """The planning engines' figures for this campaign, and a button that writes them to it."""
    c = selectors.campaign_get(request.user, pk)
    initial = _initial(c)
    form = PlanningForm(request.GET or None, initial=initial)
    params = form.cleaned_data if form.is_bound and form.is_valid() else (initial if not form.is_bound else None)
    plan = _plan(c, form, params) if params else {}
    can_apply = bool(plan) and permissions.can_manage(request.user, c) and c.status != c.Status.CLOSED
    return render(request, "testing/planning.html", {"section": "testing", "c": c, "form": form, "plan": plan, "params": params,
                                                     "can_apply": can_apply, "changes": _changes(c, plan, params) if can_apply else []})


@login_required
@require_POST
def planning_apply(request, pk: int):
    """Apply the plan for the posted parameters (recomputed here, never taken from the page) after a confirmation."""
    c = selectors.campaign_get(request.user, pk)
    permissions.require_campaign_manager(request.user, c)
    form = PlanningForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The planning figures are not valid: calculate again."))
        return redirect("testing:planning", c.pk)
    params = form.cleaned_data
    plan = _plan(c, form, params)
    if not plan:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        return redirect("testing:planning", c.pk)
    if request.POST.get("confirm") != "1":
        return render(request, "testing/planning_apply.html", {"section": "testing", "c": c, "form": form, "plan": plan,
                                                               "changes": _changes(c, plan, params)})
    try:
        actions.campaign_apply_plan(actor=request.user, campaign=c, pool_size=plan["apply_pool"], prevalence=params["prevalence"],
                                    target_population=params["people"], desks_per_point=plan["desks"].desks_per_point)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("testing:planning", c.pk)
    messages.success(request, _("The plan is applied to the campaign."))
    return redirect("testing:campaign", c.pk)
