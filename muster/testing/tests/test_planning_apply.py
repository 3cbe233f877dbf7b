"""The planner's figures go to the campaign in one audited step, after a confirmation; no command lines on the page."""

from __future__ import annotations

import pytest

from muster.core.models import AuditEvent
from muster.testing import actions
from muster.testing.audits import Audit
from muster.testing.models import Campaign, CollectionPoint
from muster.testing.tests.factories import campaign

pytestmark = pytest.mark.django_db

PARAMS = {"prevalence": "0.0001", "max_pool": "20", "stages": "2", "people": "200000", "hours": "12", "service_seconds": "30",
          "max_mean_wait_minutes": "5", "points": "1", "turnaround_hours": "24"}


def test_planning_page_offers_apply_and_no_command_line(world, login):
    c, _point = campaign(world, pool_size=5)
    page = login(world.district_command).get(f"/testing/{c.pk}/planning/", PARAMS).content.decode()
    assert 'id="apply-plan"' in page
    assert "muster plan" not in page and "<code>" not in page


def test_apply_asks_to_confirm_then_writes_and_audits(world, login):
    c, point = campaign(world, pool_size=5)
    client = login(world.district_command)
    r = client.post(f"/testing/{c.pk}/planning/apply/", PARAMS)
    assert r.status_code == 200 and 'id="confirm-apply"' in r.content.decode()
    c.refresh_from_db()
    assert c.pool_size == 5 and not AuditEvent.objects.filter(action=Audit.CAMPAIGN_PLAN_APPLY).exists()
    r = client.post(f"/testing/{c.pk}/planning/apply/", PARAMS | {"confirm": "1"})
    assert r.status_code == 302
    c.refresh_from_db()
    point.refresh_from_db()
    # At one positive in ten thousand the best ratio the tubes allow is 20-in-1; 200,000 people in 12 hours need
    # far more than the 4 desks the point had.
    assert c.pool_size == 20 and c.prevalence == 0.0001 and c.target_population == 200000
    assert point.desks > 4
    event = AuditEvent.objects.get(action=Audit.CAMPAIGN_PLAN_APPLY)
    assert event.changes["pool_size"] == [5, 20] and "desks" in event.changes


def test_apply_is_for_the_campaigns_managers(world, login):
    c, _point = campaign(world, pool_size=5)
    r = login(world.bajiao_coordinator).post(f"/testing/{c.pk}/planning/apply/", PARAMS | {"confirm": "1"})
    assert r.status_code in (403, 404)
    c.refresh_from_db()
    assert c.pool_size == 5


def test_apply_action_refuses_a_closed_campaign_and_a_ratio_the_tubes_do_not_know(world):
    from muster.core.errors import Conflict, InvalidInput

    c, _point = campaign(world, pool_size=5)
    with pytest.raises(InvalidInput):
        actions.campaign_apply_plan(actor=world.district_command, campaign=c, pool_size=16, prevalence=0.001, target_population=10)
    actions.campaign_set_status(actor=world.admin, campaign=c, status=Campaign.Status.CLOSED)
    with pytest.raises(Conflict):
        actions.campaign_apply_plan(actor=world.admin, campaign=c, pool_size=10, prevalence=0.001, target_population=10)
    assert Campaign.objects.get(pk=c.pk).pool_size == 5
    assert set(CollectionPoint.objects.values_list("desks", flat=True)) == {4}
