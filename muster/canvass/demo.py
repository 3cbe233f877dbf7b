"""Demo door-knocking: the Bajiao property agency's 12 staff walking every household of 八角中里社区.

Called by `muster demo` after the city is built (GUIDE §1: the agency that knew every building joins the
door-knocking campaign). About two thirds of the doors are visited, with the usual share of nobody at
home, a few findings waiting for the leader and one conflict, so the campaign page shows work in progress.
The visitors sign in as canvass01…canvass12 with the demo password.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from muster.accounts.models import Role, RoleGrant, User
from muster.canvass import actions
from muster.canvass.models import Door


def build(ctx) -> None:
    bajiao = ctx.regions["bajiao"]
    leader = ctx.users["bajiao"]
    rng = random.Random("canvass-demo")
    now = timezone.now()
    c = actions.campaign_create(actor=leader, name="八角中里社区敲门行动", region=bajiao,
                                purpose_text="逐户排查5月30日以来到过新发地市场及周边的人员，了解独居老人等特殊需求",
                                template="market", starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=2))
    staff = list(getattr(ctx, "staff", []))[:12]
    lists = actions.lists_cut(actor=leader, campaign=c, lists=max(1, len(staff)) if staff else 4)
    visitors = []
    for i, wl in enumerate(lists, start=1):
        person = staff[i - 1] if i - 1 < len(staff) else None
        user = User.objects.create(username=f"canvass{i:02d}", first_name=f"物业走访员{i}", person=person, password=leader.password)
        RoleGrant.objects.create(user=user, role=Role.MEMBER, region=bajiao, granted_by=ctx.admin)
        actions.list_assign(actor=leader, walk_list=wl, assignee=user, team="八角物业服务中心")
        visitors.append(user)
    if hasattr(ctx, "logins") and visitors:
        ctx.logins.append((visitors[0].username, str(Role.MEMBER.label), "敲门走访员"))
    results = ["completed"] * 14 + ["not_home"] * 4 + ["no_respondent", "refused", "vacant"]
    n = 0
    for wl, user in zip(lists, visitors, strict=False):
        doors = list(Door.objects.filter(walk_list=wl).order_by("building__name", "unit", "household__room"))
        for d in doors[: int(len(doors) * rng.uniform(0.45, 0.85))]:
            result = rng.choice(results)
            people = []
            if result == "completed":
                answers: dict = {"market": rng.random() < 0.04, "symptoms": rng.random() < 0.01}
                if rng.random() < 0.05:
                    answers["needs"] = [rng.choice(["elderly_alone", "medicines", "disability"])]
                people = [actions.PersonMet(name=f"住户{d.household.room}", answers=answers)]
            at = now - dt.timedelta(hours=rng.uniform(0.5, 20))
            actions.visit_record(actor=user, data=actions.VisitData(key=f"demo-{d.pk}-1", door_id=d.pk, result=result,
                                                                    recorded_at=at, people=people))
            n += 1
            if result == "not_home" and rng.random() < 0.5:
                actions.visit_record(actor=user, data=actions.VisitData(key=f"demo-{d.pk}-2", door_id=d.pk, result="not_home",
                                                                        recorded_at=at + dt.timedelta(minutes=30)))
    # Two visitors at the same door: the leader moved a building after the first had completed a household there.
    # (The last list's, so that canvass01, the login the demo prints, keeps a full list.)
    done = (Door.objects.filter(campaign=c, status=Door.Status.COMPLETED, walk_list=lists[-1]).select_related("building")
            .order_by("pk").first())
    if done is not None and done.building is not None and len(lists) > 2:
        other = lists[-2]
        actions.building_move(actor=leader, campaign=c, building=done.building, to_list=other)
        actions.visit_record(actor=other.assignee, data=actions.VisitData(key=f"demo-{done.pk}-conflict", door_id=done.pk,
                                                                          result="not_home", recorded_at=now))
    # The first three visitors as a team, the elderly living alone found at the door on a daily check list
    # (one check done), and the doors given a notice after the last round checked twice a day.
    if len(visitors) >= 3:
        actions.team_create(actor=leader, campaign=c, name="物业一组", leader=visitors[0], members=visitors[:3])
    daily = actions.followups_open(actor=leader, campaign=c, rule="elderly_alone", assignee=visitors[0] if visitors else None)
    if daily and visitors:
        actions.followup_check(actor=visitors[0], follow_up=daily[0], key="demo-followup-1", result="well", note="老人状态良好，已送药")
    actions.followups_open(actor=leader, campaign=c, notices=True)
