"""Reads of canvass, scoped by the acting user: leaders (managers over the campaign's region) see
everything of a campaign, answers included (each read audited); a visitor sees only their own walk lists."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from muster.accounts.scoping import MANAGERS, Scope
from muster.canvass.models import (
    Campaign,
    Door,
    Finding,
    FollowUp,
    FollowUpCheck,
    Tally,
    Team,
    Visit,
    VisitPerson,
    WalkList,
)
from muster.core.errors import Forbidden, NotFound
from muster.geo.models import Building, Region


def campaigns_led(user) -> QuerySet[Campaign]:
    return Campaign.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("region")


def is_leader(user, campaign: Campaign) -> bool:
    return Scope.of(user).covers(campaign.region, MANAGERS)


def campaign_for_leader(user, pk: int) -> Campaign:
    c = Campaign.objects.select_related("region").filter(pk=pk).first()
    if c is None or not is_leader(user, c):
        raise NotFound()
    return c


def my_lists(user) -> QuerySet[WalkList]:
    """The walk lists assigned to the user, in open campaigns, with their door counts."""
    if not getattr(user, "is_authenticated", False):
        return WalkList.objects.none()
    return (WalkList.objects.filter(assignee=user, campaign__status=Campaign.Status.OPEN).select_related("campaign")
            .annotate(total=Count("doors"), done=Count("doors", filter=~Q(doors__status=Door.Status.PENDING)))
            .order_by("campaign_id", "number"))


def my_list(user, pk: int) -> WalkList:
    wl = WalkList.objects.select_related("campaign").filter(pk=pk).first()
    if wl is None or (wl.assignee_id != user.pk and not is_leader(user, wl.campaign)):
        raise NotFound()
    return wl


def doors_of(walk_list: WalkList) -> QuerySet[Door]:
    return (walk_list.doors.select_related("household", "building")
            .order_by("building__name", "unit", "household__room"))


def people_at(door_ids: list[int]) -> dict[int, list[dict]]:
    """Registered residents of the doors' households (names only: what a visitor asks for at the door)."""
    from muster.people.models import Person

    hh = dict(Door.objects.filter(pk__in=door_ids).values_list("household_id", "pk"))
    out: dict[int, list[dict]] = {}
    for p in Person.objects.filter(household_id__in=list(hh), purged_at__isnull=True).values("id", "name", "household_id"):
        out.setdefault(hh[p["household_id"]], []).append({"id": p["id"], "name": p["name"]})
    return out


def within_region(campaign: Campaign, region_id) -> Region | None:
    """A street or community inside the campaign's region to narrow the board to (None: the whole campaign)."""
    try:
        rid = int(region_id)
    except (TypeError, ValueError):
        return None
    r = Region.objects.filter(pk=rid).first()
    return r if r is not None and campaign.region.contains(r) and r.pk != campaign.region_id else None


def _doors(campaign: Campaign, within: Region | None = None) -> QuerySet[Door]:
    qs = Door.objects.filter(campaign=campaign)
    if within is not None and within.level == Region.Level.COMMUNITY:
        return qs.filter(region=within)
    ids = _communities(within)
    return qs if ids is None else qs.filter(region_id__in=ids)


def _from_tally(campaign: Campaign, by: str, within: Region | None) -> list[dict]:
    """Street and community figures from the tally (a few rows per community and shard), in the shape coverage() returns."""
    qs = Tally.objects.filter(campaign=campaign)
    if within is not None:
        qs = qs.filter(region__path__startswith=within.path)
    fields = ["region__parent_id", "region__parent__name"] if by == "street" else ["region_id", "region__name"]
    rows: dict = {}
    # The shards of a community's status summed in SQL: a few thousand rows grouped there, not fetched.
    for r in qs.values(*fields, "status").annotate(n=Sum("n")).order_by(*fields, "status"):
        row = rows.setdefault(r[fields[0]], {fields[0]: r[fields[0]], fields[1]: r[fields[1]], **_zero()})
        _count(row, r["status"], r["n"])
    out = [r for r in rows.values() if r["total"]]
    for r in out:
        _shares(r)
    return out


def _zero() -> dict:
    return {"total": 0, "visited": 0, "completed": 0, "not_reached": 0, "vacant": 0, "refused": 0}


