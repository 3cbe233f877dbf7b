"""Writes of canvass: set up a campaign, cut and assign walk lists, record visits from phones, act on findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from muster.accounts.scoping import MANAGERS, Scope
from muster.canvass import planning, questions
from muster.canvass.audits import Audit
from muster.canvass.models import Campaign, Door, Finding, Tally, Visit, VisitPerson, WalkList
from muster.core import audit, purpose
from muster.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from muster.core.guards import check_date
from muster.core.models import AuditEvent
from muster.core.transactions import atomic
from muster.geo.models import Building, Household, Region
from muster.people.models import Person

MAX_PEOPLE = 20
# A phone may have been offline for a day or two; a visit dated further back (or in the future) is a wrong clock.
MAX_AGE = dt.timedelta(days=7)
# The need-role a need raised from a finding asks for (seeded by muster/needs/migrations/0002_seed_roles.py).
NEED_ROLE = "errands"


def _require_leader(actor, campaign: Campaign) -> None:
    if not Scope.of(actor).covers(campaign.region, MANAGERS):
        raise Forbidden(_("Only the campaign's leaders may do this."))


def _communities(regions: list[Region]) -> list[Region]:
    out: dict[int, Region] = {}
    for r in regions:
        if r.level == Region.Level.COMMUNITY:
            out[r.pk] = r
        else:
            for c in Region.objects.filter(path__startswith=r.path, level=Region.Level.COMMUNITY):
                out[c.pk] = c
    return list(out.values())


def campaign_create(*, actor, name: str, region: Region, purpose_text: str, template: str, starts_at: dt.datetime,
                    ends_at: dt.datetime, scope: list[Region] | None = None, max_rounds: int = 3,
                    form: dict | None = None) -> Campaign:
    """Set up a campaign over a street or community (or some of its communities) with a form from the templates.

    Every household of the scope's registry becomes a door to visit.
    """
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("You can only change data inside your own region."))
    if region.level not in (Region.Level.DISTRICT, Region.Level.STREET, Region.Level.COMMUNITY):
        raise InvalidInput(_("A campaign covers a district, a street or a community."), field="region")
    scope = scope or [region]
    if any(not region.contains(r) for r in scope):
        raise InvalidInput(_("Every region of the scope must lie inside the campaign's region."), field="scope")
    name, purpose_text = (name or "").strip(), (purpose_text or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput(_("Give a name of at most 120 characters."), field="name")
    if not purpose_text or len(purpose_text) > 300:
        raise InvalidInput(_("State the purpose in at most 300 characters."), field="purpose")
    if starts_at is None or ends_at is None or timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise InvalidInput(_("Give a start and an end time."), field="starts_at")
    check_date(starts_at, "starts_at")
    check_date(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise InvalidInput(_("The end must be after the start."), field="ends_at")
    if not 1 <= max_rounds <= 6:
        raise InvalidInput(_("Between 1 and 6 visit rounds."), field="max_rounds")
    checked = questions.check_form(form) if form is not None else questions.template_form(template)
    communities = _communities(scope)
    with atomic():
        c = Campaign.objects.create(name=name, region=region, purpose=purpose_text, template=template,
                                    questions=[q.model_dump() for q in checked.questions],
                                    rules=[r.model_dump() for r in checked.rules], starts_at=starts_at, ends_at=ends_at,
                                    max_rounds=max_rounds, created_by=actor, emergency_id=purpose.emergency_for(region))
        c.regions.set(scope)
        n = 0
        rows = Household.objects.filter(region__in=communities).values_list("id", "building_id", "unit", "region_id").order_by()
        batch: list[Door] = []
        for hid, bid, unit, rid in rows.iterator(chunk_size=5000):
            batch.append(Door(campaign=c, household_id=hid, building_id=bid, unit=unit, region_id=rid))
            if len(batch) >= 5000:
                Door.objects.bulk_create(batch)
                n += len(batch)
                batch = []
        Door.objects.bulk_create(batch)
        n += len(batch)
        per_region = dict(Door.objects.filter(campaign=c).values_list("region_id").annotate(k=Count("id")).order_by())
        Tally.objects.bulk_create([Tally(campaign=c, region_id=rid, status=st, n=per_region[rid] if st == Door.Status.PENDING else 0)
                                   for rid in per_region for st in Door.Status.values], batch_size=5000)
        audit.record(actor=actor, action=Audit.CAMPAIGN_CREATE, obj=c, region=region,
                     changes={"template": template, "scope": [r.code for r in scope], "doors": n})
    return c


def lists_cut(*, actor, campaign: Campaign, lists: int) -> list[WalkList]:
    """Cut the campaign's doors into `lists` walk lists by building and unit, balanced by households.

    Only before the first visit: after that, a leader moves buildings between lists instead.
    """
    _require_leader(actor, campaign)
    if not 1 <= lists <= 5000:
        raise InvalidInput(_("Between 1 and 5000 walk lists."), field="lists")
    with atomic():
        if Visit.objects.filter(campaign=campaign).exists():
            raise Conflict(_("Visits are already recorded; move buildings between lists instead."), code="canvass_started")
        groups = list(Door.objects.filter(campaign=campaign).values("building_id", "building__name", "unit", "region_id")
                      .annotate(n=Count("id")).order_by("region_id", "building__name", "building_id", "unit"))
        units = [planning.Unit(building=(g["building_id"], g["region_id"]), unit=g["unit"], households=g["n"]) for g in groups]
        runs = planning.cut(units, lists)
        old = {wl.number: wl for wl in WalkList.objects.filter(campaign=campaign)}
        made = []
        for i, run in enumerate(runs, start=1):
            wl = old.pop(i, None) or WalkList.objects.create(campaign=campaign, number=i)
            made.append(wl)
            by_building: dict = {}
            for u in run:
                by_building.setdefault(u.building, []).append(u.unit)
            for (bid, rid), unit_names in by_building.items():
                Door.objects.filter(campaign=campaign, building_id=bid, region_id=rid, unit__in=unit_names).update(walk_list=wl)
        WalkList.objects.filter(pk__in=[wl.pk for wl in old.values()]).delete()
        audit.record(actor=actor, action=Audit.LISTS_CUT, obj=campaign, region=campaign.region,
                     changes={"lists": len(made), "imbalance": planning.imbalance(runs)})
    return made


def list_assign(*, actor, walk_list: WalkList, assignee, team: str = "") -> WalkList:
    """Give a walk list to a visitor (a user who signs in on a phone), optionally naming their team."""
    _require_leader(actor, walk_list.campaign)
    team = (team or "").strip()
    if len(team) > 60:
        raise InvalidInput(_("The team name has at most 60 characters."), field="team")
    with atomic():
        walk_list.assignee, walk_list.team = assignee, team
        walk_list.save(update_fields=["assignee", "team"])
        audit.record(actor=actor, action=Audit.LIST_ASSIGN, obj=walk_list.campaign, region=walk_list.campaign.region,
                     changes={"list": walk_list.number, "assignee": assignee.get_username() if assignee else None, "team": team})
    return walk_list


def building_move(*, actor, campaign: Campaign, building: Building, to_list: WalkList) -> int:
    """Move all of a building's doors to another walk list of the same campaign; returns how many moved."""
    _require_leader(actor, campaign)
    if to_list.campaign_id != campaign.pk:
        raise InvalidInput(_("Choose a walk list of this campaign."), field="to_list")
    with atomic():
        n = Door.objects.filter(campaign=campaign, building=building).exclude(walk_list=to_list).update(walk_list=to_list)
        if not n:
            raise InvalidInput(_("This building has no doors to move."), field="building")
        audit.record(actor=actor, action=Audit.BUILDING_MOVE, obj=campaign, region=campaign.region,
                     changes={"building": building.name, "to_list": to_list.number, "doors": n})
    return n


