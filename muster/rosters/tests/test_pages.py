import datetime as dt

import pytest
from django.utils import timezone

from muster.rosters import actions, solving
from muster.rosters.models import Assignment, CheckIn, Roster, SwapRequest, TeamMember
from muster.web.tests.pdftext import pdf_text


def this_monday():
    return actions.monday_of(timezone.localdate())


@pytest.fixture
def published(world, post, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # last week to next week: a shift is on now and shifts lie ahead whatever the hour
        # (late on a Sunday, or just after midnight on a Monday)
        r = actions.roster_request(actor=world.coordinator, post=post, start=this_monday() - dt.timedelta(days=7), weeks=3)
    r.refresh_from_db()
    if r.status == Roster.Status.FAILED and r.engine_status != "INFEASIBLE":
        # A machine busy with other work may not find three weeks within the post's 5 s: the
        # pages under test need a roster, not a fast one, so the same solve gets more time.
        post.solve_seconds = 60
        post.save(update_fields=["solve_seconds"])
        with django_capture_on_commit_callbacks(execute=True):
            r = actions.roster_request(actor=world.coordinator, post=post, start=this_monday() - dt.timedelta(days=7),
                                       weeks=3)
        r.refresh_from_db()
    assert r.status == Roster.Status.READY, r.problems
    return actions.roster_publish(actor=world.coordinator, roster=r)


def test_pages_render_for_the_coordinator(world, login, post, team, published):
    c = login(world.coordinator)
    monday = this_monday().isoformat()
    for url in ["/rosters/", f"/rosters/{post.pk}/", f"/rosters/{post.pk}/cover/", f"/rosters/{post.pk}/rules/",
                f"/rosters/{post.pk}/team/", f"/rosters/roster/{published.pk}/", f"/rosters/{post.pk}/week/{monday}/",
                f"/rosters/{post.pk}/duty/", f"/rosters/{post.pk}/hours/", "/rosters/missed/", f"/rosters/{post.pk}/qr.svg",
                f"/rosters/{post.pk}/team/{post.team.first().pk}/"]:
        assert c.get(url).status_code == 200, url


def test_outsider_sees_nothing(world, login, post, published):
    c = login(world.outsider)
    assert post.name not in c.get("/rosters/").content.decode()
    for url in [f"/rosters/{post.pk}/", f"/rosters/roster/{published.pk}/", f"/rosters/{post.pk}/week/2026-01-05/"]:
        assert c.get(url).status_code == 404, url
    assert c.post(f"/rosters/{post.pk}/solve/", {"start": "2026-01-05", "weeks": 1}).status_code == 404


def test_cover_form_refuses_overlap_and_zero_length(world, login, post):
    c = login(world.coordinator)
    r = c.post(f"/rosters/{post.pk}/cover/", {"text": "1-7 06:30-11:30 2\n1 11:00-17:30 2"})
    assert r.status_code == 422 and "overlaps" in r.content.decode().replace("重叠", "overlaps")
    r = c.post(f"/rosters/{post.pk}/cover/", {"text": "1 06:30-06:30 2"})
    assert r.status_code == 422
    assert post.bands.count() == 28 + 7  # nothing half-saved


def test_week_pdf_has_chinese_text(world, login, post, published):
    c = login(world.coordinator)
    r = c.get(f"/rosters/{post.pk}/week/{this_monday().isoformat()}.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    assert "南门帐篷" in text and "队员" in text


def test_member_sees_shifts_calendar_and_asks_for_cover(world, login, post, team, published, client):
    person = Assignment.objects.filter(roster=published, starts_at__gt=timezone.now()).first().person
    world.member.person = person
    world.member.save(update_fields=["person"])
    c = login(world.member)
    assert c.get("/rosters/mine/").status_code == 200
    c.post("/rosters/mine/calendar/")
    token = person.calendar_feed.token
    client.logout()
    ics = client.get(f"/rosters/ical/{token}.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
    assert client.get("/rosters/ical/nope.ics").status_code == 404
    c = login(world.member)
    shift = Assignment.objects.filter(roster=published, person=person, starts_at__gt=timezone.now()).first()
    free = TeamMember.objects.filter(post=post).exclude(person__assignments__date=shift.date).first().person
    r = c.post(f"/rosters/shift/{shift.pk}/swap/", {"kind": "cover", "other": free.pk, "reason": "看病"})
    assert r.status_code == 302, r.content.decode()[:2000]
    req = SwapRequest.objects.get()
    c = login(world.coordinator)
    c.post(f"/rosters/swap/{req.pk}/decide/", {"decision": "approve"})
    req.refresh_from_db()
    shift.refresh_from_db()
    if req.status == SwapRequest.Status.APPROVED:
        assert shift.person_id == free.pk
    else:  # the validator refused it (e.g. a rest rule): the roster must be unchanged
        assert shift.person_id == person.pk


def test_checkin_and_notes(world, login, post, published):
    now = timezone.now()
    a = Assignment.objects.filter(roster=published, starts_at__lte=now, ends_at__gt=now).first()
    world.member.person = a.person
    world.member.save(update_fields=["person"])
    c = login(world.member)
    assert c.post(f"/rosters/{post.pk}/duty/checkin/").status_code == 302
    assert CheckIn.objects.filter(assignment=a, person=a.person).exists()
    c.post(f"/rosters/{post.pk}/duty/", {"kind": "handover", "text": "体温枪电池快没电了"})
    assert post.notes.count() == 1
    assert "体温枪" in c.get(f"/rosters/{post.pk}/week/{this_monday().isoformat()}/").content.decode()
    # a second check-in for the same shift is refused, not duplicated
    c.post(f"/rosters/{post.pk}/duty/checkin/")
    assert CheckIn.objects.filter(assignment=a).count() == 1


def test_missed_shifts_are_listed(world, login, post, published):
    c = login(world.coordinator)
    html = c.get("/rosters/missed/").content.decode()
    past = Assignment.objects.filter(roster=published, starts_at__lt=timezone.now() - dt.timedelta(minutes=20)).exists()
    assert ("队员" in html) == past


def test_a_refused_cover_says_why_in_the_coordinators_language(world, post, team, published):
    from django.utils import translation

    from muster.core.errors import InvalidInput

    shift = Assignment.objects.filter(roster=published, starts_at__gt=timezone.now(), band__isnull=False).first()
    busy = set(Assignment.objects.filter(roster=published, date=shift.date).values_list("person_id", flat=True))
    member = TeamMember.objects.filter(post=post).exclude(person_id__in=busy).first()
    world.member.person = shift.person
    world.member.save(update_fields=["person"])
    req = actions.swap_request(actor=world.member, assignment=shift, kind="cover", other=member.person)
    # the teammate asked for is away that day (entered after the request was sent)
    actions.absence_add(actor=world.coordinator, member=member, start=shift.date, end=shift.date)
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as e:
        actions.swap_decide(actor=world.coordinator, request=req, approve=True)
    messages = [x["message"] for x in e.value.errors]
    assert any(member.person.name in m and "请假或无法值班" in m for m in messages), messages
    shift.refresh_from_db()
    req.refresh_from_db()
    # the roster is unchanged, and the request is decided (refused, with why) instead of left waiting
    assert shift.person_id == world.member.person_id and req.status == SwapRequest.Status.REJECTED
    assert member.person.name in req.decision_note and "请假或无法值班" in req.decision_note
    # asked again now, the request itself is refused, with the reason
    with translation.override("en"), pytest.raises(InvalidInput) as e:
        actions.swap_request(actor=world.member, assignment=shift, kind="cover", other=member.person)
    assert any("is away or unavailable on" in x["message"] for x in e.value.errors)


def test_publishing_one_week_keeps_the_other_weeks_of_an_older_roster(world, post, published,
                                                                       django_capture_on_commit_callbacks):
    """Re-solving next week must not take this week's and last week's shifts off the published roster."""
    monday = this_monday()
    outside = dict(Assignment.objects.filter(roster=published).exclude(
        date__gte=monday + dt.timedelta(days=7)).values_list("pk", "person_id"))
    assert outside
    with django_capture_on_commit_callbacks(execute=True):
        second = actions.roster_request(actor=world.coordinator, post=post, start=monday + dt.timedelta(days=7))
    second.refresh_from_db()
    assert second.status == Roster.Status.READY, second.problems
    actions.roster_publish(actor=world.coordinator, roster=second)
    live = Assignment.objects.filter(post=post, roster__status=Roster.Status.PUBLISHED)
    # the earlier weeks are still published, the very same rows (check-ins and notes hang on them)
    assert dict(live.filter(date__lt=monday + dt.timedelta(days=7)).values_list("pk", "person_id")) == outside
    # next week is the new roster's alone
    nxt = live.filter(date__gte=monday + dt.timedelta(days=7))
    assert set(nxt.values_list("roster_id", flat=True)) == {second.pk}
    published.refresh_from_db()
    assert published.status == Roster.Status.SUPERSEDED
    # the weeks before are published as a roster of their own, derived from the older one
    part = Roster.objects.get(post=post, status=Roster.Status.PUBLISHED, based_on=published)
    assert (part.start, part.weeks) == (published.start, 2)


def test_publishing_a_middle_week_leaves_the_weeks_on_both_sides(world, login, post, published,
                                                                  django_capture_on_commit_callbacks):
    monday = this_monday()
    before = Assignment.objects.filter(roster=published, date__lt=monday).count()
    after = Assignment.objects.filter(roster=published, date__gte=monday + dt.timedelta(days=7)).count()
    with django_capture_on_commit_callbacks(execute=True):
        middle = actions.roster_request(actor=world.coordinator, post=post, start=monday)
    middle.refresh_from_db()
    assert middle.status == Roster.Status.READY, middle.problems
    # the solve saw last week's and next week's published shifts either side of it
    around = solving.days_around(post, monday, 1)
    assert around["before"] and around["after"]
    inp = solving.build_input(post, monday, 1, **around).inp
    assert inp.before == around["before"] and inp.after == around["after"]
    actions.roster_publish(actor=world.coordinator, roster=middle)
    parts = Roster.objects.filter(post=post, status=Roster.Status.PUBLISHED, based_on=published).order_by("start")
    assert [(r.start, r.weeks, r.assignments.count()) for r in parts] == [
        (monday - dt.timedelta(days=7), 1, before), (monday + dt.timedelta(days=7), 1, after)]
    live = Assignment.objects.filter(post=post, roster__status=Roster.Status.PUBLISHED)
    assert set(live.filter(date__gte=monday, date__lt=monday + dt.timedelta(days=7)).values_list("roster_id", flat=True)) == {middle.pk}
    from muster.core.models import AuditEvent

    event = AuditEvent.objects.filter(action="roster.publish", object_id=str(middle.pk)).get()
    assert event.changes["superseded"] == [published.pk] and len(event.changes["kept"]) == 2
    c = login(world.coordinator)
    for r in parts:
        page = c.get(f"/rosters/roster/{r.pk}/")
        assert page.status_code == 200 and r.assignments.first().person.name in page.content.decode()
    assert c.get(f"/rosters/{post.pk}/week/{(monday + dt.timedelta(days=7)).isoformat()}/").status_code == 200
    listing = c.get(f"/rosters/{post.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert listing.count(f"保留自 {published.start:%Y-%m-%d}") == 2
