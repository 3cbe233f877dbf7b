"""Demo volunteering: the Xiguan student team registered and recruiting, projects in the three scenario communities.

Called by `muster demo` after the city is built (GUIDE §1: the city platform's 7,683 projects,
door-knocking, order at sampling sites, making up test kits). Times are relative to today.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from muster.accounts.scoping import MANAGERS, Scope
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

    # The team leader's accident insurance (the sampling-site project asks for it), and what her organisers
    # recorded about her: a training, an award and an evaluation of her service.
    me = ctx.users["volunteer"].person
    today = timezone.localdate()
    actions.insurance_record(actor=coordinator, person=me, insurer="中国人民财产保险股份有限公司", policy_number="PICC-2020-0615-0001",
                             valid_from=today - dt.timedelta(days=30), valid_until=today + dt.timedelta(days=335))
    actions.honour_record(actor=coordinator, person=me, kind="training", title="疫情防控知识与个人防护培训",
                          date=today - dt.timedelta(days=12), organiser="西关社区居委会", hours=Decimal("2"))
    actions.honour_record(actor=coordinator, person=me, kind="award", title="抗击疫情优秀志愿者", date=today - dt.timedelta(days=3),
                          organiser="西关社区居委会")
    actions.honour_record(actor=coordinator, person=me, kind="evaluation", title="分装认真细致，主动补位",
                          date=today - dt.timedelta(days=1), organiser="西关社区居委会", rating="excellent")
    # A community team that asks its manager first: her request to join waits in the Bajiao coordinator's inbox.
    community_team = actions.team_create(actor=ctx.users["bajiao"], name="八角中里社区志愿服务队", region=bajiao,
                                         join_mode="approval")
    try:
        actions.team_join(actor=ctx.users["volunteer"], team=community_team)
    except DomainError:
        pass
    # A community need published as a volunteer project in one step (the first open need still to come).
    from muster.needs.models import Need

    need = Need.objects.filter(status=Need.Status.OPEN, start__gt=timezone.now()).order_by("start").first()
    if need is not None:
        publisher = next((u for u in ctx.users.values() if Scope.of(u).covers(need.region, MANAGERS)), None)
        if publisher is not None:
            try:
                actions.need_publish(actor=publisher, need=need)
            except DomainError:
                pass  # already full: nothing left to recruit for