def door_add(*, actor, walk_list: WalkList, building: Building, unit: str, room: str) -> Door:
    """A household the registry lacks, found at the door: added to the registry and to the visitor's list."""
    campaign = walk_list.campaign
    if walk_list.assignee_id != actor.pk and not Scope.of(actor).covers(campaign.region, MANAGERS):
        raise Forbidden(_("This walk list is not yours."))
    if not Door.objects.filter(walk_list=walk_list, building=building).exists():
        raise InvalidInput(_("This building is not on your walk list."), field="building")
    unit, room = (unit or "").strip()[:10], (room or "").strip()
    if not room or len(room) > 10:
        raise InvalidInput(_("Give the room number (at most 10 characters)."), field="room")
    from muster.geo.actions import region_count_add

    with atomic():
        hh, created = Household.objects.get_or_create(
            building=building, unit=unit, room=room,
            defaults={"region": building.region, "address": f"{building.address} {building.name} {unit}-{room}".strip()})
        if created:
            region_count_add(building.region, "households_count", 1)
        door, made = Door.objects.get_or_create(campaign=campaign, household=hh, defaults={
            "walk_list": walk_list, "building": building, "unit": unit, "region": building.region, "added_at_door": created})
        if not made:
            raise Conflict(_("This household is already on a walk list."), field="room")
        _tally(door, None, Door.Status.PENDING)
        audit.record(actor=actor, action=Audit.HOUSEHOLD_ADD, obj=door.household, region=building.region,
                     changes={"campaign": campaign.pk, "list": walk_list.number, "new_in_registry": created})
    return door