def _count(row: dict, status: str, n: int) -> None:
    """Add `n` doors of `status` to a coverage row's counts."""
    S = Door.Status
    row["total"] += n
    if status != S.PENDING:
        row["visited"] += n
    if status == S.COMPLETED:
        row["completed"] += n
    elif status in (S.NOT_HOME, S.NO_RESPONDENT, S.OTHER, S.NOTICE):
        row["not_reached"] += n
    elif status == S.VACANT:
        row["vacant"] += n
    elif status in (S.REFUSED, S.NOT_FOUND):
        row["refused"] += n


def _shares(row: dict) -> None:
    row["pct"] = round(100 * row["visited"] / row["total"]) if row["total"] else 0
    row["done_pct"] = round(100 * row["completed"] / row["total"]) if row["total"] else 0


def coverage(campaign: Campaign, by: str = "region", within: Region | None = None) -> list[dict]:
    """Doors per street, community, building, unit or list, counted by status.

    Streets and communities come from the tally; buildings, units and lists from one GROUP BY on the doors.
    """
    if by in ("street", "region"):
        return _from_tally(campaign, by, within)
    fields = {"street": ["region__parent_id", "region__parent__name"], "region": ["region_id", "region__name"],
              "building": ["building_id", "building__name", "region__name"],
              "unit": ["building_id", "building__name", "unit"], "list": ["walk_list_id", "walk_list__number"]}[by]
    S = Door.Status
    rows = (_doors(campaign, within).values(*fields).order_by(*fields)
            .annotate(total=Count("id"), visited=Count("id", filter=~Q(status=S.PENDING)),
                      completed=Count("id", filter=Q(status=S.COMPLETED)),
                      not_reached=Count("id", filter=Q(status__in=[S.NOT_HOME, S.NO_RESPONDENT, S.OTHER, S.NOTICE])),
                      vacant=Count("id", filter=Q(status=S.VACANT)),
                      refused=Count("id", filter=Q(status__in=[S.REFUSED, S.NOT_FOUND]))))
    out = []
    for r in rows:
        r["pct"] = round(100 * r["visited"] / r["total"]) if r["total"] else 0
        r["done_pct"] = round(100 * r["completed"] / r["total"]) if r["total"] else 0
        out.append(r)
    return out


def _communities(within: Region | None) -> list[int] | None:
    """The communities a board looks at (None: the whole campaign)."""
    if within is None:
        return None
    if within.level == Region.Level.COMMUNITY:
        return [within.pk]
    return list(Region.objects.filter(path__startswith=within.path, level=Region.Level.COMMUNITY).values_list("id", flat=True))


def _findings_within(campaign: Campaign, within: Region | None) -> QuerySet[Finding]:
    qs = Finding.objects.filter(campaign=campaign)
    ids = _communities(within)
    return qs if ids is None else qs.filter(region_id__in=ids)


def finding_counts(campaign: Campaign, by: str = "region", within: Region | None = None) -> dict:
    field = {"street": "region__parent_id", "region": "region_id", "building": "visit_person__visit__door__building_id"}[by]
    return dict(_findings_within(campaign, within).values_list(field).annotate(n=Count("id")).order_by())


def totals(campaign: Campaign, within: Region | None = None) -> dict:
    """The board's headline counts for the campaign, or for the area `within`.

    The tally summed by status in SQL: a handful of rows, not one per community and status (a district's 2,000,
    built into rows in Python only to be added up again).
    """
    qs = Tally.objects.filter(campaign=campaign)
    if within is not None:
        qs = qs.filter(region__path__startswith=within.path)
    t = _zero()
    for status, n in qs.values_list("status").annotate(n=Sum("n")).order_by():
        _count(t, status, n)
    _shares(t)
    t["findings"] = _findings_within(campaign, within).count()
    t["to_review"] = Finding.objects.filter(campaign=campaign, action=Finding.Action.NONE).count()
    t["conflicts"] = Visit.objects.filter(campaign=campaign, state=Visit.State.CONFLICT).count()
    return t


