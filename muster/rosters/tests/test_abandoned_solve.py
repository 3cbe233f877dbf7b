import datetime as dt

from django.utils import timezone, translation

from muster.core.models import AuditEvent
from muster.rosters import actions, jobs
from muster.rosters.models import Roster
from muster.rosters.tests.test_solving import next_monday


def _solving(post, started_ago: dt.timedelta, limit: int = 20) -> Roster:
    return Roster.objects.create(post=post, start=next_monday(), status=Roster.Status.SOLVING, time_limit=limit,
                                 started_at=timezone.now() - started_ago)


def test_a_solve_whose_worker_died_fails_and_the_week_can_be_solved_again(world, post, team,
                                                                          django_capture_on_commit_callbacks):
    lost = _solving(post, dt.timedelta(minutes=30))
    with translation.override("en"):
        assert jobs.abandoned_solves_fail() == 1
    lost.refresh_from_db()
    assert lost.status == Roster.Status.FAILED and lost.finished_at is not None
    assert lost.problems and "solve again" in lost.problems[0]
    assert AuditEvent.objects.filter(action="roster.solve_abandoned", object_id=str(lost.pk)).exists()
    # Before, the post refused a new solve of that week for ever ("already being solved").
    with django_capture_on_commit_callbacks(execute=True):
        again = actions.roster_request(actor=world.coordinator, post=post, start=next_monday())
    again.refresh_from_db()
    assert again.status == Roster.Status.READY, again.problems


def test_a_solve_still_within_its_time_is_left_alone(world, post):
    running = _solving(post, dt.timedelta(seconds=30), limit=60)
    assert jobs.abandoned_solves_fail() == 0
    running.refresh_from_db()
    assert running.status == Roster.Status.SOLVING


def test_a_long_solve_gets_its_limit_and_the_explanation_before_it_counts_as_lost(world, post):
    # 300 s limit, started 12 minutes ago: 2 x 300 s + 10 s + 5 min margin is about 15 minutes.
    running = _solving(post, dt.timedelta(minutes=12), limit=300)
    assert jobs.abandoned_solves_fail() == 0
    assert jobs.abandoned_solves_fail(now=timezone.now() + dt.timedelta(minutes=4)) == 1
    running.refresh_from_db()
    assert running.status == Roster.Status.FAILED


def test_a_roster_the_worker_finished_meanwhile_keeps_its_outcome(world, post):
    done = _solving(post, dt.timedelta(minutes=30))
    Roster.objects.filter(pk=done.pk).update(status=Roster.Status.READY)
    assert actions.roster_solve_abandon(roster_id=done.pk) is False
    done.refresh_from_db()
    assert done.status == Roster.Status.READY