@dataclass
class PersonMet:
    person_id: int | None = None
    name: str = ""
    answers: dict = field(default_factory=dict)


@dataclass
class VisitData:
    key: str
    door_id: int
    result: str
    recorded_at: dt.datetime
    people: list[PersonMet] = field(default_factory=list)
    note: str = ""


def _clean_visit(actor, data: VisitData, door: Door | None, residents: set[int]) -> list[PersonMet]:
    """Check one visit against its door (fetched, with the household's residents, for the whole batch)."""
    key = (data.key or "").strip()
    if not key or len(key) > 100:
        raise InvalidInput(_("An idempotency key of 1 to 100 characters is required."), field="key")
    # A door outside the visitor's lists reads as unknown: it tells nothing about other lists.
    if door is None or door.walk_list is None or door.walk_list.assignee_id != actor.pk:
        raise Forbidden(_("This household is not on your walk lists."), code="not_your_list")
    if door.campaign.status != Campaign.Status.OPEN:
        raise Conflict(pgettext("canvass", "This campaign is closed."), code="campaign_closed")
    if data.result not in Visit.Result.values:
        raise InvalidInput(_("Unknown visit result."), field="result")
    rec = data.recorded_at
    now = timezone.now()
    if rec is None or timezone.is_naive(rec) or not (now - MAX_AGE <= rec <= now + dt.timedelta(minutes=10)):
        raise InvalidInput(_("The visit's time is not plausible; check the phone's clock."), field="recorded_at")
    if len(data.note or "") > 200:
        raise InvalidInput(_("The note has at most 200 characters."), field="note")
    people = list(data.people or [])
    if people and data.result != Visit.Result.COMPLETED:
        raise InvalidInput(_("Answers are recorded only for a completed visit."), field="people")
    if len(people) > MAX_PEOPLE:
        raise InvalidInput(_("At most %(n)d people per household.") % {"n": MAX_PEOPLE}, field="people")
    seen = set()
    clean = []
    for i, p in enumerate(people):
        name = ""
        if p.person_id is not None:
            if p.person_id not in residents or p.person_id in seen:
                raise InvalidInput(_("This person is not registered in this household."), field=f"people.{i}.person_id")
            seen.add(p.person_id)
        else:
            name = (p.name or "").strip()
            if not name or len(name) > 60:
                raise InvalidInput(_("Give the name of a person not in the registry (at most 60 characters)."),
                                   field=f"people.{i}.name")
        answers = questions.clean_answers(door.campaign.questions, p.answers, field=f"people.{i}.answers")
        clean.append(PersonMet(person_id=p.person_id, name=name, answers=answers))
    return clean


