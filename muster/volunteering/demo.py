"""Demo volunteering: the Xiguan student team registered and recruiting, projects in the three scenario communities.

Called by `muster demo` after the city is built (GUIDE §1: the city platform's 7,683 projects,
door-knocking, order at sampling sites, making up test kits). Times are relative to today.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.core import pii
from muster.core.errors import DomainError
from muster.volunteering import actions


def _at(day: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=day), dt.time(hour)))


def _sessions(actor, project, slots) -> list:
    return [actions.session_add(actor=actor, project=project, starts_at=_at(day, hour), ends_at=_at(day, hour + hours),
                                places=places) for day, hour, hours, places in slots]


def build(ctx) -> None:
    xiguan, puanli, bajiao = ctx.regions["xiguan"], ctx.regions["puanli"], ctx.regions["bajiao"]
    coordinator = ctx.users["xiguan"]
    # The university's 15 students: their team, led by the first of them (the demo's "volunteer" account).
    team = actions.team_create(actor=coordinator, name="北京物资学院青年志愿者服务队", region=xiguan,
                               join_mode="approval", managers=[ctx.students[0]])
    categories = [("kits", "data_entry"), ("sampling_order",), ("door_knocking",), ("errands", "publicity")]
    for i, person in enumerate(ctx.students):
        actions.volunteer_register(actor=coordinator, team=team, data=actions.Registration(
            name=person.name, id_number=pii.decrypt(person.id_cipher), region=person.region, phone=person.phone or
            f"1391000{i:04d}", categories=categories[i % len(categories)], availability="周末全天" if i % 2 else "工作日下午",
            consent=True))
    actions.project_create(actor=ctx.users["volunteer"], team=team, region=xiguan, title="核酸检测包分装",
                           category="kits", min_age=16, description="在社区居委会分装采样管、棉签和登记表，每包10人份。",
                           risks="长时间站立；须戴口罩和手套。")
    kits = team.projects.get()
    _sessions(ctx.users["volunteer"], kits, [(1, 13, 4, 8), (2, 13, 4, 8), (3, 9, 3, 6)])

    knock = actions.project_create(
        actor=ctx.users["puanli"], region=puanli, title="敲门行动：蒲安里第二社区入户排查登记", category="door_knocking",
        min_age=18, description="两人一组逐户敲门，登记近14天新发地市场接触史，发放告知书。",
        risks="入户接触居民，须全程佩戴口罩，不进入室内。", skills=("building_knowledge",))
    _sessions(ctx.users["puanli"], knock, [(1, 9, 3, 10), (1, 14, 3, 10), (2, 9, 3, 10)])

    order = actions.project_create(
        actor=ctx.users["bajiao"], region=bajiao, site=ctx.sites["bajiao.collection"], title="八角中里核酸采样点秩序维护",
        category="sampling_order", min_age=18, approval="manual", insurance_required=True,
        description="引导排队人员保持一米间距，协助扫码登记。", risks="在采样点户外值守，人员密集；须穿戴防护服。")
    _sessions(ctx.users["bajiao"], order, [(1, 7, 4, 6), (2, 7, 4, 6), (2, 17, 4, 4)])

    # The team leader signs up for the first session of each project open to her.
    for project in (kits, knock):
        try:
            actions.signup_create(actor=ctx.users["volunteer"], session=project.sessions.order_by("starts_at").first())
        except DomainError:
            pass  # unfit in this demo (a recall or quarantine drawn for her): she simply is not signed up
