"""New work belongs to the active emergency covering its place, without anyone having to pick it."""

import datetime as dt

import pytest
from django.utils import timezone

from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent
from muster.emergencies import actions, selectors
from muster.emergencies.audits import Audit
from muster.needs.tests.helpers import post as need_post
from muster.quarantine import actions as quarantine
from muster.rosters import actions as rosters
from muster.testing.tests.factories import campaign


def _declare(world, region, name="丰台区疫情"):
    return actions.emergency_declare(actor=world.command, name=name, region=region, level="3", purpose="筛查与管控")


def test_campaigns_needs_posts_and_cases_join_the_emergency_of_their_region(world):
    from muster.geo.models import Site

    e = _declare(world, world.fengtai)
    c, _point = campaign(world)
    need = need_post(world)
    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    hotel = Site.objects.create(region=world.puanli, kind=Site.Kind.HOTEL, name="隔离酒店")
    today = timezone.localdate()
    case = quarantine.case_open(actor=world.coordinator, data=quarantine.CaseData(
        person=world.alice, site=hotel, start=today, planned_end=today + dt.timedelta(days=14)))
    assert c.emergency_id == need.emergency_id == post.emergency_id == case.emergency_id == e.pk
    # The emergency's page counts each kind of work through its link (one of each here).
    assert sorted(n for _label, n in selectors.emergency_work(e) if n) == [1, 1, 1, 1]


def test_work_elsewhere_or_after_the_end_belongs_to_none(world):
    e = _declare(world, world.fengtai)
    assert rosters.post_create(actor=world.bajiao_coordinator, site=world.lab_site, name="石景山岗").emergency_id is None
    actions.emergency_close(actor=world.command, emergency=e)
    assert need_post(world).emergency_id is None


def test_the_most_local_emergency_wins(world):
    _declare(world, world.city, name="全市")
    street = _declare(world, world.street, name="东铁匠营街道封控")
    assert need_post(world).emergency_id == street.pk
    assert selectors.active_emergency_for(world.bajiao) != street.pk


def test_declaring_adopts_the_work_begun_in_its_region_since_it_started(world):
    from muster.testing.models import Campaign

    need = need_post(world)  # before the declaration, in Fengtai
    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    elsewhere = rosters.post_create(actor=world.bajiao_coordinator, site=world.lab_site, name="石景山岗")
    old, _point = campaign(world)
    Campaign.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))  # before the start
    e = actions.emergency_declare(actor=world.command, name="丰台区疫情", region=world.fengtai, level="2",
                                  purpose="筛查与管控", started_at=timezone.now() - dt.timedelta(days=5))
    need.refresh_from_db()
    post.refresh_from_db()
    elsewhere.refresh_from_db()
    old.refresh_from_db()
    assert need.emergency_id == post.emergency_id == e.pk
    assert elsewhere.emergency_id is None and old.emergency_id is None
    event = AuditEvent.objects.get(action=Audit.EMERGENCY_DECLARE, object_id=str(e.pk))
    assert event.changes["adopted"] == {"needs.Need": 1, "rosters.Post": 1}


def test_work_of_another_emergency_is_not_taken_by_a_new_one(world):
    city = _declare(world, world.city, name="全市")
    need = need_post(world)
    assert need.emergency_id == city.pk
    _declare(world, world.fengtai, name="丰台区疫情")
    need.refresh_from_db()
    assert need.emergency_id == city.pk


def test_command_attaches_older_work_or_moves_it_from_another_emergency(world):
    from muster.testing.models import Campaign

    city = _declare(world, world.city, name="全市")
    moved = need_post(world)
    old, _point = campaign(world)
    Campaign.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30), emergency=None)
    e = _declare(world, world.fengtai)
    kinds = {g["kind"]: g for g in selectors.work_attachable(e)}
    assert {r["pk"] for r in kinds["testing.Campaign"]["rows"]} == {old.pk}
    assert kinds["needs.Need"]["rows"][0]["belongs"] == city

    assert actions.emergency_attach(actor=world.command, emergency=e, kind="testing.Campaign", ids=[old.pk]) == 1
    assert actions.emergency_attach(actor=world.command, emergency=e, kind="needs.Need", ids=[moved.pk]) == 1
    old.refresh_from_db()
    moved.refresh_from_db()
    assert old.emergency_id == moved.emergency_id == e.pk
    event = AuditEvent.objects.filter(action=Audit.EMERGENCY_ATTACH).order_by("-pk").first()
    assert event.changes == {"kind": "needs.Need", "ids": [moved.pk], "from": {str(moved.pk): city.pk}}
    # Attaching again changes nothing and says so.
    assert actions.emergency_attach(actor=world.command, emergency=e, kind="needs.Need", ids=[moved.pk]) == 0


def test_attach_refuses_work_elsewhere_unknown_kinds_strangers_and_closed_emergencies(world):
    e = _declare(world, world.fengtai)
    elsewhere = rosters.post_create(actor=world.bajiao_coordinator, site=world.lab_site, name="石景山岗")
    with pytest.raises(InvalidInput) as exc:
        actions.emergency_attach(actor=world.command, emergency=e, kind="rosters.Post", ids=[elsewhere.pk])
    assert exc.value.field == "ids"
    with pytest.raises(InvalidInput):
        actions.emergency_attach(actor=world.command, emergency=e, kind="people.Person", ids=[1])
    with pytest.raises(InvalidInput):
        actions.emergency_attach(actor=world.command, emergency=e, kind="rosters.Post", ids=[])
    with pytest.raises(Forbidden):
        actions.emergency_attach(actor=world.coordinator, emergency=e, kind="rosters.Post", ids=[elsewhere.pk])
    actions.emergency_close(actor=world.command, emergency=e)
    with pytest.raises(Conflict):
        actions.emergency_attach(actor=world.command, emergency=e, kind="rosters.Post", ids=[elsewhere.pk])
    elsewhere.refresh_from_db()
    assert elsewhere.emergency_id is None


def test_an_emergency_cannot_start_in_the_future(world):
    with pytest.raises(InvalidInput) as exc:
        actions.emergency_declare(actor=world.command, name="x", region=world.fengtai, level="3", purpose="p",
                                  started_at=timezone.now() + dt.timedelta(days=1))
    assert exc.value.field == "started_at"


def test_the_emergency_page_attaches_chosen_work(world, client):
    need = need_post(world)
    e = actions.emergency_declare(actor=world.command, name="丰台区疫情", region=world.fengtai, level="2",
                                  purpose="筛查与管控", started_at=timezone.now())
    client.force_login(world.command)
    page = client.get(f"/emergencies/{e.pk}/")
    assert page.status_code == 200
    assert f'name="ids" value="{need.pk}"' in page.content.decode()
    r = client.post(f"/emergencies/{e.pk}/", {"op": "attach", "kind": "needs.Need", "ids": [str(need.pk)]}, follow=True)
    assert r.status_code == 200
    need.refresh_from_db()
    assert need.emergency_id == e.pk
    assert f'name="ids" value="{need.pk}"' not in r.content.decode()