def visit_record(*, actor, data: VisitData) -> tuple[Visit, bool]:
    """Record one visit from a visitor's phone; returns (visit, created). A batch of one: see `visits_sync`."""
    visit, created, error = visits_sync(actor=actor, items=[data])[0]
    if error is not None:
        raise error
    assert visit is not None
    return visit, created


def visits_sync(*, actor, items: list[VisitData]) -> list[tuple[Visit | None, bool, DomainError | None]]:
    """A phone's batch: each visit answered on its own (one refused never holds back the others), in one commit.

    The same key again returns the first visit (a phone that resends after losing its answer), also within
    one batch. A visit to a door someone else already completed is kept as a conflict for the leader, not
    merged. A door not reached is visited again in the next round; after the campaign's last round it gets
    a notice. Every visit is checked before anything is written, then the batch is written set-wise (a few
    queries per batch, not a dozen per visit). Returns (visit, created, error) per item, in order.
    """
    for _attempt in range(3):
        try:
            return _sync_once(actor, items)
        except IntegrityError:
            # A key of this batch raced in from a second connection: the batch rolled back whole and is
            # answered again, that key now as a replay.
            continue
    return _sync_once(actor, items)


def _sync_once(actor, items: list[VisitData]) -> list[tuple[Visit | None, bool, DomainError | None]]:
    keys = [(d.key or "").strip() for d in items]
    out: list[tuple[Visit | None, bool, DomainError | None]] = [(None, False, None)] * len(items)
    with atomic():
        known = {v.key: v for v in Visit.objects.filter(key__in=[k for k in keys if k])}
        # Lock the batch's doors in one order, so that two batches over the same doors wait rather than deadlock.
        door_ids = sorted({d.door_id for d in items if isinstance(d.door_id, int)})
        doors = {d.pk: d for d in Door.objects.select_for_update().filter(pk__in=door_ids).order_by("pk")}
        campaigns = {c.pk: c for c in Campaign.objects.filter(pk__in={d.campaign_id for d in doors.values()})}
        lists = {w.pk: w for w in WalkList.objects.filter(pk__in={d.walk_list_id for d in doors.values()})}
        regions = {r.pk: r for r in Region.objects.filter(pk__in={d.region_id for d in doors.values()})}
        for d in doors.values():
            d.campaign, d.walk_list, d.region = campaigns[d.campaign_id], lists.get(d.walk_list_id), regions[d.region_id]
        households = {doors[d.door_id].household_id for d in items if d.people and d.door_id in doors}
        residents: dict[int, set[int]] = {}
        for pid, hid in Person.objects.filter(household_id__in=households).values_list("id", "household_id"):
            residents.setdefault(hid, set()).add(pid)
        now = timezone.now()
        fresh: list[tuple[int, Visit, list[PersonMet]]] = []
        batch_keys: dict[str, int] = {}
        touched: dict[int, str] = {}
        for i, (key, data) in enumerate(zip(keys, items, strict=True)):
            first = known.get(key)
            if first is not None:
                if first.visitor_id != actor.pk:
                    out[i] = (None, False, InvalidInput(_("This idempotency key was used by someone else."), field="key"))
                else:
                    out[i] = (first, False, None)
                continue
            if key and key in batch_keys:
                out[i] = ("again", batch_keys[key], None)  # type: ignore[assignment] - resolved below
                continue
            door = doors.get(data.door_id)
            try:
                people = _clean_visit(actor, data, door, residents.get(door.household_id, set()) if door else set())
            except DomainError as e:
                out[i] = (None, False, e)
                continue
            assert door is not None
            clash = door.status == Door.Status.COMPLETED and door.completed_by_id != actor.pk
            visit = Visit(campaign=door.campaign, door=door, round=door.rounds + (0 if clash else 1), result=data.result, key=key,
                          visitor=actor, recorded_at=data.recorded_at, note=(data.note or "").strip(), synced_at=now,
                          state=Visit.State.CONFLICT if clash else Visit.State.ACCEPTED)
            if not clash:
                touched.setdefault(door.pk, door.status)
                _advance(door, visit, door.campaign, actor, now)
            batch_keys[key] = i
            fresh.append((i, visit, people))
        if fresh:
            _write(actor, fresh, doors, touched)
        for i, v, _people in fresh:
            out[i] = (v, True, None)
        for i, row in enumerate(out):
            if row[0] == "again":
                out[i] = (out[row[1]][0], False, None)  # type: ignore[index]
    return out


