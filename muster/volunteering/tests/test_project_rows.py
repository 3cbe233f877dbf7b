"""The public list's page comes from narrow rows grouped from the sessions (selectors.project_rows): the same
projects, in the same order, with the same open places as the full queryset the API pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from muster.volunteering import actions, selectors
from muster.volunteering.tests.helpers import project, volunteer

pytestmark = pytest.mark.django_db


def _same(**f):
    full = [(p.pk, p.open_places, p.next_start, p.n_sessions) for p in selectors.projects_public(**f)]
    rows = [(p.pk, p.open_places, p.next_start, p.n_sessions)
            for p in selectors.projects_of_rows(selectors.project_rows(**f))]
    assert rows == full
    return rows


def test_rows_match_the_full_list_under_every_filter(world):
    a, sa = project(world, title="入户敲门登记", category="door_knocking", places=3, in_days=3)
    actions.session_add(actor=world.coordinator, project=a, starts_at=sa.starts_at + dt.timedelta(days=1),
                        ends_at=sa.ends_at + dt.timedelta(days=1), places=4)
    b, sb = project(world, title="八角中里采样点排队引导", category="sampling_order", in_days=1, region=world.bajiao,
                    actor=world.bajiao_coordinator)
    c, _sc = project(world, title="试剂包装", category="kits", in_days=2)
    actions.signup_create(actor=volunteer(world), session=sa)
    rows = _same()
    assert [r[0] for r in rows] == [b.pk, c.pk, a.pk]  # by next session
    assert rows[2][1:] == (3 - 1 + 4, sa.starts_at, 2)
    assert [r[0] for r in _same(text="敲门")] == [a.pk]
    assert [r[0] for r in _same(category="kits")] == [c.pk]
    assert [r[0] for r in _same(district=world.shijingshan)] == [b.pk]
    assert [r[0] for r in _same(day=timezone.localtime(sa.starts_at).date())] == [a.pk]
    _same(near=(39.87, 116.42))


def test_a_project_whose_sessions_are_over_is_not_listed(world):
    p, s = project(world)
    from muster.volunteering.models import Session

    Session.objects.filter(pk=s.pk).update(starts_at=timezone.now() - dt.timedelta(hours=5),
                                           ends_at=timezone.now() - dt.timedelta(hours=1))
    assert _same() == []
