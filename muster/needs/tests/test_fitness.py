"""Nobody unfit for duty (people.fitness) is proposed, suggested, accepted or checked in; stale proposals are refused."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from muster.core.errors import DomainError
from muster.needs import actions, dispatching
from muster.needs.models import DispatchRun, Report
from muster.needs.tests.helpers import post, role_of, soon
from muster.people import fitness
from muster.people.tests.fitness_helpers import adult, aged, contact, quarantine


def tomorrow_at(hour: int) -> dt.datetime:
    """A daytime start whatever the hour the tests run at (a need running into the night has a stricter age)."""
    day = timezone.localdate() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def names(run):
    return {ln.person.name for ln in run.lines.select_related("person")}


def test_dispatch_leaves_out_a_quarantined_person_and_says_why(world, login):
    hotel_guest = adult(world, "隔离者")
    quarantine(world, hotel_guest, until_days=7)  # in the hotel until next week
    free = adult(world, "空闲者")
    post(world, headcount=3, role="market_survey")
    run = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    assert run.status == DispatchRun.Status.READY
    assert "隔离者" not in names(run) and "空闲者" in names(run)
    assert run.left_out["counts"] == {"quarantine": 1}
    assert run.left_out["people"][0]["id"] == hotel_guest.pk
    with translation.override("zh-hans"):
        page = login(world.coordinator).get(f"/needs/dispatch/{run.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "隔离者" in page and "在集中隔离至" in page
    assert free.pk in {ln.person_id for ln in run.lines.all()}


def test_dispatch_sends_a_person_after_their_quarantine_but_not_during_it(world):
    guest = adult(world, "隔离者")
    quarantine(world, guest, until_days=2)
    during = post(world, headcount=1, start=soon(24))
    after = post(world, headcount=1, start=soon(24 * 5), role="errands")
    run = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    by_need = {ln.need_id: ln.person_id for ln in run.lines.all()}
    assert by_need.get(after.pk) == guest.pk or guest.pk not in by_need.values()
    assert by_need.get(during.pk) != guest.pk


def test_dispatch_leaves_out_children_contacts_and_recalls(world):
    kid = aged(world, "初中生", 13)
    flagged = adult(world, "密接者")
    contact(world, flagged)
    adult(world, "空闲者")
    post(world, headcount=4)
    run = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    assert names(run) & {"初中生", "密接者"} == set()
    assert {p["id"] for p in run.left_out["people"]} == {kid.pk, flagged.pk}
    # Anyone with a reason other than age is listed first.
    assert run.left_out["people"][0]["id"] == flagged.pk


def test_suggestions_leave_out_unfit_people_and_list_them(world, login):
    ok = adult(world, "空闲者")
    flagged = adult(world, "密接者")
    contact(world, flagged)
    need = post(world, headcount=2)
    items, left = dispatching.suggestions_with_left_out(world.coordinator, need)
    assert ok.pk in {s.person.pk for s in items} and flagged.pk not in {s.person.pk for s in items}
    assert [x.person.pk for x in left] == [flagged.pk]
    page = login(world.coordinator).get(f"/needs/{need.pk}/suggestions/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "密接标记" in page


def test_accepting_an_under_age_person_is_refused_with_the_reason(world):
    publicity = role_of("publicity")
    publicity.min_age = 14
    publicity.save(update_fields=["min_age"])
    teen = aged(world, "中学生", 13)
    need = post(world, role="publicity", headcount=2, start=tomorrow_at(9))
    with pytest.raises(fitness.Unfit):
        actions.report_create(actor=world.coordinator, need=need, person=teen, accept=True)
    student = aged(world, "高中生", 16)
    report = actions.report_create(actor=world.coordinator, need=need, person=student)  # 16 may offer for publicity
    publicity.min_age = 18  # the catalogue is tightened before the coordinator decides
    publicity.save(update_fields=["min_age"])
    need.refresh_from_db()
    with translation.override("zh-hans"), pytest.raises(DomainError) as e:
        actions.report_accept(actor=world.coordinator, report=Report.objects.select_related("need", "person").get(pk=report.pk))
    assert e.value.code == "unfit" and "未满18岁" in str(e.value.message)
    need.refresh_from_db()
    assert need.accepted_count == 0


def test_accepting_a_person_quarantined_after_reporting_is_refused(world):
    p = adult(world, "报到者")
    need = post(world, headcount=1)
    report = actions.report_create(actor=world.coordinator, need=need, person=p)
    quarantine(world, p)
    with pytest.raises(fitness.Unfit):
        actions.report_accept(actor=world.coordinator, report=report)


def test_checking_in_by_code_is_refused_once_flagged(world):
    world.member.person = world.alice
    need = post(world, headcount=1, start=timezone.now() + dt.timedelta(minutes=30))
    actions.report_create(actor=world.coordinator, need=need, person=world.alice, accept=True)
    contact(world, world.alice)
    with pytest.raises(fitness.Unfit):
        actions.check_in_or_out(actor=world.member, code=need.checkin_code)


def test_a_newer_proposal_supersedes_and_an_unticked_person_is_not_accepted_through_the_older(world):
    adult(world, "甲")
    adult(world, "乙")
    post(world, headcount=2)
    old = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    new = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    old.refresh_from_db()
    assert old.status == DispatchRun.Status.SUPERSEDED and old.superseded_by_id == new.pk
    lines = list(new.lines.all())
    unticked = lines[0]
    actions.proposal_adjust(actor=world.coordinator, run=new, keep={ln.pk for ln in lines[1:]})
    actions.proposal_confirm(actor=world.coordinator, run=new)
    with pytest.raises(dispatching.ProposalSuperseded) as e:
        actions.proposal_confirm(actor=world.coordinator, run=old)
    assert e.value.code == "proposal_superseded"
    assert not Report.objects.filter(person_id=unticked.person_id).exists()


def test_confirming_after_the_need_changed_is_refused_and_the_proposal_expires(world, login):
    adult(world, "甲")
    need = post(world, headcount=1)
    run = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    data = actions.NeedData(role=need.role, region=need.region, start=need.start + dt.timedelta(hours=3),
                            end=need.end + dt.timedelta(hours=3), headcount=1)
    actions.need_update(actor=world.coordinator, need=need, data=data)
    with pytest.raises(dispatching.ProposalStale) as e:
        actions.proposal_confirm(actor=world.coordinator, run=run)
    assert e.value.code == "proposal_stale"
    run.refresh_from_db()
    assert run.status == DispatchRun.Status.EXPIRED and run.error
    assert not Report.objects.exists()
    # Through the page: the refusal is shown, nothing is accepted.
    run2 = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    actions.need_set_status(actor=world.coordinator, need=need, verb="pause")
    client = login(world.coordinator)
    response = client.post(f"/needs/dispatch/{run2.pk}/confirm/", {"line": [ln.pk for ln in run2.lines.all()]},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "run the dispatcher again" in response.content.decode()
    assert not Report.objects.exists()


def test_confirming_after_someone_proposed_became_unfit_is_refused(world):
    adult(world, "甲")
    post(world, headcount=1)
    run = actions.dispatch_start(actor=world.coordinator, region=world.puanli)
    proposed = run.lines.get().person
    contact(world, proposed)
    with translation.override("zh-hans"), pytest.raises(dispatching.ProposalStale) as e:
        actions.proposal_confirm(actor=world.coordinator, run=run)
    assert proposed.name in str(e.value.message) and "密接标记" in str(e.value.message)
    assert not Report.objects.exists()