def _write(actor, fresh: list[tuple[int, Visit, list[PersonMet]]], doors: dict[int, Door], touched: dict[int, str]) -> None:
    """Write a checked batch: visits, people met, findings, doors, tallies and audit events, set-wise."""
    Visit.objects.bulk_create([v for _i, v, _p in fresh])
    met = [(v, VisitPerson(visit=v, person_id=p.person_id, name=p.name, answers=p.answers)) for _i, v, people in fresh for p in people]
    VisitPerson.objects.bulk_create([vp for _v, vp in met])
    Finding.objects.bulk_create([Finding(campaign=v.campaign, visit_person=vp, rule=r["key"], label=r["label"], region_id=v.door.region_id)
                                 for v, vp in met if v.state == Visit.State.ACCEPTED
                                 for r in questions.matches(v.campaign.rules, vp.answers)])
    changed = [doors[pk] for pk in touched]
    # One UPDATE per outcome (status, round, who completed), not bulk_update's CASE per door: a batch has few outcomes.
    outcomes: dict[tuple, list[int]] = {}
    for d in changed:
        outcomes.setdefault((d.status, d.rounds, d.completed_by_id, d.changed_at), []).append(d.pk)
    for (status, rounds, completed_by, changed_at), ids in outcomes.items():
        Door.objects.filter(pk__in=ids).update(status=status, rounds=rounds, completed_by=completed_by, changed_at=changed_at)
    moves: dict[tuple[int, int, str, int], int] = {}
    for d in changed:
        if touched[d.pk] != d.status:
            shard = _shard(d)
            moves[(d.campaign_id, d.region_id, touched[d.pk], shard)] = moves.get((d.campaign_id, d.region_id, touched[d.pk], shard), 0) - 1
            moves[(d.campaign_id, d.region_id, d.status, shard)] = moves.get((d.campaign_id, d.region_id, d.status, shard), 0) + 1
    _tally_add(moves)
    people_of = {}
    for v, _vp in met:
        people_of[v.pk] = people_of.get(v.pk, 0) + 1
    audit.record_many([
        audit.entry(actor=actor, action=Audit.VISIT_CONFLICT, obj=v, region=v.door.region,
                    changes={"door": v.door_id, "result": v.result})
        if v.state == Visit.State.CONFLICT else
        audit.entry(actor=actor, action=Audit.VISIT_RECORD, obj=v, region=v.door.region,
                    changes={"door": v.door_id, "result": v.result, "round": v.round, "people": people_of.get(v.pk, 0)})
        for _i, v, _p in fresh])


def _shard(door: Door) -> int:
    """The tally shard a door's changes are added to: its walk list's, so that the visitors of one community
    (each on their own list) add to different rows. Any shard would count right: the board sums them."""
    return (door.walk_list_id or 0) % Tally.SHARDS


