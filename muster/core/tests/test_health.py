"""/healthz reports the database, the queue, the worker and the ticker; /healthz/node the database only."""

import datetime as dt

import pytest
from django.utils import timezone

from muster.core import heartbeat

# The checks run in threads with their own connections: they see only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_is_public_json_and_fails_while_no_worker_or_ticker_is_seen(client):
    r = client.get("/healthz")
    assert r.status_code == 500 and r["Content-Type"] == "application/json"
    assert r.json() == {"Database": "OK", "TaskQueue": "OK", "Worker": "Unavailable: no worker has been seen",
                        "Ticker": "Unavailable: no ticker has been seen"}


def test_healthz_is_ok_while_worker_and_ticker_beat_and_says_how_long_one_is_silent(client):
    now = timezone.now()
    heartbeat.beat(heartbeat.WORKER, now=now - dt.timedelta(seconds=30))
    heartbeat.beat(heartbeat.TICKER, now=now)
    r = client.get("/healthz")
    assert r.status_code == 200 and set(r.json().values()) == {"OK"}
    assert r["Cache-Control"].startswith("max-age=0")

    heartbeat.beat(heartbeat.WORKER, now=now - dt.timedelta(minutes=5))
    body = client.get("/healthz").json()
    assert body["Worker"].startswith("Unavailable: no worker seen for 30") and body["Ticker"] == "OK"


def test_node_health_needs_only_the_database_and_other_formats_still_work(client):
    r = client.get("/healthz/node")
    assert r.status_code == 200 and r.json() == {"Database": "OK"}
    assert client.get("/healthz/node?format=text").content.decode() == "Database: OK\n"
    assert b"Database" in client.get("/healthz/node", HTTP_ACCEPT="text/html").content
