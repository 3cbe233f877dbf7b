"""Walk lists proposed by the dispatch engine: the adapter between canvass rows and `muster.needs.dispatch`.

Each walk list nobody has is a need for one visitor at the centre of its buildings; each available visitor (a
team member or leader of the campaign, or someone already walking one of its lists) and each team is a candidate
at home (their building, else their community's centre), carrying as load the lists they already have. The engine
fills the most lists at the least walking, and the leader reviews the answer before `lists_apply` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count

from muster.canvass.models import Campaign, Door, Team, WalkList
from muster.needs.dispatch import Instance, Weights, solve
from muster.needs.dispatch import Need as ENeed
from muster.needs.dispatch import Person as EPerson

MAX_KM = 30.0
TIME_LIMIT_S = 10.0


@dataclass
class Line:
    walk_list: WalkList
    kind: str  # "user" | "team"
    target_id: int
    name: str
    metres: int
    reason: str


def _centre(campaign: Campaign) -> tuple[float, float]:
    r = campaign.region
    return (r.lat or 39.9, r.lon or 116.4)


def propose(campaign: Campaign, *, teams_only: bool = False) -> tuple[list[Line], int]:
    """The engine's proposal for the campaign's unassigned walk lists; returns (lines, lists left without anyone)."""
    open_lists = list(WalkList.objects.filter(campaign=campaign, assignee__isnull=True).order_by("number"))
    if not open_lists:
        return [], 0
    where = {r["walk_list_id"]: (r["lat"], r["lon"]) for r in Door.objects.filter(walk_list__in=open_lists, building__lat__isnull=False)
             .values("walk_list_id").annotate(lat=Avg("building__lat"), lon=Avg("building__lon"), n=Count("id"))}
    centre = _centre(campaign)
    start, end = campaign.starts_at, campaign.ends_at
    needs = [ENeed(id=f"wl-{wl.pk}", lat=where.get(wl.pk, centre)[0], lon=where.get(wl.pk, centre)[1], places=1, start=start, end=end)
             for wl in open_lists]
    load = dict(WalkList.objects.filter(campaign=campaign, assignee__isnull=False).values_list("assignee_id").annotate(n=Count("id")))
    teams = list(Team.objects.filter(campaign=campaign).select_related("leader").prefetch_related("members"))
    user_ids = set(load) | {t.leader_id for t in teams} | {m.pk for t in teams for m in t.members.all()}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids, is_active=True)
             .select_related("person__household__building", "person__region")}

    def home(u) -> tuple[float, float]:
        p = getattr(u, "person", None)
        b = p.household.building if p is not None and p.household_id and p.household.building_id else None
        if b is not None and b.lat is not None:
            return b.lat, b.lon
        if p is not None and p.region.lat is not None:
            return p.region.lat, p.region.lon
        return centre

    people = []
    if not teams_only:
        people += [EPerson(id=f"u-{u.pk}", lat=home(u)[0], lon=home(u)[1], available=[(start, end)], load=load.get(u.pk, 0))
                   for u in users.values()]
    for t in teams:
        if t.leader_id in users:
            lat, lon = home(users[t.leader_id])
            people.append(EPerson(id=f"t-{t.pk}", lat=lat, lon=lon, available=[(start, end)], load=load.get(t.leader_id, 0)))
    if not people:
        return [], len(open_lists)
    answer = solve(Instance(needs=needs, people=people, max_km=MAX_KM, weights=Weights(prefer_home=0, skill_fit=0)),
                   time_limit_s=TIME_LIMIT_S)
    by_list = {wl.pk: wl for wl in open_lists}
    by_team = {t.pk: t for t in teams}
    lines = []
    for a in answer.assignments:
        wl = by_list[int(a.need.removeprefix("wl-"))]
        kind, pk = a.person.split("-", 1)
        name = by_team[int(pk)].name if kind == "t" else users[int(pk)].get_username()
        lines.append(Line(walk_list=wl, kind="team" if kind == "t" else "user", target_id=int(pk), name=name, metres=a.m,
                          reason=a.reason))
    lines.sort(key=lambda line: line.walk_list.number)
    return lines, len(open_lists) - len(lines)