def _tally_add(moves: dict[tuple[int, int, str, int], int]) -> None:
    """Add {(campaign, region, status, shard): n} to the tally in one statement, a row made where none is.

    An upsert adding to the row (not read-then-write): exact under concurrent batches, each row locked only for
    the rest of its transaction, and always in the same (sorted) order, so two batches wait rather than deadlock.
    """
    rows = [(c, r, st, sh, n) for (c, r, st, sh), n in sorted(moves.items()) if n]
    if not rows:
        return
    table = connection.ops.quote_name(Tally._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} (campaign_id, region_id, status, shard, n) VALUES {values} "  # noqa: S608 - no input in it
                    f"ON CONFLICT (campaign_id, region_id, status, shard) DO UPDATE SET n = {table}.n + EXCLUDED.n",
                    [x for row in rows for x in row])


def _tally(door: Door, old: str | None, new: str) -> None:
    """Move one door from `old` to `new` in its community's tally."""
    if old == new:
        return
    moves = {(door.campaign_id, door.region_id, new, _shard(door)): 1}
    if old is not None:
        moves[(door.campaign_id, door.region_id, old, _shard(door))] = -1
    _tally_add(moves)


def _advance(door: Door, visit: Visit, campaign: Campaign, actor, now: dt.datetime) -> None:
    """The door as this accepted visit leaves it (in memory; the caller saves it)."""
    status = visit.result
    if status in Door.REVISIT and visit.round >= campaign.max_rounds:
        status = Door.Status.NOTICE
    door.status, door.rounds, door.changed_at = status, max(door.rounds, visit.round), now
    door.completed_by = actor if status == Door.Status.COMPLETED else None


def _apply(door: Door, visit: Visit, campaign: Campaign, actor) -> None:
    old = door.status
    _advance(door, visit, campaign, actor, timezone.now())
    door.save(update_fields=["status", "rounds", "changed_at", "completed_by"])
    _tally(door, old, door.status)


def _findings(campaign: Campaign, door: Door, met: list[VisitPerson]) -> None:
    rows = []
    for vp in met:
        for r in questions.matches(campaign.rules, vp.answers):
            rows.append(Finding(campaign=campaign, visit_person=vp, rule=r["key"], label=r["label"], region=door.region))
    Finding.objects.bulk_create(rows)


def conflict_resolve(*, actor, visit: Visit, accept: bool) -> Visit:
    """The leader decides a conflict: take the second visit as the door's record, or keep the first one."""
    _require_leader(actor, visit.campaign)
    with atomic():
        if not Visit.objects.filter(pk=visit.pk, state=Visit.State.CONFLICT).update(state=Visit.State.RESOLVED if not accept
                                                                                      else Visit.State.ACCEPTED):
            raise Conflict(_("This conflict has already been resolved."), code="conflict_resolved")
        if accept:
            door = Door.objects.select_for_update().get(pk=visit.door_id)
            _apply(door, visit, visit.campaign, visit.visitor)
            _findings(visit.campaign, door, list(visit.people.all()))
        audit.record(actor=actor, action=Audit.CONFLICT_RESOLVE, obj=visit, region=visit.campaign.region,
                     changes={"accept": accept})
    visit.refresh_from_db()
    return visit


@dataclass
class FindingAct:
    action: str  # sampling | quarantine | need | dismissed
    site_id: int | None = None  # quarantine: the hotel
    days: int = 14
    need_start: dt.datetime | None = None
    need_hours: int = 2


