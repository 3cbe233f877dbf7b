"""An organiser who declines a sign-up may say why; the volunteer sees the reason on their page and in the API,
and it goes away when they sign up for that session again."""

from django.urls import reverse

from muster.volunteering import actions
from muster.volunteering.models import Project, Signup
from muster.volunteering.tests.helpers import project, volunteer


def test_the_reason_given_on_the_page_reaches_the_volunteer(client, world):
    p, s = project(world, places=2, approval=Project.Approval.MANUAL)
    vol = volunteer(world)
    row = actions.signup_create(actor=vol, session=s)
    client.force_login(world.coordinator)
    page = client.get(reverse("volunteering:project_manage", args=[p.pk]))
    assert 'name="reason"' in page.content.decode()
    r = client.post(reverse("volunteering:decide", args=[row.pk]), {"accept": "0", "reason": " 本场需要 急救证 "})
    assert r.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.decision_note) == (Signup.Status.DECLINED, "本场需要 急救证")

    client.force_login(vol)
    me = client.get(reverse("volunteering:me")).content.decode()
    assert "组织方说明" in me and "本场需要 急救证" in me
    mine = client.get("/api/v1/volunteering/signups/mine").json()
    assert [(i["status"], i["decision_note"]) for i in mine["items"]] == [("declined", "本场需要 急救证")]

    # Signing up again starts afresh: the old reason is not shown against the new request.
    again = actions.signup_create(actor=vol, session=s)
    assert again.pk == row.pk and (again.status, again.decision_note) == (Signup.Status.PENDING, "")
    assert "本场需要 急救证" not in client.get(reverse("volunteering:me")).content.decode()


def test_declining_on_the_page_without_a_reason_still_works_and_shows_none(client, world):
    p, s = project(world, places=1, approval=Project.Approval.MANUAL)
    vol = volunteer(world)
    row = actions.signup_create(actor=vol, session=s)
    client.force_login(world.coordinator)
    client.post(reverse("volunteering:decide", args=[row.pk]), {"accept": "0"})
    row.refresh_from_db()
    assert (row.status, row.decision_note) == (Signup.Status.DECLINED, "")
    client.force_login(vol)
    assert "组织方说明" not in client.get(reverse("volunteering:me")).content.decode()


def test_confirming_keeps_no_reason(world):
    _, s = project(world, places=1, approval=Project.Approval.MANUAL)
    vol = volunteer(world)
    row = actions.signup_create(actor=vol, session=s)
    out = actions.signup_decide(actor=world.coordinator, signup=row, accept=True, reason="欢迎")
    assert (out.status, out.decision_note) == (Signup.Status.CONFIRMED, "")
