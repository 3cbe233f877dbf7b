"""Teams, and walk lists proposed by the dispatch engine by distance and load, applied in one step."""

from __future__ import annotations

import json

import pytest

from muster.canvass import actions, proposals
from muster.canvass.models import WalkList
from muster.canvass.tests.helpers import campaign
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent
from muster.testworld import make_user

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _open(world, lists=4):
    c, wls, visitors = campaign(world, lists=lists, buildings=4)
    for wl in wls[1:]:
        actions.list_assign(actor=world.coordinator, walk_list=wl, assignee=None)
    return c, wls, visitors


def test_engine_proposes_each_open_list_once_and_apply_writes_it_all(world):
    c, wls, visitors = _open(world)
    lead, member = make_user("team-lead"), make_user("team-member")
    team = actions.team_create(actor=world.coordinator, campaign=c, name="一组", leader=lead, members=[member])
    lines, left = proposals.propose(c)
    # Three open lists; candidates: visitor0 (already has one), the team, its leader and its member.
    assert len(lines) == 3 and left == 0
    assert len({ln.walk_list.pk for ln in lines}) == 3 and len({(ln.kind, ln.target_id) for ln in lines}) == 3
    assert all(ln.walk_list.assignee_id is None for ln in lines)
    # Load counts: the visitor who already walks a list comes last, so they get nothing while others are free.
    assert ("user", visitors[0].pk) not in {(ln.kind, ln.target_id) for ln in lines}
    n = actions.lists_apply(actor=world.coordinator, campaign=c, lines=[(ln.walk_list.pk, ln.kind, ln.target_id) for ln in lines])
    assert n == 3 and not WalkList.objects.filter(campaign=c, assignee__isnull=True).exists()
    if any(ln.kind == "team" for ln in lines):
        assert WalkList.objects.filter(campaign=c, team=team.name, assignee=lead).exists()
    assert AuditEvent.objects.filter(action="canvass_campaign.apply_proposal").count() == 1
    assert proposals.propose(c) == ([], 0)


def test_apply_is_all_or_nothing_and_for_leaders(world):
    c, wls, visitors = _open(world)
    lead = make_user("team-lead")
    actions.team_create(actor=world.coordinator, campaign=c, name="一组", leader=lead, members=[])
    lines = [(ln.walk_list.pk, ln.kind, ln.target_id) for ln in proposals.propose(c)[0]]
    with pytest.raises(Forbidden):
        actions.lists_apply(actor=world.outsider, campaign=c, lines=lines)
    stranger = make_user("stranger")
    with pytest.raises(InvalidInput):
        actions.lists_apply(actor=world.coordinator, campaign=c, lines=[*lines, (wls[3].pk, "user", stranger.pk)])
    actions.list_assign(actor=world.coordinator, walk_list=WalkList.objects.get(pk=lines[-1][0]), assignee=visitors[0])
    with pytest.raises(Conflict):
        actions.lists_apply(actor=world.coordinator, campaign=c, lines=lines)
    assert WalkList.objects.filter(campaign=c, assignee__isnull=True).count() == 2  # nothing of the failed steps stayed
    with pytest.raises(Conflict):
        actions.team_create(actor=world.coordinator, campaign=c, name="一组", leader=lead, members=[])


def test_page_and_api(world, login):
    c, wls, visitors = _open(world, lists=2)
    client = login(world.coordinator)
    r = client.post(f"/canvass/c/{c.pk}/teams/", {"do": "team", "name": "二组", "leader": visitors[1].get_username(), "members": ""}, **ZH)
    assert r.status_code == 302
    page = client.get(f"/canvass/c/{c.pk}/teams/?propose=1", **ZH).content.decode()
    assert "二组" in page and 'name="line"' in page and "应用" in page
    got = client.get(f"/api/v1/canvass/campaigns/{c.pk}/proposal").json()
    assert len(got["lines"]) == 1
    body = {"lines": [{"walk_list": x["walk_list"], "kind": x["kind"], "id": x["id"]} for x in got["lines"]]}
    done = client.post(f"/api/v1/canvass/campaigns/{c.pk}/proposal/apply", data=json.dumps(body), content_type="application/json")
    assert done.status_code == 200 and done.json() == {"assigned": 1}
    again = client.post(f"/api/v1/canvass/campaigns/{c.pk}/proposal/apply", data=json.dumps(body), content_type="application/json")
    assert again.status_code == 409
    assert login(world.outsider).get(f"/api/v1/canvass/campaigns/{c.pk}/proposal").status_code == 404