def finding_act(*, actor, finding: Finding, act: FindingAct) -> Finding:
    """Act on a finding in one step: flag for single-tube sampling, open a quarantine case, raise a need, or dismiss it."""
    campaign = finding.campaign
    _require_leader(actor, campaign)
    if act.action not in (Finding.Action.SAMPLING, Finding.Action.QUARANTINE, Finding.Action.NEED, Finding.Action.DISMISSED):
        raise InvalidInput(_("Choose what to do."), field="action")
    vp = finding.visit_person
    person = vp.person
    if act.action in (Finding.Action.SAMPLING, Finding.Action.QUARANTINE) and person is None:
        raise InvalidInput(_("This person is not in the registry yet; register them first."), field="person")
    ref = ""
    with atomic():
        if not Finding.objects.filter(pk=finding.pk, action=Finding.Action.NONE).update(
                action=act.action, acted_by=actor, acted_at=timezone.now()):
            raise Conflict(_("Someone has already acted on this finding."), code="finding_acted")
        if act.action == Finding.Action.SAMPLING:
            from muster.testing.actions import flag_set
            from muster.testing.models import SingleTubeFlag

            assert person is not None  # checked above
            flag_set(actor=actor, person=person, reason=SingleTubeFlag.Reason.CONTACT, note=f"{campaign.name}: {finding.label}")
            ref = f"flag:{person.pk}"
        elif act.action == Finding.Action.QUARANTINE:
            from muster.geo.models import Site
            from muster.quarantine.actions import CaseData, case_open

            site = Site.objects.filter(pk=act.site_id).select_related("region").first() if act.site_id else None
            if site is None or person is None:
                raise InvalidInput(_("Choose a quarantine hotel."), field="site")
            today = timezone.localdate()
            case = case_open(actor=actor, data=CaseData(person=person, site=site, start=today,
                                                        planned_end=today + dt.timedelta(days=act.days),
                                                        reason=f"{campaign.name}: {finding.label}"[:120]))
            ref = f"case:{case.pk}"
        elif act.action == Finding.Action.NEED:
            from muster.needs.actions import NeedData, need_post
            from muster.needs.models import NeedRole

            role = NeedRole.objects.filter(code=NEED_ROLE).first()
            if role is None or not role.active:
                # The leader chose no role here: name the one missing from the catalogue and who can put it back.
                raise InvalidInput(_("Cannot raise a need: the need-role catalogue has no active role \"%(code)s\" "
                                     "(errands), which a need raised from a finding asks for. Ask a system administrator "
                                     "to add it to the catalogue or switch it back on, then act on this finding again.")
                                   % {"code": NEED_ROLE}, field="role", code="need_role_missing")
            start = act.need_start or (timezone.now() + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
            hh = vp.visit.door.household
            needs = need_post(actor=actor, data=NeedData(role=role, region=finding.region, start=start,
                                                         end=start + dt.timedelta(hours=act.need_hours), headcount=1,
                                                         title=f"{finding.label} · {hh}"[:120],
                                                         notes=_("Found by door-knocking campaign %(c)s.") % {"c": campaign.name}))
            ref = f"need:{needs[0].pk}"
        Finding.objects.filter(pk=finding.pk).update(action_ref=ref)
        audit.record(actor=actor, action=Audit.FINDING_ACT, obj=finding, region=finding.region,
                     changes={"action": act.action, "ref": ref})
    finding.refresh_from_db()
    return finding


def answers_read(*, actor, campaign: Campaign, count: int) -> None:
    """Record that a leader looked at a campaign's answers (sensitive data)."""
    _require_leader(actor, campaign)
    with atomic():
        audit.record(actor=actor, action=Audit.ANSWERS_READ, obj=campaign, region=campaign.region, kind=AuditEvent.Kind.READ,
                     changes={"rows": count})


def sheet_printed(*, actor, walk_list: WalkList) -> None:
    if walk_list.assignee_id != actor.pk:
        _require_leader(actor, walk_list.campaign)
    with atomic():
        audit.record(actor=actor, action=Audit.SHEET_PRINT, obj=walk_list.campaign, region=walk_list.campaign.region,
                     kind=AuditEvent.Kind.READ, changes={"list": walk_list.number})


from muster.canvass.actions.followups import followup_check, followup_close, followups_open  # noqa: E402,F401 - re-exported
from muster.canvass.actions.teams import lists_apply, team_create  # noqa: E402,F401 - re-exported
