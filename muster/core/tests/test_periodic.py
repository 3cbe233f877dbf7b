import threading

import pytest

from muster import cli
from muster.core import periodic
from muster.core.periodic import Job, Ticker


class Recorder:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1


def boom():
    raise RuntimeError("job exploded")


@pytest.fixture
def no_db_lock(monkeypatch):
    """The ticker's logic alone: no database, so no PostgreSQL lock (tested below on both databases)."""
    from contextlib import contextmanager

    @contextmanager
    def free(name):
        yield True

    monkeypatch.setattr(periodic, "exclusive", free)


def test_ticker_runs_due_jobs_and_skips_the_others(no_db_lock):
    minute, often = Recorder(), Recorder()
    ticker = Ticker([Job("minute", 60, minute), Job("often", 10, often)])
    assert ticker.tick(now=1000.0) == {"minute": periodic.OK, "often": periodic.OK}
    assert ticker.tick(now=1005.0) == {}
    assert ticker.tick(now=1015.0) == {"often": periodic.OK}
    assert ticker.tick(now=1059.0) == {"often": periodic.OK}
    assert ticker.tick(now=1060.0) == {"minute": periodic.OK}
    assert (minute.calls, often.calls) == (2, 3)
    assert ticker.seconds_to_next(1061.0) == pytest.approx(8.0)


def test_a_raising_job_is_logged_and_the_others_still_run(caplog, no_db_lock):
    after = Recorder()
    ticker = Ticker([Job("a.boom", 10, boom), Job("b.after", 10, after)])
    assert ticker.tick(now=0.0) == {"a.boom": periodic.ERROR, "b.after": periodic.OK}
    assert "periodic job a.boom failed" in caplog.text and "job exploded" in caplog.text
    # The failed job waits for its next turn like the others instead of being retried in a loop.
    assert ticker.tick(now=1.0) == {}
    assert ticker.tick(now=10.0) == {"a.boom": periodic.ERROR, "b.after": periodic.OK}
    assert after.calls == 2


def test_run_forever_stops_and_survives_errors(monkeypatch, no_db_lock):
    monkeypatch.setattr(periodic, "close_old_connections", lambda: None)  # no database in this test
    monkeypatch.setattr(periodic, "_checkin", lambda: None)
    stop = threading.Event()
    seen = Recorder()

    def last():
        seen()
        if seen.calls >= 2:
            stop.set()

    thread = threading.Thread(target=Ticker([Job("boom", 0.01, boom), Job("last", 0.01, last)]).run_forever,
                              args=(stop, 0.01), daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive() and seen.calls == 2


def test_register_replaces_by_name_and_refuses_nonsense(monkeypatch):
    monkeypatch.setattr(periodic._registry, "entries", dict(periodic._registry.entries))
    first, second = Recorder(), Recorder()
    periodic.register("test.job", 5, first)
    periodic.register("test.job", 7, second)
    [job] = [j for j in periodic.registered() if j.name == "test.job"]
    assert job.interval == 7 and job.func is second
    with pytest.raises(ValueError):
        periodic.register("test.never", 0, first)


def test_lock_keys_are_stable_signed_64_bit():
    key = periodic.lock_key("notifications.flush_due")
    assert key == periodic.lock_key("notifications.flush_due") != periodic.lock_key("rosters.missed_shifts")
    assert -(2**63) <= key < 2**63


@pytest.mark.django_db
def test_jobs_run_unlocked_on_sqlite_and_locked_out_on_postgresql():
    from django.db import connection, connections

    ran = Recorder()
    job = Job("test.locked", 60, ran)
    if connection.vendor != "postgresql":
        assert periodic.run_job(job) == periodic.OK and ran.calls == 1
        return
    other = connections.create_connection("default")  # another worker holding the job's lock
    try:
        with other.cursor() as c:
            c.execute("SELECT pg_try_advisory_lock(%s)", [periodic.lock_key(job.name)])
        assert periodic.run_job(job) == periodic.LOCKED and ran.calls == 0
        with other.cursor() as c:
            c.execute("SELECT pg_advisory_unlock(%s)", [periodic.lock_key(job.name)])
        assert periodic.run_job(job) == periodic.OK and ran.calls == 1
    finally:
        other.close()


@pytest.mark.django_db
def test_muster_tick_once(monkeypatch, capsys):
    monkeypatch.setattr(periodic._registry, "entries", {})
    monkeypatch.setattr(periodic._registry, "discovered", True)
    fine = Recorder()
    periodic.register("test.fine", 60, fine)
    assert cli.main(["tick", "--once"]) == 0
    assert fine.calls == 1 and "test.fine: ok" in capsys.readouterr().out
    periodic.register("test.boom", 60, boom)
    assert cli.main(["tick", "--once"]) == 1  # cron sees the failure; the other job still ran
    assert fine.calls == 2
