"""The sync path writes a batch set-wise: a few queries per batch, the same answers as one visit at a time."""

from __future__ import annotations

import uuid

from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from muster.canvass import actions
from muster.canvass.models import Door, Finding, Tally, Visit
from muster.canvass.tests.helpers import campaign, visit
from muster.core.errors import Forbidden, InvalidInput
from muster.core.models import AuditEvent


def _data(door, result="completed", key=None, people=None):
    return actions.VisitData(key=key or uuid.uuid4().hex, door_id=door.pk, result=result, recorded_at=timezone.now(),
                             people=[actions.PersonMet(**p) for p in (people or [])])


def _tally(c) -> dict:
    """The campaign's doors per status as the tally counts them (its shards summed)."""
    return {st: n for st, n in Tally.objects.filter(campaign=c).values_list("status").annotate(n=Sum("n")).order_by() if n}


def test_a_batch_costs_a_few_queries_not_a_dozen_per_visit(world):
    c, wls, visitors = campaign(world, lists=1, buildings=4, units=2, rooms=6)
    doors = list(Door.objects.filter(walk_list=wls[0]).order_by("pk"))
    assert len(doors) == 48
    items = [_data(d, "completed", people=[{"name": "住户", "answers": {"market": i % 5 == 0}}]) if i % 2 else _data(d, "not_home")
             for i, d in enumerate(doors)]
    with CaptureQueriesContext(connection) as q:
        out = actions.visits_sync(actor=visitors[0], items=items)
    assert all(created and e is None for _v, created, e in out)
    assert len(q.captured_queries) <= 20, len(q.captured_queries)
    assert Visit.objects.filter(campaign=c).count() == 48
    assert AuditEvent.objects.filter(action="canvass_visit.record").count() == 48
    assert Finding.objects.filter(campaign=c).count() == sum(1 for i in range(48) if i % 2 and i % 5 == 0)
    tally = _tally(c)
    assert tally.get("completed") == 24 and tally.get("not_home") == 24 and tally.get("pending", 0) == 0


def test_a_key_twice_in_one_batch_is_one_visit_and_a_door_twice_moves_on_a_round(world):
    c, wls, visitors = campaign(world, lists=1)
    door = Door.objects.filter(walk_list=wls[0]).first()
    first = _data(door, "not_home", key="k-1")
    out = actions.visits_sync(actor=visitors[0], items=[first, _data(door, "not_home", key="k-1"), _data(door, "completed", key="k-2")])
    assert out[0][0].pk == out[1][0].pk and out[0][1] and not out[1][1]
    assert out[2][0].round == 2 and out[2][1]
    door.refresh_from_db()
    assert door.status == Door.Status.COMPLETED and door.rounds == 2
    assert Visit.objects.filter(door=door).count() == 2
    # Resent whole: every item a replay, nothing counted twice.
    again = actions.visits_sync(actor=visitors[0], items=[first, _data(door, "completed", key="k-2")])
    assert [created for _v, created, _e in again] == [False, False]
    assert _tally(c).get("completed") == 1


def test_one_bad_visit_in_a_batch_is_refused_alone(world):
    c, wls, visitors = campaign(world, lists=2)
    mine = Door.objects.filter(walk_list=wls[0]).first()
    theirs = Door.objects.filter(walk_list=wls[1]).first()
    out = actions.visits_sync(actor=visitors[0], items=[_data(theirs), _data(mine, "nonsense"), _data(mine, "vacant")])
    assert isinstance(out[0][2], Forbidden) and isinstance(out[1][2], InvalidInput) and out[1][2].field == "result"
    assert out[2][1] and Visit.objects.filter(campaign=c).count() == 1


def test_a_conflict_in_a_batch_leaves_the_door_and_tally_alone(world):
    c, wls, visitors = campaign(world, lists=1)
    door = Door.objects.filter(walk_list=wls[0]).first()
    visit(visitors[0], door, "completed")
    wls[0].assignee = other = type(visitors[0]).objects.create(username="other-visitor")
    wls[0].save(update_fields=["assignee"])
    out = actions.visits_sync(actor=other, items=[_data(door, "not_home")])
    assert out[0][0].state == Visit.State.CONFLICT
    door.refresh_from_db()
    assert door.status == Door.Status.COMPLETED and door.completed_by == visitors[0]
    assert AuditEvent.objects.filter(action="canvass_visit.conflict").count() == 1


def test_two_lists_of_one_community_add_to_different_tally_rows_and_the_board_sums_them(world):
    """Parallel syncs of one community's visitors do not queue on one row: each list adds to its own shard."""
    from muster.canvass import selectors

    c, wls, visitors = campaign(world, lists=2)
    assert wls[0].pk % Tally.SHARDS != wls[1].pk % Tally.SHARDS
    for wl, v in zip(wls, visitors, strict=True):
        actions.visits_sync(actor=v, items=[_data(d, "completed" if i % 2 else "not_home")
                                            for i, d in enumerate(Door.objects.filter(walk_list=wl).order_by("pk"))])
    written = set(Tally.objects.filter(campaign=c, status="completed").exclude(n=0).values_list("shard", flat=True))
    assert written == {wl.pk % Tally.SHARDS for wl in wls}
    row = selectors.coverage(c, "region")[0]
    assert (row["total"], row["visited"], row["completed"], row["not_reached"]) == (12, 12, 6, 6)
    assert _tally(c) == {"completed": 6, "not_home": 6}
