"""The weekly book costs the same few queries however many shifts, check-ins and notes it shows (no query per row)."""

import datetime as dt

from django.utils import timezone

from muster.people.actions import PersonData, person_create
from muster.rosters import actions, solving
from muster.rosters.forms import parse_cover
from muster.rosters.models import Assignment, CheckIn, Roster

# Measured for the page below; a query per shift, check-in or note would add dozens.
# (13: the nav asks once whether the region has a quarantine place before offering that section.)
WEEK_PAGE_QUERIES = 13


def _busy_week(world):
    """A post with four bands a day and six members, a published week with every band filled (28 shifts),
    ten check-ins (two of them stand-ins) and five notes."""
    post = actions.post_create(actor=world.coordinator, site=world.gate, name="东门", solve_seconds=5)
    actions.cover_set(actor=world.coordinator, post=post, bands=parse_cover(
        "1-7 06:00-10:00 1\n1-7 10:00-14:00 1\n1-7 14:00-18:00 1\n1-7 22:00-06:00 1 patrol"))
    people = [person_create(actor=world.admin, data=PersonData(name=f"队员{i}", region=world.puanli, birth_year=1980))
              for i in range(6)]
    for p in people:
        actions.team_add(actor=world.coordinator, post=post, person=p)
    monday = actions.monday_of(timezone.localdate())
    roster = Roster.objects.create(post=post, start=monday, status=Roster.Status.PUBLISHED)
    shifts = []
    for i, band in enumerate(post.bands.all()):
        date = monday + dt.timedelta(days=band.weekday)
        a, z = solving.band_span(date, band)
        shifts.append(Assignment.objects.create(roster=roster, post=post, person=people[i % 6], band=band, date=date,
                                                starts_at=a, ends_at=z, line=band.line))
    for i, a in enumerate(shifts[:10]):
        who = people[(i + 1) % 6] if i < 2 else a.person  # two stand-ins
        CheckIn.objects.create(post=post, assignment=a, person=who, at=a.starts_at, method=CheckIn.Method.COORDINATOR,
                               minutes=a.minutes)
    for i in range(5):
        actions.duty_note_add(actor=world.coordinator, post=post, text=f"交班记录 {i}")
    return post, monday


def test_the_week_page_runs_no_query_per_row(world, login, django_assert_max_num_queries):
    post, monday = _busy_week(world)
    c = login(world.coordinator)
    url = f"/rosters/{post.pk}/week/{monday.isoformat()}/"
    c.get(url)  # the session and the user's grants are read once
    with django_assert_max_num_queries(WEEK_PAGE_QUERIES):
        r = c.get(url)
    assert r.status_code == 200
    page = r.content.decode()
    assert all(f"队员{i}" in page for i in range(6)) and "交班记录 4" in page
