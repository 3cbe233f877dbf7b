"""The demo city's emergency: declared first, so the campaigns, needs, posts and cases join it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.emergencies import actions


def build(ctx) -> None:
    # Beijing raised its response to level Ⅱ on 16 June 2020 after the Xinfadi cluster.
    actions.emergency_declare(
        actor=ctx.users["command"], name="新发地聚集性疫情应急响应", region=ctx.users["command"].grants.first().region,
        level="2", purpose="核酸筛查、隔离观察、社区封控值守与志愿服务调度；所收集的个人信息仅用于本次疫情防控。",
        started_at=timezone.now() - dt.timedelta(days=3))
