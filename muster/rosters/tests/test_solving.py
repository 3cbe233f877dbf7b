import datetime as dt

from muster.rosters import actions
from muster.rosters.models import Assignment, Roster


def next_monday():
    today = dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday())


def test_solve_stores_a_valid_roster(world, post, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        roster = actions.roster_request(actor=world.coordinator, post=post, start=next_monday())
    roster.refresh_from_db()
    assert roster.status == Roster.Status.READY, roster.problems
    assert roster.engine_status in ("OPTIMAL", "FEASIBLE")
    # every band of every day has its two people (one on patrol)
    assert Assignment.objects.filter(roster=roster).count() == 7 * (4 * 2 + 1)
