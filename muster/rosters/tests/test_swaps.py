"""Swaps and covers: only what the rules allow is offered, refusals say why, and both members see the request."""

import datetime as dt

import pytest
from django.utils import timezone

from muster.core.errors import InvalidInput
from muster.people.actions import PersonData, person_create
from muster.rosters import actions, selectors, solving
from muster.rosters.forms import SwapForm, parse_cover
from muster.rosters.models import Assignment, Roster, SwapRequest


def _published(post, start, weeks, pattern):
    """A published roster by hand: pattern(day index, band) -> person or None."""
    r = Roster.objects.create(post=post, start=start, weeks=weeks, status=Roster.Status.PUBLISHED)
    bands = list(post.bands.all())
    for d in range(7 * weeks):
        date = start + dt.timedelta(days=d)
        for b in bands:
            if b.weekday != date.weekday():
                continue
            person = pattern(d, b)
            if person is not None:
                a, z = solving.band_span(date, b)
                Assignment.objects.create(roster=r, post=post, person=person, band=b, date=date, starts_at=a, ends_at=z, line=b.line)
    return r


@pytest.fixture
def crew(world):
    """Three members at a post with a morning and an afternoon band; rosters of last, this and next week."""
    post = actions.post_create(actor=world.coordinator, site=world.gate, name="东门", solve_seconds=5, max_consecutive_days=7)
    actions.cover_set(actor=world.coordinator, post=post, bands=parse_cover("1-7 08:00-12:00 1\n1-7 14:00-18:00 1"))
    people = [world.alice] + [person_create(actor=world.admin, data=PersonData(name=n, region=world.puanli, birth_year=1980))
                              for n in ("赵一", "钱二")]
    for p in people:
        actions.team_add(actor=world.coordinator, post=post, person=p)
    a, b, c = people
    monday = actions.monday_of(timezone.localdate())

    def pattern(d, band):
        # A works mornings on even days, B afternoons on even days, C mornings on odd days
        if d % 2:
            return c if band.start.hour == 8 else None
        return a if band.start.hour == 8 else b

    for w in (-1, 0, 1):
        _published(post, monday + dt.timedelta(days=7 * w), 1, pattern)
    return post, a, b, c


def _future(person, post, days_ahead=2):
    now = timezone.now()
    return (Assignment.objects.filter(post=post, person=person, starts_at__gt=now + dt.timedelta(days=days_ahead))
            .order_by("starts_at").first())


def test_options_are_the_chosen_persons_coming_shifts_that_the_rules_allow(world, crew):
    post, a, b, c = crew
    mine = _future(a, post)
    allowed, refused = solving.swap_options(mine, b)
    assert allowed or refused
    now = timezone.now()
    for x in allowed + [x for x, _why in refused]:
        assert x.person_id == b.pk and x.starts_at > now and abs((x.date - mine.date).days) <= 14
    # B works the afternoon of each day A works the morning: trading onto another even day would give A two shifts
    # that day; only the same day's trade (morning for afternoon) is allowed
    assert [x.date for x in allowed] == [mine.date]
    assert refused and all(why for _x, why in refused)
    assert any(a.name in w for _x, why in refused for w in why)


def test_an_offered_trade_across_rosters_is_approved(world, crew):
    """A shift of next week's roster traded for one of this week's: it used to land on a wrong day and be refused."""
    post, a, b, c = crew
    mine = Assignment.objects.filter(post=post, person=c, starts_at__gt=timezone.now()).order_by("starts_at").first()
    theirs = (Assignment.objects.filter(post=post, person=b, starts_at__gt=timezone.now()).exclude(roster=mine.roster)
              .order_by("starts_at").first())
    assert theirs is not None
    world.member.person = c
    world.member.save(update_fields=["person"])
    allowed, _refused = solving.swap_options(mine, b)
    assert allowed, _refused
    pick = allowed[-1]
    req = actions.swap_request(actor=world.member, assignment=mine, kind="swap", other=b, other_assignment=pick)
    actions.swap_decide(actor=world.coordinator, request=req, approve=True)
    mine.refresh_from_db()
    pick.refresh_from_db()
    assert mine.person_id == b.pk and pick.person_id == c.pk
    assert SwapRequest.objects.get(pk=req.pk).status == SwapRequest.Status.APPROVED


def test_a_trade_the_rules_refuse_is_not_sent(world, crew):
    post, a, b, c = crew
    mine = _future(a, post)
    _allowed, refused = solving.swap_options(mine, b)
    world.member.person = a
    world.member.save(update_fields=["person"])
    with pytest.raises(InvalidInput) as e:
        actions.swap_request(actor=world.member, assignment=mine, kind="swap", other=b, other_assignment=refused[0][0])
    assert e.value.errors and not SwapRequest.objects.exists()


def test_the_form_offers_only_allowed_shifts_of_the_chosen_person(world, crew):
    post, a, b, c = crew
    mine = _future(a, post)
    form = SwapForm(data={"kind": "swap", "other": b.pk}, assignment=mine)
    offered = list(form.fields["other_assignment"].queryset)
    assert offered == solving.swap_options(mine, b)[0]
    assert len(offered) < Assignment.objects.filter(post=post).exclude(person=a).count()
    form = SwapForm(assignment=mine)
    assert not list(form.fields["other_assignment"].queryset)


def test_both_members_see_the_request(world, crew):
    from muster.accounts.models import Role
    from muster.testworld import make_user

    post, a, b, c = crew
    mine = _future(a, post)
    world.member.person = a
    world.member.save(update_fields=["person"])
    other_user = make_user("zhaoyi", Role.MEMBER, world.puanli, person=b)
    req = actions.swap_request(actor=world.member, assignment=mine, kind="cover", other=c)
    assert list(selectors.my_swaps(world.member)) == [req]
    assert list(selectors.my_swaps(other_user)) == []
    third = make_user("qianer", Role.MEMBER, world.puanli, person=c)
    assert list(selectors.my_swaps(third)) == [req]
    assert req in selectors.swaps_for(world.coordinator, post)
