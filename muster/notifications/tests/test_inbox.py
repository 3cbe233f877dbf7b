"""The inbox: every domain's open decisions reach the right person (and nobody outside their region),
go by themselves once dealt with, keep their read marks; the API; links that work outside the site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from muster.accounts.models import Role
from muster.core.models import AuditEvent
from muster.notifications import actions as notifications
from muster.notifications import inbox, selectors
from muster.notifications.models import InboxRead
from muster.people.actions import PersonData, person_create
from muster.rosters import actions as rosters
from muster.rosters.forms import parse_cover
from muster.rosters.models import Assignment, Roster
from muster.testworld import make_user


def keys(user, kind: str | None = None) -> set[str]:
    return {i.key for i in inbox.gather(user) if kind is None or i.kind == kind}


def items(user, kind: str) -> list[inbox.InboxItem]:
    return [i for i in inbox.gather(user) if i.kind == kind]


def test_every_domain_registers_its_providers():
    assert set(inbox.kinds()) >= {"rosters.swap", "rosters.asked", "rosters.missed", "rosters.unchecked", "needs.reports",
                                  "volunteering.signups",
                                  "needs.proposal", "testing.recall", "testing.box", "checkpoints.fever"}


def test_a_failing_provider_is_left_out_and_the_others_still_answer(world):
    from muster.checkpoints import actions as checkpoints
    from muster.checkpoints.tests.helpers import data

    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    checkpoints.passage_record(actor=world.coordinator, post=post, data=data(temperature="38.2"))

    def broken(user):
        raise RuntimeError("a domain's bug")

    inbox.register("zz.broken", broken)
    try:
        assert keys(world.coordinator, "checkpoints.fever")
    finally:
        inbox.unregister("zz.broken")


# --- rosters ---------------------------------------------------------------------------------------

def _hand_roster(post, shifts):
    """A published roster by hand: [(person, starts_at, hours)] (solving is the solver's tests' business)."""
    r = Roster.objects.create(post=post, start=rosters.monday_of(timezone.localdate()), status=Roster.Status.PUBLISHED)
    return [Assignment.objects.create(roster=r, post=post, person=p, date=timezone.localtime(s).date(), starts_at=s,
                                      ends_at=s + dt.timedelta(hours=h)) for p, s, h in shifts]


@pytest.fixture
def crew(world):
    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="东门")
    rosters.cover_set(actor=world.coordinator, post=post, bands=parse_cover("1-7 08:00-12:00 1"))
    zhao = person_create(actor=world.admin, data=PersonData(name="赵一", region=world.puanli, birth_year=1980))
    make_user("zhao", Role.MEMBER, world.puanli, person=zhao)
    for p in (world.alice, zhao):
        rosters.team_add(actor=world.coordinator, post=post, person=p)
    return post, zhao


def test_a_cover_request_reaches_the_coordinator_and_the_person_asked_and_goes_when_decided(world, crew):
    post, zhao = crew
    start = timezone.now() + dt.timedelta(days=2)
    (shift,) = _hand_roster(post, [(zhao, start, 4)])
    from muster.accounts.models import User

    zhao_user = User.objects.get(username="zhao")
    req = rosters.swap_request(actor=zhao_user, assignment=shift, kind="cover", other=world.alice, reason="家里有事")
    (item,) = items(world.coordinator, "rosters.swap")
    assert item.key == f"rosters.swap:{req.pk}" and "东门" in item.title and "赵一" in item.detail and "家里有事" in item.detail
    assert item.url == f"/rosters/{post.pk}/" and not item.urgent
    # The street above sees it too (it coordinates the subtree); the neighbouring community and another district do not.
    assert keys(world.street_coordinator, "rosters.swap") == {item.key}
    assert not keys(world.outsider) and not keys(world.bajiao_coordinator) and not keys(world.lab_tech)
    # Alice, asked to cover, is told; the asker has nothing to do.
    (asked,) = items(world.member, "rosters.asked")
    assert "赵一" in asked.title and asked.url == "/rosters/mine/"
    assert not keys(zhao_user, "rosters.asked")
    rosters.swap_decide(actor=world.coordinator, request=req, approve=True)
    assert not keys(world.coordinator, "rosters.swap") and not keys(world.member, "rosters.asked")


def test_a_missed_shift_reaches_the_coordinator_and_the_member_until_a_stand_in_is_recorded(world, crew):
    post, zhao = crew
    (shift,) = _hand_roster(post, [(world.alice, timezone.now() - dt.timedelta(minutes=30), 4)])
    (missed,) = items(world.coordinator, "rosters.missed")
    assert missed.key == f"rosters.missed:{shift.pk}" and "张秀英" in missed.title and missed.urgent
    assert missed.url == f"/rosters/{post.pk}/duty/"
    (mine,) = items(world.member, "rosters.unchecked")
    assert mine.urgent and "东门" in mine.title
    assert not keys(world.outsider) and not keys(world.bajiao_coordinator)
    rosters.checkin(actor=world.coordinator, post=post, person=zhao, assignment=shift)
    assert not keys(world.coordinator, "rosters.missed") and not keys(world.member, "rosters.unchecked")


def test_a_shift_within_its_grace_period_is_nobody_s_item_yet(world, crew):
    post, _zhao = crew
    _hand_roster(post, [(world.alice, timezone.now() - dt.timedelta(minutes=5), 4)])
    assert not keys(world.coordinator, "rosters.missed") and not keys(world.member, "rosters.unchecked")


# --- needs -----------------------------------------------------------------------------------------

def test_reports_to_accept_reach_the_need_s_coordinators_and_a_new_one_comes_back_unread(world):
    from muster.needs import actions as needs
    from muster.needs.tests.helpers import post as need_post

    need = need_post(world, headcount=3, title="南门值守")
    report = needs.report_create(actor=world.member, need=need)
    (item,) = items(world.coordinator, "needs.reports")
    assert item.url == f"/needs/{need.pk}/" and "南门值守" in item.title and item.urgent  # starts within the day
    assert not keys(world.outsider) and not keys(world.bajiao_coordinator) and not keys(world.member, "needs.reports")
    notifications.inbox_mark_read(actor=world.coordinator, keys=[item.key])
    assert [e.read for e in selectors.inbox_of(world.coordinator) if e.item.kind == "needs.reports"] == [True]
    # Somebody else reports: the item is unread again (there is something new to decide).
    other = person_create(actor=world.admin, data=PersonData(name="孙三", region=world.puanli, birth_year=1985))
    needs.report_create(actor=world.coordinator, need=need, person=other)
    (again,) = selectors.inbox_of(world.coordinator, unread_only=True)
    assert again.item.kind == "needs.reports" and again.item.key != item.key and "2" in again.item.title
    needs.report_accept(actor=world.coordinator, report=report)
    needs.report_decline(actor=world.coordinator, report=need.reports.get(person=other), reason="人够了")
    assert not keys(world.coordinator, "needs.reports")


def test_a_dispatch_proposal_waits_in_the_inbox_turns_stale_and_goes_when_discarded(world):
    from muster.needs import actions as needs
    from muster.needs.models import DispatchRun
    from muster.needs.tests.helpers import post as need_post

    for i in range(2):
        person_create(actor=world.admin, data=PersonData(name=f"志愿者{i}", region=world.puanli, birth_year=1985))
    need_post(world, headcount=1)
    run = needs.dispatch_start(actor=world.coordinator, region=world.puanli)
    assert run.status == DispatchRun.Status.READY
    (item,) = items(world.coordinator, "needs.proposal")
    assert item.url == f"/needs/dispatch/{run.pk}/" and not item.urgent
    assert not keys(world.outsider) and not keys(world.bajiao_coordinator)
    DispatchRun.objects.filter(pk=run.pk).update(finished_at=timezone.now() - dt.timedelta(hours=1))
    (stale,) = items(world.coordinator, "needs.proposal")
    assert stale.urgent and stale.key == item.key
    needs.proposal_discard(actor=world.coordinator, run=run)
    assert not keys(world.coordinator, "needs.proposal")


# --- testing ---------------------------------------------------------------------------------------

def test_a_positive_pool_is_an_urgent_recall_in_the_community_until_everyone_is_told(world):
    from muster.testing import actions as testing
    from muster.testing.models import RecallItem
    from muster.testing.tests.factories import campaign, people, sample_all, ship

    c, point = campaign(world, pool_size=5)
    ps = people(world, 5)
    tubes = sample_all(world, point, ps)
    ship(world, point, tubes)
    assert not keys(world.coordinator, "testing.recall")
    testing.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=testing.parse_result_text(f"{tubes[0]} positive")[0])
    (item,) = items(world.coordinator, "testing.recall")
    assert item.urgent and tubes[0] in item.title and "5" in item.detail and item.url == f"/testing/{c.pk}/recalls/"
    assert keys(world.district_command, "testing.recall") == {item.key}
    # The neighbouring community's coordinator has nobody in this tube; the lab sees no names or addresses.
    assert not keys(world.outsider) and not keys(world.bajiao_coordinator) and not keys(world.lab_tech, "testing.recall")
    for ri in RecallItem.objects.all():
        testing.recall_contact(actor=world.coordinator, item=ri)
    (waiting,) = items(world.coordinator, "testing.recall")
    assert not waiting.urgent and waiting.key != item.key


def test_an_overdue_box_reaches_the_point_and_the_lab_until_it_is_received(world):
    from muster.testing import actions as testing
    from muster.testing.models import Box
    from muster.testing.tests.factories import campaign, people, sample_all

    c, point = campaign(world, pool_size=5)
    tubes = sample_all(world, point, people(world, 5))
    box = testing.box_open(actor=world.clerk, point=point, barcode="B0001", lab=world.lab_site)
    testing.box_add_tubes(actor=world.clerk, box=box, barcodes=tubes)
    testing.box_seal(actor=world.clerk, box=box)
    testing.box_hand_over(actor=world.clerk, box=box, courier="快递员老刘")
    assert not keys(world.coordinator, "testing.box")  # just handed over: not overdue
    Box.objects.filter(pk=box.pk).update(handed_at=timezone.now() - dt.timedelta(hours=5))
    (item,) = items(world.coordinator, "testing.box")
    assert item.urgent and "B0001" in item.title and "快递员老刘" in item.detail
    assert item.url == f"/testing/desk/{point.pk}/boxes/{box.pk}/"
    assert keys(world.site_lead, "testing.box") == {item.key}
    (at_lab,) = items(world.lab_tech, "testing.box")
    assert at_lab.url == f"/testing/lab/{world.lab_site.pk}/"
    assert not keys(world.outsider) and not keys(world.bajiao_coordinator) and not keys(world.clerk, "testing.box")
    testing.box_receive(actor=world.lab_tech, lab=world.lab_site, barcode="B0001")
    assert not keys(world.coordinator, "testing.box") and not keys(world.lab_tech, "testing.box")


# --- checkpoints -----------------------------------------------------------------------------------

def test_an_open_fever_alert_reaches_the_region_s_coordinators_until_followed_up(world):
    from muster.checkpoints import actions as checkpoints
    from muster.checkpoints.models import FeverAlert
    from muster.checkpoints.tests.helpers import data

    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    checkpoints.passage_record(actor=world.coordinator, post=post, data=data(temperature="36.5"))
    assert not keys(world.coordinator, "checkpoints.fever")
    checkpoints.passage_record(actor=world.coordinator, post=post, data=data(temperature="38.2", visitor_name="送菜师傅"))
    (item,) = items(world.coordinator, "checkpoints.fever")
    assert item.urgent and "南门帐篷" in item.title and "38.2" in item.title and item.url == "/checkpoints/alerts/"
    assert "送菜师傅" not in item.title + item.detail  # like the SMS: the list behind the link has the name
    assert not keys(world.outsider) and not keys(world.bajiao_coordinator) and not keys(world.member)
    checkpoints.alert_close(actor=world.coordinator, alert=FeverAlert.objects.get(), outcome="复测 36.8")
    assert not keys(world.coordinator, "checkpoints.fever")


# --- read marks ------------------------------------------------------------------------------------

@pytest.fixture
def two_alerts(world):
    from muster.checkpoints import actions as checkpoints
    from muster.checkpoints.tests.helpers import data

    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    for t in ("38.1", "38.4"):
        checkpoints.passage_record(actor=world.coordinator, post=post, data=data(temperature=t))
    return sorted(keys(world.coordinator, "checkpoints.fever"))


def test_read_marks_are_per_user_and_audited(world, two_alerts):
    first, second = two_alerts
    assert selectors.inbox_unread_count(world.coordinator) == 2
    assert notifications.inbox_mark_read(actor=world.coordinator, keys=[first, "made-up:1"]) == 1
    assert notifications.inbox_mark_read(actor=world.coordinator, keys=[first]) == 0  # already read
    assert set(InboxRead.objects.values_list("key", flat=True)) == {first}  # a made-up key is not kept
    assert {e.item.key: e.read for e in selectors.inbox_of(world.coordinator)} == {first: True, second: False}
    assert selectors.inbox_unread_count(world.coordinator) == 1  # the cached count was dropped on marking
    # The street coordinator sees the same alerts, unread: marks belong to one user.
    assert selectors.inbox_unread_count(world.street_coordinator) == 2
    assert AuditEvent.objects.filter(action="inbox.read", actor=world.coordinator).count() == 1
    assert notifications.inbox_mark_all_read(actor=world.coordinator) == 1
    assert selectors.inbox_unread_count(world.coordinator) == 0
    assert selectors.inbox_of(world.coordinator, unread_only=True) == []
    assert AuditEvent.objects.filter(action="inbox.read_all", actor=world.coordinator).count() == 1


def test_old_read_marks_are_pruned_and_an_item_still_waiting_comes_back_unread(world, two_alerts):
    from muster.core import periodic

    first, second = two_alerts
    notifications.inbox_mark_all_read(actor=world.coordinator)
    notifications.inbox_mark_read(actor=world.street_coordinator, keys=[first])
    later = timezone.now() + dt.timedelta(days=notifications.INBOX_MARK_DAYS - 1)
    assert notifications.inbox_marks_prune(now=later) == 0  # not old enough yet
    assert InboxRead.objects.count() == 3
    later += dt.timedelta(days=2)
    assert notifications.inbox_marks_prune(now=later) == 3
    assert not InboxRead.objects.exists()
    # The alerts were never followed up: they are unread again, a reminder rather than a loss.
    selectors.inbox_forget_count(world.coordinator)
    assert selectors.inbox_unread_count(world.coordinator) == 2
    (event,) = AuditEvent.objects.filter(action="inbox.marks_prune")
    assert event.actor is None and event.changes["count"] == 3
    assert "notifications.inbox_marks_prune" in {j.name for j in periodic.registered()}


def test_the_inbox_page_lists_opens_and_marks(world, two_alerts, client):
    client.force_login(world.coordinator)
    page = client.get("/notifications/inbox/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('class="inbox-item unread urgent"') == 2
    # Every page's nav asks for the unread count once loaded; the page itself runs no provider.
    assert 'hx-get="/notifications/inbox/count/"' in client.get("/").content.decode()
    assert 'data-inbox-unread>2</span>' in client.get("/notifications/inbox/count/").content.decode()
    opened = client.post("/notifications/inbox/open/", {"key": two_alerts[0]})
    assert opened.status_code == 302 and opened["Location"] == "/checkpoints/alerts/"
    html = client.get("/notifications/inbox/?show=unread").content.decode()
    assert two_alerts[1] in html and two_alerts[0] not in html
    assert 'data-inbox-unread>1</span>' in client.get("/notifications/inbox/count/").content.decode()
    gone = client.post("/notifications/inbox/open/", {"key": "checkpoints.fever:999999"})
    assert gone.status_code == 302 and gone["Location"] == "/notifications/inbox/"
    client.post("/notifications/inbox/read/", {"all": "1"})
    assert client.get("/notifications/inbox/count/").content == b""
    assert client.get("/notifications/inbox/open/").status_code == 405
    client.logout()
    anonymous = client.get("/notifications/inbox/count/")
    assert anonymous.status_code == 200 and anonymous.content == b""


def test_the_inbox_page_of_someone_with_nothing_to_do(world, client):
    client.force_login(world.nobody)
    page = client.get("/notifications/inbox/")
    assert page.status_code == 200 and "inbox-item" not in page.content.decode()


def test_the_api_lists_with_absolute_links_and_marks_read(world, two_alerts, client, settings):
    settings.SITE_URL = "https://muster.example.cn"
    client.force_login(world.coordinator)
    body = client.get("/api/v1/notifications/inbox").json()
    assert body["unread"] == 2 and [i["key"] for i in body["items"]] != []
    assert {i["url"] for i in body["items"]} == {"https://muster.example.cn/checkpoints/alerts/"}
    assert all(i["urgent"] and not i["read"] for i in body["items"])
    r = client.post("/api/v1/notifications/inbox/read", {"keys": [two_alerts[0]]}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"marked": 1, "unread": 1}
    assert [i["key"] for i in client.get("/api/v1/notifications/inbox?unread=true").json()["items"]] == [two_alerts[1]]
    r = client.post("/api/v1/notifications/inbox/read", {"all": True}, content_type="application/json")
    assert r.json() == {"marked": 1, "unread": 0}
    client.logout()
    assert client.get("/api/v1/notifications/inbox").status_code == 401


# --- links that work outside the site --------------------------------------------------------------

def test_sms_and_e_mail_carry_absolute_links_on_site_url(world, lead, settings, sms_outbox, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://muster.example.cn/"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.coordinator.email = "lead@example.cn"
    world.coordinator.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(person=lead, subject="漏岗", body="请找人替班", url="/rosters/missed/", event="duty.missed")
    (text,) = sms_outbox.to("13900000011")
    assert text.endswith(" https://muster.example.cn/rosters/missed/")
    (message,) = mail.outbox
    assert "https://muster.example.cn/rosters/missed/" in message.body
    # The in-app list keeps the site's own path.
    assert client_path(lead) == "/rosters/missed/"


def client_path(person) -> str:
    from muster.notifications.models import Notification

    return Notification.objects.filter(person=person).values_list("url", flat=True).first()


def test_the_calendar_feed_links_on_site_url(world, crew, settings, client):
    settings.SITE_URL = "https://muster.example.cn"
    post, _zhao = crew
    (shift,) = _hand_roster(post, [(world.alice, timezone.now() + dt.timedelta(days=1), 4)])
    feed = rosters.calendar_token_rotate(actor=world.member)
    ics = client.get(f"/rosters/ical/{feed.token}.ics").content.decode().replace("\r\n ", "")
    assert "URL:https://muster.example.cn/rosters/mine/" in ics
    assert f"https://muster.example.cn/rosters/shift/{shift.pk}/swap/" in ics


def test_an_invitation_links_on_site_url_whatever_host_the_request_named(world, client, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://muster.example.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/accounts/users/", {"email": "new@example.cn", "name": "新人", "role": "member",
                                             "region_code": world.puanli.code}, HTTP_HOST="localhost")
    assert r.status_code in (200, 302)
    (message,) = mail.outbox
    assert "https://muster.example.cn/accounts/invite/" in message.body


def test_the_inbox_asks_a_fixed_number_of_queries_however_many_items(world, django_assert_max_num_queries):
    from muster.accounts.models import User
    from muster.checkpoints import actions as checkpoints
    from muster.checkpoints.tests.helpers import data

    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    checkpoints.passage_record(actor=world.coordinator, post=post, data=data(temperature="38.1"))
    inbox.gather(world.coordinator)  # providers discovered once per process
    # At most one query per provider, whichever apps register them (the test's own user fetch aside).
    with django_assert_max_num_queries(len(inbox.kinds()) + 1) as one:
        assert len(inbox.gather(User.objects.get(pk=world.coordinator.pk))) == 1
    for t in ("38.2", "38.3", "38.4", "38.5"):
        checkpoints.passage_record(actor=world.coordinator, post=post, data=data(temperature=t))
    _hand_roster(post, [(world.alice, timezone.now() - dt.timedelta(minutes=30 + i), 4) for i in range(3)])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(inbox.gather(User.objects.get(pk=world.coordinator.pk))) == 8


def test_sign_ups_awaiting_the_organiser_reach_them_until_decided(world):
    from muster.volunteering import actions as volunteering
    from muster.volunteering.models import Signup
    from muster.volunteering.tests.helpers import project, volunteer

    p, session = project(world, approval="manual")
    assert not keys(world.coordinator, "volunteering.signups")
    who = volunteer(world)
    signup = volunteering.signup_create(actor=who, session=session)
    assert signup.status == Signup.Status.PENDING
    (item,) = items(world.coordinator, "volunteering.signups")
    assert item.url == f"/volunteering/manage/p/{p.pk}/" and p.title in item.title
    assert not keys(world.outsider) and not keys(world.bajiao_coordinator) and not keys(who)
    volunteering.signup_decide(actor=world.coordinator, signup=signup, accept=True)
    assert not keys(world.coordinator, "volunteering.signups")


def test_marking_read_refuses_a_body_that_is_not_an_object(world, login):
    import json

    r = login(world.coordinator).post("/api/v1/notifications/inbox/read", data=json.dumps([{"all": True}]),
                                      content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"
