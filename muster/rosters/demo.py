"""Demo data: the 蒲安里第二社区 south-gate tent post, its 25-person team, solved and published rosters, a duty log.

Runs inside the demo's transaction, so rows are written directly (actions open durable transactions).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.core import purpose
from muster.people.models import Skill
from muster.rosters import solving
from muster.rosters.actions import monday_of
from muster.rosters.models import Assignment, Band, CheckIn, DutyNote, Post, Roster, TeamMember

T = dt.time
BANDS = [(T(6, 30), T(11, 30), 2, "duty", True), (T(11, 30), T(17, 30), 2, "duty", True), (T(17, 30), T(1, 0), 2, "duty", False),
         (T(1, 0), T(6, 30), 2, "duty", False), (T(22, 0), T(6, 0), 2, "patrol", False)]
NOTES = [
    ("handover", "体温枪电池已更换，备用电池放在帐篷左侧抽屉。"),
    ("handover", "3号楼王阿姨家的快递已代收，放在值守点，晚上她来取。"),
    ("incident", "一名外来人员无出入证要求进入，已劝离，并报社区。"),
    ("handover", "夜巡：小区东侧围挡有一处松动，已用扎带临时固定，明早请物业处理。"),
    ("handover", "消毒液剩半桶，明天上午需要补充。"),
    ("incident", "22:40 一名居民体温 37.4 ℃，复测 37.5 ℃，已登记并电话报社区书记。"),
]


def build(ctx) -> None:
    rng = ctx.rng
    site = ctx.sites["puanli.checkpoint"]
    # The team's ages are those of summer 2020; the age rules keep their 2020 meaning as the years pass.
    years = max(0, timezone.localdate().year - 2020)
    post = Post.objects.create(site=site, region=site.region, name="南门帐篷值守点", kind=Post.Kind.TENT,
                               emergency_id=purpose.emergency_for(site.region),
                               max_hours_day=8, max_hours_week=24, min_rest_hours=10, max_consecutive_days=4,
                               night_age_limit=70 + years, night_mix_age=66 + years, fair_nights=2, fair_weekends=1, keep_pairs=1,
                               change_weight=5, solve_seconds=15)
    skill = Skill.objects.filter(code="health_code_app").first()
    Band.objects.bulk_create([Band(post=post, weekday=wd, start=a, end=z, required=n, line=line,
                                   skill=skill if (needs_skill and skill) else None, skill_count=1 if (needs_skill and skill) else 0)
                              for wd in range(7) for a, z, n, line, needs_skill in BANDS])
    team = ctx.gate_team
    members = []
    for i, p in enumerate(team):
        age = (timezone.localdate().year - years - p.birth_year) if p.birth_year else None
        members.append(TeamMember(post=post, person=p, night_consent=bool(age and age > 70 and i % 2 == 0),
                                  no_nights=(i == 3 or (age is not None and age < 18)), available_weekdays=[0, 1, 2, 3, 4] if i == 5 else [],
                                  preferred=["duty-0630-1130", "duty-1130-1730"] if i in (7, 8) else []))
    members = TeamMember.objects.bulk_create(members)
    # Two old neighbours who like to keep the gate together.
    TeamMember.objects.filter(pk=members[10].pk).update(pair_with=team[11])
    TeamMember.objects.filter(pk=members[11].pk).update(pair_with=team[10])
    coordinator = ctx.users.get("puanli")

    today = timezone.localdate()
    this_monday = monday_of(today)
    # Early in the week the current roster also covers last week, so that there are a few days of duty log.
    plans = [this_monday - dt.timedelta(days=7)] if today.weekday() < 3 else []
    plans += [this_monday, this_monday + dt.timedelta(days=7)]
    for start in plans:
        for limit in (post.solve_seconds, 60):  # a busy machine may need longer
            roster = Roster.objects.create(post=post, start=start, weeks=1, created_by=coordinator, time_limit=limit)
            solving.run(roster.pk)
            roster.refresh_from_db()
            if roster.status == Roster.Status.READY:
                break
            roster.delete()
        else:
            raise RuntimeError(f"demo roster {start}: {roster.status} {roster.problems}")
        Roster.objects.filter(pk=roster.pk).update(status=Roster.Status.PUBLISHED, published_at=timezone.now())

    # A few days of duty log: nearly everyone checked in, one shift last night missed, notes along the way.
    now = timezone.now()
    past = list(Assignment.objects.filter(post=post, roster__status=Roster.Status.PUBLISHED,
                                          starts_at__gte=now - dt.timedelta(days=4), starts_at__lte=now)
                .select_related("person").order_by("starts_at"))
    missed = {a.pk for a in past[-8:-6]}
    checkins = []
    for a in past:
        if a.pk in missed:
            continue
        at = a.starts_at + dt.timedelta(minutes=rng.randint(-12, 6))
        if at > now:
            at = now
        checkins.append(CheckIn(post=post, assignment=a, person=a.person, at=at, minutes=a.minutes,
                                method=CheckIn.Method.QR if rng.random() < 0.7 else CheckIn.Method.TAP))
    CheckIn.objects.bulk_create(checkins)
    notes = []
    for i, a in enumerate(past[::max(1, len(past) // len(NOTES))][: len(NOTES)]):
        kind, text = NOTES[i]
        notes.append(DutyNote(post=post, author=a.person, at=min(now, a.ends_at - dt.timedelta(minutes=10)), kind=kind, text=text))
    DutyNote.objects.bulk_create(notes)
    ctx.gate_post = post
