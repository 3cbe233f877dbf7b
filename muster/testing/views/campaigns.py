"""Campaigns: the list, a new one, the board, collection points, the unsampled and the recalled (planning: planning.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.core.errors import DomainError
from muster.core.links import absolute
from muster.geo import selectors as geo
from muster.testing import actions, permissions, selectors
from muster.testing.audits import Audit
from muster.testing.forms import CampaignForm, PointForm, RegionFilter
from muster.web import exports
from muster.web.forms import add_domain_error
from muster.web.paging import page_of
from muster.web.redirects import safe_next


@login_required
def campaigns(request):
    qs = selectors.campaigns_visible(request.user).order_by("-starts_at")
    return render(request, "testing/campaigns.html", {"section": "testing", "page": page_of(qs, request.GET.get("page")),
                                                      "can_create": permissions.is_manager(request.user)})


@login_required
def campaign_new(request):
    permissions.require_any_manager(request.user)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    form = CampaignForm(request.POST or None, initial={"starts_at": now, "ends_at": now + dt.timedelta(hours=15)})
    form.fields["labs"].queryset = selectors.labs_usable(request.user)
    form.fields["region"].queryset = geo.regions_visible(request.user)
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
                add_domain_error(form, exc)
    return render(request, "testing/form.html", {"section": "testing", "form": form, "title": _("New campaign")})


@login_required
def campaign(request, pk: int):
    c = selectors.campaign_get(request.user, pk)
    can_manage = permissions.can_manage(request.user, c)
    teams = selectors.team_sizes(c) if can_manage else []
    return render(request, "testing/campaign.html", {
        "section": "testing", "c": c, "stats": selectors.progress(c), "points": selectors.progress_by_point(c),
        "can_manage": can_manage, "labs": selectors.labs_of(c), "teams": teams,
        "is_manager": permissions.is_manager(request.user),
        "prereg_url": absolute(reverse("testing:preregister", args=[c.pk])),
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
    permissions.require_campaign_manager(request.user, c)
    form = PointForm(request.POST or None)
    form.fields["site"].queryset = selectors.collection_sites_free(c)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.point_add(actor=request.user, campaign=c, site=d["site"], desks=d["desks"], opens=d["opens"], closes=d["closes"])
            messages.success(request, _("Collection point added."))
            return redirect("testing:campaign", c.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "testing/form.html", {"section": "testing", "form": form, "title": _("Add a collection point"), "c": c})


@login_required
def unsampled(request, pk: int):
    c = selectors.campaign_get(request.user, pk)
    permissions.require_any_manager(request.user)
    region = None
    regions = geo.regions_visible(request.user)
    pick = RegionFilter(request.GET)
    pick.fields["region"].queryset = regions
    if pick.is_valid() and pick.cleaned_data["region"]:
        region = regions.filter(code=pick.cleaned_data["region"]).first()
        if region is None:
            pick.add_error("region", _("No region with this code in your scope."))
    too_wide = selectors.unsampled_too_wide(request.user, c, region)
    page = None if too_wide else page_of(selectors.unsampled(request.user, c, region), request.GET.get("page"))
    return render(request, "testing/unsampled.html", {"section": "testing", "c": c, "page": page, "too_wide": too_wide,
                                                      "region": region, "pick": pick})


@login_required
def recalls(request, pk: int):
    c = selectors.campaign_get(request.user, pk)
    permissions.require_any_manager(request.user)
    qs = selectors.recall_items(request.user, c, open_only=request.GET.get("all") != "1")
    return render(request, "testing/recalls.html", {"section": "testing", "c": c, "page": page_of(qs, request.GET.get("page"))})


@login_required
def recalls_export(request, pk: int):
    """The recall list as a spreadsheet (the open recalls, or all with ?all=1), audited."""
    c = selectors.campaign_get(request.user, pk)
    permissions.require_any_manager(request.user)
    qs = selectors.recall_items(request.user, c, open_only=request.GET.get("all") != "1")
    return exports.respond(request, action=Audit.RECALLS_EXPORT, filename=_("recalls") + ".xlsx", region=c.region,
                           sheets=[exports.Sheet(_("Recalls"), *selectors.recalls_export(qs))], filters={"campaign": c.pk, "all": request.GET.get("all") == "1"})


@login_required
@require_POST
def recall_contact(request, item_id: int):
    item = selectors.recall_item_get(request.user, item_id)
    try:
        actions.recall_contact(actor=request.user, item=item)
        messages.success(request, _("Marked as contacted."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(safe_next(request, reverse("testing:recalls", args=[item.recall.campaign_id])))
