import datetime as dt

import pytest

from muster.core.errors import Forbidden, InvalidInput
from muster.rosters import actions
from muster.rosters.actions import BandData
from muster.rosters.forms import format_cover, parse_cover

T = dt.time


def test_overlap_across_midnight_is_refused(world, post):
    bands = [BandData(weekday=6, start=T(22), end=T(2), required=1), BandData(weekday=0, start=T(1), end=T(6), required=1)]
    with pytest.raises(InvalidInput) as e:
        actions.cover_set(actor=world.coordinator, post=post, bands=bands)
    assert "22:00–02:00" in str(e.value.message)
    assert post.bands.count() == 35  # the old cover is untouched


def test_patrol_may_overlap_the_shift_plan(world, post):
    bands = [BandData(weekday=0, start=T(17, 30), end=T(1), required=2), BandData(weekday=0, start=T(22), end=T(6), required=2, line="patrol")]
    assert len(actions.cover_set(actor=world.coordinator, post=post, bands=bands)) == 2


@pytest.mark.parametrize("band", [BandData(weekday=0, start=T(8), end=T(8), required=1),
                                  BandData(weekday=7, start=T(8), end=T(9), required=1),
                                  BandData(weekday=0, start=T(8), end=T(9), required=0),
                                  BandData(weekday=0, start=T(8), end=T(9), required=1, skill="nope", skill_count=1),
                                  BandData(weekday=0, start=T(8), end=T(9), required=1, skill="health_code_app", skill_count=2)])
def test_bad_bands_refused(world, post, band):
    with pytest.raises(InvalidInput):
        actions.cover_set(actor=world.coordinator, post=post, bands=[band])


def test_only_the_coordinator_sets_cover(world, post):
    with pytest.raises(Forbidden):
        actions.cover_set(actor=world.outsider, post=post, bands=[BandData(weekday=0, start=T(8), end=T(9), required=1)])


def test_text_format_round_trips(world, post):
    text = format_cover(post)
    assert "1-7 06:30-11:30 2" in text and "1-7 22:00-06:00 1 patrol" in text
    assert len(parse_cover(text)) == 35
    assert parse_cover("1-5,7 08:00-12:00 3 health_code_app:1")[0].skill_count == 1


def test_rules_are_checked(world, post):
    with pytest.raises(InvalidInput):
        actions.post_update_rules(actor=world.coordinator, post=post, max_hours_day=10, max_hours_week=8)
    with pytest.raises(InvalidInput):
        actions.post_update_rules(actor=world.coordinator, post=post, fever_threshold="45")
    actions.post_update_rules(actor=world.coordinator, post=post, night_age_limit=70, max_hours_week=30)
    post.refresh_from_db()
    assert post.night_age_limit == 70