def revisits(campaign: Campaign, within: Region | None = None, limit: int = 500) -> list[Door]:
    """The first `limit` doors to visit again (or with a notice), by walk list, building, unit and room.

    Set-wise and scoped: one GROUP BY counts the area's doors to revisit per walk list (index-only on door
    (campaign, region, status, walk_list)); then only the first lists by number that hold `limit` such doors are
    read with their household and building and sorted, not every door to revisit of a street (ten thousand joined
    rows for the first 500).
    """
    todo = _doors(campaign, within).filter(status__in=[*Door.REVISIT, Door.Status.NOTICE])
    per_list = sorted(todo.values("walk_list_id", "walk_list__number").annotate(n=Count("id")).order_by(),
                      key=lambda r: (r["walk_list__number"] is None, r["walk_list__number"] or 0))
    chosen, n = [], 0
    for r in per_list:
        if n >= limit:
            break
        chosen.append(r["walk_list_id"])
        n += r["n"]
    if not chosen:
        return []
    ids = [i for i in chosen if i is not None]
    narrowed = todo.filter(Q(walk_list_id__in=ids) | Q(walk_list__isnull=True)) if None in chosen else todo.filter(walk_list_id__in=ids)
    return list(narrowed.select_related("household", "building", "walk_list")
                .order_by("walk_list__number", "building__name", "unit", "household__room")[:limit])


def conflicts(campaign: Campaign) -> QuerySet[Visit]:
    return (Visit.objects.filter(campaign=campaign, state=Visit.State.CONFLICT)
            .select_related("door__household__building", "door__building", "visitor", "door__completed_by").order_by("recorded_at"))


def findings(user, campaign: Campaign, within: Region | None = None) -> QuerySet[Finding]:
    """A campaign's findings for its leaders, those in `within` only when the board looks at a street or community."""
    if not is_leader(user, campaign):
        raise Forbidden()
    return (_findings_within(campaign, within)
            .select_related("visit_person__person", "visit_person__visit__door__household__building",
                            "acted_by", "region").order_by("action", "-created_at"))


def answers(user, campaign: Campaign, limit: int = 200) -> list[VisitPerson]:
    """The answers recorded in a campaign, for its leaders only; the caller audits the read (actions.answers_read)."""
    if not is_leader(user, campaign):
        raise Forbidden()
    return list(VisitPerson.objects.filter(visit__campaign=campaign, visit__state=Visit.State.ACCEPTED, purged_at__isnull=True)
                .select_related("person", "visit__door__household__building", "visit__visitor")
                .order_by("-visit__recorded_at")[:limit])


def map_points(campaign: Campaign, within: Region | None = None) -> list[dict]:
    """Buildings with a position and their share of doors visited, for the server-drawn map."""
    S = Door.Status
    rows = (_doors(campaign, within).filter(building__lat__isnull=False, building__lon__isnull=False)
            .values("building_id", "building__name", "building__lat", "building__lon").order_by("building_id")
            .annotate(total=Count("id"), visited=Count("id", filter=~Q(status=S.PENDING)),
                      completed=Count("id", filter=Q(status=S.COMPLETED))))
    return [dict(r) for r in rows]


def export_rows(campaign: Campaign) -> Iterator[list]:
    for d in (Door.objects.filter(campaign=campaign).select_related("household", "building", "walk_list", "region")
              .order_by("walk_list__number", "building__name", "unit", "household__room").iterator(chunk_size=2000)):
        yield [d.walk_list.number if d.walk_list else "", d.region.name, d.building.name if d.building else "", d.unit,
               d.household.room, d.get_status_display(), d.rounds]


def region_for_leader(user, code: str) -> Region:
    r = Region.objects.filter(code=(code or "").strip()).first()
    if r is None or not Scope.of(user).covers(r, MANAGERS):
        raise NotFound(field="region")
    return r


def building_of(campaign: Campaign, pk: int) -> Building:
    b = Building.objects.filter(pk=pk, pk__in=Door.objects.filter(campaign=campaign).values("building_id")).first()
    if b is None:
        raise NotFound(field="building")
    return b


def list_of(campaign: Campaign, number: int) -> WalkList:
    wl = WalkList.objects.select_related("campaign").filter(campaign=campaign, number=number).first()
    if wl is None:
        raise NotFound(field="list")
    return wl


def visitor_named(user, username: str):
    """A user the leader may give a list to (any active account; the list is what they will see)."""
    from muster.accounts.models import User

    u = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if u is None:
        raise NotFound(field="assignee")
    return u


