import datetime as dt

from django.utils import timezone

from muster.canvass.models import VisitPerson
from muster.canvass.tests.helpers import campaign, visit
from muster.core import retention
from muster.notifications import inbox


def test_findings_awaiting_review_reach_the_leaders_inbox_only(world):
    c, wls, (v0, _v1) = campaign(world)
    visit(v0, wls[0].doors.first(), people=[{"name": "周奶奶", "answers": {"needs": ["elderly_alone"]}}])
    mine = [i for i in inbox.gather(world.coordinator) if i.kind == "canvass.findings"]
    assert len(mine) == 1 and c.name in mine[0].title and mine[0].url.endswith("#findings")
    assert not [i for i in inbox.gather(world.outsider) if i.kind == "canvass.findings"]
    assert not [i for i in inbox.gather(v0) if i.kind == "canvass.findings"]


def test_answers_are_cleared_after_the_retention_period_visits_stay(world):
    c, wls, (v0, _v1) = campaign(world)
    visit(v0, wls[0].doors.first(), people=[{"name": "周奶奶", "answers": {"market": True}}])
    t = retention.get("canvass.answers")
    assert t is not None and t.default_days == 28
    early = retention.Clock(now=timezone.now(), days={"canvass.answers": 28})
    assert not t.due(early).exists()
    late = retention.Clock(now=timezone.now() + dt.timedelta(days=29), days={"canvass.answers": 28})
    pks = list(t.due(late).values_list("pk", flat=True))
    assert t.purge(pks, late) == 1
    vp = VisitPerson.objects.get()
    assert vp.answers == {} and vp.name == retention.PLACEHOLDER and vp.visit.result == "completed"
    assert not t.due(late).exists()
