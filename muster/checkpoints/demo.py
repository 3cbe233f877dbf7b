"""Demo data: three days of the south-gate register, with one fever alert waiting for follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from muster.accounts.models import Role, RoleGrant
from muster.checkpoints.models import FeverAlert, Passage
from muster.rosters.models import Post

# Passages per hour of a day at a compound gate: the morning and evening rushes.
PROFILE = [1, 0, 0, 0, 0, 1, 4, 14, 18, 10, 7, 6, 8, 6, 5, 6, 8, 13, 16, 11, 8, 5, 3, 1]
VISITORS = ["快递员", "外卖骑手", "送菜师傅", "维修工", "亲属探望"]


def build(ctx) -> None:
    rng = ctx.rng
    site = ctx.sites["puanli.checkpoint"]
    post = Post.objects.filter(site=site).first()
    if post is None:
        return
    # The demo clerk also keeps the register at the south gate.
    clerk = ctx.users.get("clerk")
    if clerk is not None:
        RoleGrant.objects.get_or_create(user=clerk, role=Role.CLERK, region=site.region, site=site)
    recorders = [u for u in (clerk, ctx.users.get("member")) if u is not None]
    residents = [p for p in getattr(ctx.regions["puanli"], "demo_people", []) if p.pk] or list(ctx.gate_team)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for back in (2, 1, 0):
        day = today - dt.timedelta(days=back)
        for hour, n in enumerate(PROFILE):
            for _i in range(n + rng.randint(0, 2)):
                at = dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59)), tzinfo=tz)
                if at > now:
                    continue
                visitor = rng.random() < 0.15
                rows.append(Passage(post=post, region_id=post.region_id, at=at, person=None if visitor else rng.choice(residents),
                                    visitor_name=rng.choice(VISITORS) if visitor else "", direction=rng.choice(["in", "out"]),
                                    temperature=Decimal(str(round(rng.uniform(35.9, 36.9), 1))), pass_checked=not visitor,
                                    health_code="green" if rng.random() < 0.97 else "yellow", fever=False,
                                    recorded_by=rng.choice(recorders), note="访客已登记手机号" if visitor else ""))
    # The one fever of these days: yesterday evening, a resident coming home.
    at = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(18, 42), tzinfo=tz)
    hot = Passage(post=post, region_id=post.region_id, at=at, person=rng.choice(residents), direction="in",
                  temperature=Decimal("37.8"), pass_checked=True, health_code="green", fever=True,
                  recorded_by=recorders[0], note="复测 37.7 ℃，已请其在帐篷旁等候")
    rows.append(hot)
    Passage.objects.bulk_create(rows, batch_size=1000)
    FeverAlert.objects.create(passage=hot, region_id=post.region_id)
