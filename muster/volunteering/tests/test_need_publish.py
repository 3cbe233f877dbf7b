"""A community need published as a volunteer project in one step, from the need's page, once however often asked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from muster.core.errors import Conflict, Forbidden
from muster.core.models import AuditEvent
from muster.needs import actions as needs_actions
from muster.needs import elsewhere
from muster.needs.tests.helpers import post as need_post
from muster.needs.tests.helpers import soon
from muster.people.models import Skill
from muster.volunteering import actions
from muster.volunteering.audits import Audit
from muster.volunteering.models import Project, Session
from muster.volunteering.tests.helpers import volunteer

pytestmark = pytest.mark.django_db


def _need(world, skills=("first_aid",), **kw):
    Skill.objects.get_or_create(code="first_aid", defaults={"name_zh": "急救", "name_en": "First aid"})
    return need_post(world, role=kw.pop("role", "sampling_order"), site=world.gate, start=soon(30), hours=3,
                     headcount=kw.pop("headcount", 5), title="核酸采样点秩序维护", skills=skills, **kw)


def test_publishing_a_need_makes_a_project_with_its_session_linked_back(world):
    need = _need(world)
    project, created = actions.need_publish(actor=world.coordinator, need=need)
    assert created
    assert (project.title, project.category, project.region, project.site, project.need) == (
        "核酸采样点秩序维护", "sampling_order", world.puanli, world.gate, need)
    assert [s.code for s in project.skills.all()] == ["first_aid"]
    [session] = Session.objects.filter(project=project)
    assert (session.starts_at, session.ends_at, session.places, session.taken) == (need.start, need.end, 5, 0)
    assert len(session.code) == 6
    event = AuditEvent.objects.get(action=Audit.NEED_PUBLISH)
    assert event.changes["need"] == need.pk and event.changes["places"] == 5


def test_publishing_twice_gives_the_same_project(world):
    need = _need(world)
    first, _ = actions.need_publish(actor=world.coordinator, need=need)
    again, created = actions.need_publish(actor=world.street_coordinator, need=need)
    assert again.pk == first.pk and not created
    assert Project.objects.filter(need=need).count() == 1 and Session.objects.filter(project=first).count() == 1
    assert AuditEvent.objects.filter(action=Audit.NEED_PUBLISH).count() == 1


def test_places_are_the_need_s_places_not_yet_filled(world):
    need = _need(world, headcount=3, skills=())
    r = needs_actions.report_create(actor=world.member, need=need)
    needs_actions.report_accept(actor=world.coordinator, report=r)
    need.refresh_from_db()
    project, _ = actions.need_publish(actor=world.coordinator, need=need)
    assert project.sessions.get().places == 2


def test_only_the_need_s_coordinators_publish_and_a_closed_need_is_refused(world):
    need = _need(world)
    with pytest.raises(Forbidden):
        actions.need_publish(actor=world.outsider, need=need)
    needs_actions.need_set_status(actor=world.coordinator, need=need, verb="close")
    with pytest.raises(Conflict):
        actions.need_publish(actor=world.coordinator, need=need)
    assert not Project.objects.exists()


def test_a_volunteer_signs_up_for_the_published_session(world):
    need = _need(world, role="gate_duty")
    project, _ = actions.need_publish(actor=world.coordinator, need=need)
    assert project.category == "gate"
    user = volunteer(world)
    row = actions.signup_create(actor=user, session=project.sessions.get())
    assert row.status == "confirmed"


def test_the_need_page_offers_publishing_then_links_the_project(client, world):
    need = _need(world)
    client.force_login(world.coordinator)
    page = client.get(reverse("needs:detail", args=[need.pk])).content.decode()
    url = reverse("volunteering:need_publish", args=[need.pk])
    assert url in page
    r = client.post(url)
    project = Project.objects.get(need=need)
    assert r.status_code == 302 and r["Location"] == reverse("volunteering:project_manage", args=[project.pk])
    client.post(url)  # a second click
    assert Project.objects.filter(need=need).count() == 1
    page = client.get(reverse("needs:detail", args=[need.pk])).content.decode()
    assert reverse("volunteering:project_manage", args=[project.pk]) in page and url not in page
    manage = client.get(reverse("volunteering:project_manage", args=[project.pk])).content.decode()
    assert reverse("needs:detail", args=[need.pk]) in manage


def test_the_need_page_offers_nothing_to_a_member_and_outsiders_cannot_publish(client, world):
    need = _need(world)
    assert elsewhere.links(world.member, need, False) == []
    client.force_login(world.outsider)
    assert client.post(reverse("volunteering:need_publish", args=[need.pk])).status_code == 404
    assert not Project.objects.exists()


def test_a_need_longer_than_a_day_is_refused(world):
    need = _need(world)
    need.end = need.start + dt.timedelta(hours=30)
    with pytest.raises(Exception) as e:
        actions.need_publish(actor=world.coordinator, need=need)
    assert getattr(e.value, "field", None) == "need"
    assert not Project.objects.exists()
