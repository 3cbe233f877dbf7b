from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.situation import charts, selectors
from muster.web.decorators import managers_only

REFRESH_SECONDS = 60


def _board(s: selectors.Situation) -> dict:
    """The charts of the page, drawn from the figures."""
    hours = [f"{h:02d}" for h in s.hours]
    now_h = timezone.localtime(s.now).hour
    # the plan up to the current hour: what should have been done by now
    plan_so_far = sum(s.plan_by_hour[: now_h + 1])
    days = [d.strftime("%m-%d") for d in s.quarantine_days]
    geo = charts.project(s.dots)
    return {
        "sampling": charts.columns(hours, [s.sampled_by_hour], ["sampled"], line=s.plan_by_hour),
        "cumulative": charts.columns(hours, [charts.cumulative(s.sampled_by_hour)], ["sampled"],
                                     line=charts.cumulative(s.plan_by_hour)),
        "results": charts.columns(hours, [s.resulted_by_hour], ["resulted"], marks=s.positives_by_hour),
        "fevers": charts.columns(hours, [s.fevers_by_hour], ["fever"]),
        "quarantine": charts.columns(days, [s.quarantine_in_by_day, s.quarantine_out_by_day], ["in", "out"], every=2),
        "hour_rows": [{"hour": h, "sampled": s.sampled_by_hour[i], "plan": round(s.plan_by_hour[i]),
                       "resulted": s.resulted_by_hour[i], "positives": s.positives_by_hour[i], "fevers": s.fevers_by_hour[i]}
                      for i, h in enumerate(hours)
                      if s.sampled_by_hour[i] or s.plan_by_hour[i] >= 0.5 or s.resulted_by_hour[i] or s.fevers_by_hour[i]],
        "day_rows": list(zip(days, s.quarantine_in_by_day, s.quarantine_out_by_day, strict=True)),
        "plan_so_far": round(plan_so_far),
        "plan_so_far_pct": round(100 * s.total.sampled / plan_so_far) if plan_so_far >= 1 else None,
        "map": geo,
        "map_svg": charts.map_svg(geo, _("Communities and sites of %(name)s, coloured by what is going on") % {"name": s.region.name})
        if geo else "",
        "bar_top": max([max(r.sampled, r.plan) for r in s.rows] + [1]),
    }


@managers_only
def page(request):
    """The command post's wall: a region's figures by child region and by hour, a map; it refreshes itself."""
    region = selectors.region_for(request.user, request.GET.get("region"))
    s = selectors.situation(request.user, region)
    context = {"section": "situation", "s": s, "region": region, "refresh": REFRESH_SECONDS, **_board(s),
               "trail": selectors.trail(request.user, region)}
    if request.htmx:
        return render(request, "situation/_board.html", context)
    # the user's other regions (a second district, say); not those the trail already leads back to
    context["others"] = [r for r in selectors.regions_managed(request.user) if not r.contains(region)]
    context["title"] = _("Situation")
    return render(request, "situation/page.html", context)
