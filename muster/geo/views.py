from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from muster.accounts.scoping import ALL_ROLES, MANAGERS, Scope
from muster.core.errors import DomainError
from muster.geo import actions, selectors
from muster.geo.forms import SiteForm
from muster.geo.models import Region, Site
from muster.web.forms import add_domain_error
from muster.web.paging import page_of


@login_required
def regions(request):
    q = request.GET.get("q", "").strip()
    if q:
        page = page_of(selectors.region_search(request.user, q), request.GET.get("page"))
        return render(request, "geo/regions.html", {"section": "regions", "q": q, "page": page, "results": True})
    roots = list(selectors.region_roots(request.user).order_by("depth", "code"))
    if len(roots) == 1:
        return redirect("geo:region", code=roots[0].code)
    return render(request, "geo/regions.html", {"section": "regions", "children": roots, "q": q})


@login_required
def region(request, code: str):
    region = selectors.region_get(request.user, code)
    children = list(selectors.region_children(request.user, region))
    scope = Scope.of(request.user)
    ancestors = [a for a in selectors.region_ancestors(region) if scope.covers(a, ALL_ROLES)]
    sites, buildings = [], []
    if region.level == region.Level.COMMUNITY:
        sites = list(selectors.sites_visible(request.user).filter(region=region)[:100])
        buildings = list(selectors.buildings_with_households(request.user, region))
    return render(request, "geo/region.html", {"section": "regions", "region": region, "children": children, "ancestors": ancestors,
                                               "sites": sites, "buildings": buildings})


@login_required
def sites(request):
    qs = selectors.sites_visible(request.user)
    kind = request.GET.get("kind", "")
    if kind in Site.Kind.values:
        qs = qs.filter(kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__contains=q)
    page = page_of(qs.order_by("region__code", "name"), request.GET.get("page"))
    can_add = Scope.of(request.user).has_role(MANAGERS)
    return render(request, "geo/sites.html", {"section": "sites", "page": page, "kinds": Site.Kind.choices, "kind": kind, "q": q, "can_add": can_add})


@login_required
def site(request, pk: int):
    site = selectors.site_get(request.user, pk)
    return render(request, "geo/site.html", {"section": "sites", "site": site})


@login_required
def site_new(request):
    form = SiteForm(request.POST or None, initial={"region_code": request.GET.get("region", "")})
    form.fields["region_code"].queryset = selectors.regions_visible(request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = selectors.regions_visible(request.user).filter(code=d["region_code"]).first()
        if region is None:
            form.add_error("region_code", _("No community with this code in your region."))
        else:
            try:
                site = actions.site_create(actor=request.user, region=region, kind=d["kind"], name=d["name"], address=d["address"],
                                           lat=d["lat"], lon=d["lon"])
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(request, _("Site created."))
                return redirect("geo:site", pk=site.pk)
    return render(request, "geo/site_form.html", {"section": "sites", "form": form}, status=422 if form.errors else 200)


PICK_LIMIT = 20  # suggestions per keystroke: enough to choose from, few enough for a phone


@login_required
def pick_regions(request):
    """Suggestions for a region picker (web/picker.js): regions in the user's scope by name or code prefix."""
    level = request.GET.get("level", "")
    if level not in Region.Level.values:
        level = None
    found = selectors.region_search(request.user, request.GET.get("q", "")[:40], level=level)[:PICK_LIMIT]
    return JsonResponse({"items": [{"value": f"{r.name} ({r.code})",
                                    "label": " · ".join(x for x in (r.parent.name if r.parent else "", r.get_level_display()) if x)}
                                   for r in found]})
