"""A queued roster solve says so when no worker is there to run it."""

import datetime as dt

from django.utils import timezone

from muster.core import heartbeat
from muster.rosters import actions
from muster.rosters.models import Roster

NOTE = "No background worker has been seen"


def test_a_queued_solve_says_when_no_worker_runs_and_stops_saying_it_once_one_does(world, login, post, team, settings):
    settings.LANGUAGE_CODE = "en"
    r = actions.roster_request(actor=world.coordinator, post=post, start=actions.monday_of(timezone.localdate()))
    assert r.status == Roster.Status.QUEUED  # the queue has it; nothing ran it
    client = login(world.coordinator)
    page = client.get(f"/rosters/roster/{r.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{NOTE}: solves and messages wait until one runs" in page
    heartbeat.beat(heartbeat.WORKER, now=timezone.now() - dt.timedelta(minutes=3))
    fragment = client.get(f"/rosters/roster/{r.pk}/?status=1", HTTP_HX_REQUEST="true",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{NOTE} for 3 minutes" in fragment
    heartbeat.beat(heartbeat.WORKER)
    assert NOTE not in client.get(f"/rosters/roster/{r.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