def visit_for_leader(user, pk: int) -> Visit:
    v = Visit.objects.select_related("campaign__region", "visitor").filter(pk=pk).first()
    if v is None or not is_leader(user, v.campaign):
        raise NotFound()
    return v


def finding_for_leader(user, pk: int) -> Finding:
    f = (Finding.objects.select_related("campaign__region", "visit_person__person", "visit_person__visit__door__household__building", "region")
         .filter(pk=pk).first())
    if f is None or not is_leader(user, f.campaign):
        raise NotFound()
    return f


def hotels(user, campaign: Campaign) -> QuerySet:
    from muster.geo.models import Site

    return Site.objects.filter(Scope.of(user).region_q("region", MANAGERS), kind=Site.Kind.HOTEL, active=True).order_by("name")


def lists_of(campaign: Campaign, within: Region | None = None, limit: int = 300) -> list[WalkList]:
    """The first `limit` walk lists by number with their doors counted (`total`, `done`); with `within`, only
    lists with doors there (not every list of a district).

    A few set-wise queries whatever the campaign's size: for `within`, the distinct lists of its communities' doors
    (index-only on door (campaign, region, status, walk_list)); the lists; then one GROUP BY over the doors of these
    lists alone (door (walk_list, status)); a list's count covers all its doors, in the area or not.
    """
    qs = campaign.walk_lists.all()
    if within is not None:
        # The area's list ids first, as a set (not a semi-join PostgreSQL runs as one probe per list of the campaign).
        ids = set(_doors(campaign, within).values_list("walk_list_id", flat=True).distinct().order_by())
        qs = qs.filter(id__in=ids - {None})
    lists = list(qs.select_related("assignee").order_by("number")[:limit])
    counts = {r["walk_list_id"]: r for r in Door.objects.filter(walk_list_id__in=[wl.pk for wl in lists])
              .values("walk_list_id").order_by()
              .annotate(total=Count("id"), done=Count("id", filter=~Q(status=Door.Status.PENDING)))}
    for wl in lists:
        r = counts.get(wl.pk, {})
        wl.total, wl.done = r.get("total", 0), r.get("done", 0)
    return lists


def buildings_of(campaign: Campaign, within: Region | None = None) -> list[dict]:
    return list(_doors(campaign, within).filter(building__isnull=False)
                .values("building_id", "building__name", "walk_list__number").annotate(n=Count("id"))
                .order_by("building__name"))  # type: ignore[arg-type]


def followups(user, campaign: Campaign, status: str = "open") -> list[FollowUp]:
    """A campaign's follow-up list for its leaders: each with its last check and whether it is overdue."""
    if not is_leader(user, campaign):
        raise NotFound()
    rows = list(FollowUp.objects.filter(campaign=campaign, status=status).select_related("assignee").order_by("due_at", "id")[:500])
    _with_last_check(rows, timezone.now())
    return rows


def my_followups(user) -> list[FollowUp]:
    """The follow-ups assigned to the user, in open campaigns, due first."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = list(FollowUp.objects.filter(assignee=user, status=FollowUp.Status.OPEN, campaign__status=Campaign.Status.OPEN)
                .select_related("campaign").order_by("due_at", "id")[:200])
    _with_last_check(rows, timezone.now())
    return rows


def _with_last_check(rows: list, now) -> None:
    last: dict[int, FollowUpCheck] = {}
    for c in FollowUpCheck.objects.filter(follow_up__in=rows).select_related("checked_by").order_by("follow_up_id", "-checked_at", "-id"):
        last.setdefault(c.follow_up_id, c)
    for r in rows:
        r.last_check = last.get(r.pk)
        r.overdue = r.status == "open" and r.due_at < now


def followup_for(user, pk: int) -> FollowUp:
    """One follow-up, for the campaign's leaders or the person it is assigned to."""
    fu = FollowUp.objects.select_related("campaign__region").filter(pk=pk).first()
    if fu is None or (fu.assignee_id != user.pk and not is_leader(user, fu.campaign)):
        raise NotFound()
    return fu


def teams_of(user, campaign: Campaign) -> list[Team]:
    if not is_leader(user, campaign):
        raise NotFound()
    return list(Team.objects.filter(campaign=campaign).select_related("leader").prefetch_related("members"))
