import datetime as dt

import pytest

from muster.core.errors import Forbidden, InvalidInput
from muster.needs import actions, deploying, dispatching
from muster.needs.models import Deployment, DispatchRun, Need, Report
from muster.needs.tests.helpers import post, role_of, soon
from muster.people.actions import PersonData, person_create
from muster.people.models import Affiliation, Organisation


def _people(world, n, region=None, skills=()):
    return [person_create(actor=world.admin, data=PersonData(name=f"志愿者{i}", region=region or world.puanli, skills=skills))
            for i in range(n)]


def test_region_run_proposes_reviews_and_confirms(world, django_capture_on_commit_callbacks):
    _people(world, 3)
    busy = _people(world, 1)[0]
    a = post(world, headcount=2, site=world.gate, region=None)
    b = post(world, headcount=2, role="errands", start=soon(30))
    blocker = post(world, headcount=1, role="cleaning")
    from muster.needs import actions
    actions.report_create(actor=world.coordinator, need=blocker, person=busy, accept=True)
    run = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    assert run.status == DispatchRun.Status.READY and run.engine_status == "optimal"
    lines = list(run.lines.select_related("need", "person"))
    assert run.filled == len(lines) == 4 and run.places == 4
    # Nobody is proposed twice and the busy person is not proposed for the overlapping need.
    assert len({ln.person_id for ln in lines}) == 4
    assert not any(ln.person_id == busy.pk and ln.need_id == a.pk for ln in lines)
    assert all("m" in ln.reason for ln in lines)
    drop = lines[0]
    actions.proposal_adjust(actor=world.coordinator, run=run, keep={ln.pk for ln in lines[1:]})
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.proposal_confirm(actor=world.coordinator, run=run)
    assert run.confirmed_count == 3
    assert Report.objects.filter(source="dispatch", status="accepted").count() == 3
    assert not Report.objects.filter(person=drop.person, need=drop.need).exists()
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.accepted_count + b.accepted_count == 3
    notified = {r.person_id for r in Report.objects.filter(source="dispatch")}
    from muster.notifications.models import Notification
    assert {n.person_id for n in Notification.objects.filter(event="report.accept")} >= notified


def test_confirm_skips_lines_that_no_longer_fit(world):
    _people(world, 2)
    need = post(world, headcount=1)
    run = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    assert run.filled == 1
    actions.report_create(actor=world.coordinator, need=need, person=world.alice, accept=True)  # filled meanwhile
    run = actions.proposal_confirm(actor=world.coordinator, run=run)
    line = run.lines.get()
    assert run.confirmed_count == 0 and line.report is None and line.outcome


def test_dispatch_outside_region_refused(world):
    with pytest.raises(Forbidden):
        actions.dispatch_start(actor=world.outsider, region=world.puanli)
    with pytest.raises(InvalidInput):
        actions.dispatch_start(actor=world.coordinator, region=world.puanli, max_km=0)
    assert not DispatchRun.objects.exists()


def test_background_run_goes_through_the_task(world, django_capture_on_commit_callbacks):
    _people(world, 2)
    post(world, headcount=1)
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.dispatch_start(actor=world.coordinator, region=world.puanli, background=True)
    run.refresh_from_db()
    assert run.status == DispatchRun.Status.READY and run.filled == 1


def test_suggestions_top_k_excludes_reported(world):
    ps = _people(world, 5)
    need = post(world, headcount=3)
    from muster.needs import actions
    actions.report_create(actor=world.coordinator, need=need, person=ps[0])
    got = dispatching.suggestions_for(world.coordinator, need, k=3)
    assert len(got) == 3 and ps[0].pk not in {s.person.pk for s in got}
    assert dispatching.suggestions_for(world.outsider, need) == []


def test_free_windows():
    t = dt.datetime(2020, 6, 20, 6, tzinfo=dt.UTC)
    h = dt.timedelta(hours=1)
    assert dispatching._free_windows(t, t + 12 * h, [(t + 2 * h, t + 4 * h), (t + 3 * h, t + 5 * h)]) == [
        (t, t + 2 * h), (t + 5 * h, t + 12 * h)]
    assert dispatching._free_windows(t, t + 2 * h, [(t - h, t + 3 * h)]) == []


def test_cadre_deployment_apportions_and_allocates(world, django_capture_on_commit_callbacks):
    from muster.geo.models import Region
    Region.objects.filter(pk=world.puanli.pk).update(households_count=300)
    Region.objects.filter(pk=world.neighbour.pk).update(households_count=100)
    world.puanli.refresh_from_db()
    world.neighbour.refresh_from_db()
    bureau = Organisation.objects.create(name="丰台区卫健委", kind="government", region=world.fengtai)
    branch = Organisation.objects.create(name="党支部", kind="party_branch", region=world.puanli)
    cadres = _people(world, 6, region=world.bajiao)  # cadres may live anywhere
    Affiliation.objects.bulk_create([Affiliation(person=p, organisation=bureau, role="cadre") for p in cadres])
    role = role_of("gate_duty")
    with pytest.raises(InvalidInput):
        deploying.deployment_post(actor=world.district_command, region=world.fengtai, title="下沉", total=4,
                                  communities=[world.puanli], organisations=[branch], role=role, start=soon(), end=soon(48))
    with pytest.raises(InvalidInput):
        deploying.deployment_post(actor=world.district_command, region=world.fengtai, title="下沉", total=0,
                                  communities=[world.puanli], organisations=[bureau], role=role, start=soon(), end=soon(48))
    with pytest.raises(InvalidInput):
        deploying.deployment_post(actor=world.district_command, region=world.fengtai, title="下沉", total=4,
                                  communities=[world.bajiao], organisations=[bureau], role=role, start=soon(), end=soon(48))
    with pytest.raises(Forbidden):
        deploying.deployment_post(actor=world.coordinator, region=world.fengtai, title="下沉", total=4,
                                  communities=[world.puanli], organisations=[bureau], role=role, start=soon(), end=soon(48))
    dep = deploying.deployment_post(actor=world.district_command, region=world.fengtai, title="下沉干部", total=4,
                                    communities=[world.puanli, world.neighbour], organisations=[bureau], role=role,
                                    start=soon(), end=soon(24 * 14))
    shares = {n.region_id: n.headcount for n in dep.needs.all()}
    assert shares == {world.puanli.pk: 3, world.neighbour.pk: 1}
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.dispatch_start(actor=world.district_command, region=world.fengtai, deployment=dep,
                                         max_km=dispatching.DEPLOYMENT_MAX_KM)
    run.refresh_from_db()
    assert run.status == "ready" and run.filled == 4 and run.people_count == 6
    run = actions.proposal_confirm(actor=world.district_command, run=run)
    assert run.confirmed_count == 4
    dep.refresh_from_db()
    assert dep.status == Deployment.Status.ALLOCATED
    assert {r.person_id for r in Report.objects.filter(need__deployment=dep, status="accepted")} <= {p.pk for p in cadres}
    assert Need.objects.filter(deployment=dep, accepted_count=F_headcount()).count() == 2


def F_headcount():
    from django.db.models import F
    return F("headcount")


@pytest.mark.parametrize("k", [3, 12, 30])
def test_suggestions_ring_by_ring_equal_the_whole_radius(world, monkeypatch, k):
    """Looking near first and stopping early never changes the answer (the cost bound is exact)."""
    from muster.geo.models import Region
    from muster.testworld import make_region

    lat0, lon0 = world.puanli.lat, world.puanli.lon
    rings = []
    for i, (dlat, n) in enumerate([(0.009, 4), (0.02, 6), (0.03, 6), (0.04, 6), (0.06, 4)]):  # ~1, 2.2, 3.3, 4.4, 6.7 km
        c = make_region(f"11010600790{i}", f"测试社区{i}", Region.Level.COMMUNITY, world.street, lat0 + dlat, lon0)
        rings.append(_people(world, n, region=c))
    _people(world, 3)  # at home in the need's community: the prefer-home bonus
    need = post(world, headcount=3)
    ringed = [(s.person.pk, s.metres) for s in dispatching.suggestions_for(world.admin, need, k=k)]
    monkeypatch.setattr(dispatching, "SUGGEST_RINGS_KM", ())
    whole = [(s.person.pk, s.metres) for s in dispatching.suggestions_for(world.admin, need, k=k)]
    assert ringed == whole and len(whole) >= min(k, 3 + 4 + 6 + 6 + 6)
    assert all(m <= 5000 for _pk, m in whole)
