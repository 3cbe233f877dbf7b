"""The Redis queue: `muster worker` runs tasks enqueued on django-tasks-rq (against a real Redis).

Skipped when no Redis answers at TEST_REDIS_URL (default redis://127.0.0.1:6379/15). The test
uses a queue of its own and removes every key it created.
"""

import os

import pytest
from redis import Redis
from redis.exceptions import RedisError

from muster.core import worker
from muster.core.tests.test_worker import Waits, double

URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis() -> Redis | None:
    try:
        conn = Redis.from_url(URL, socket_connect_timeout=1)
        conn.ping()
        return conn
    except RedisError:
        return None


@pytest.fixture
def rq_queue(settings):
    conn = _redis()
    if conn is None:
        pytest.skip(f"no Redis at {URL}")
    name = f"muster-test-{os.getpid()}"
    before = set(conn.keys())
    # django-tasks-rq reads results through the "default" queue's connection.
    settings.RQ_QUEUES = {"default": {"URL": URL}, name: {"URL": URL, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    yield name
    created = set(conn.keys()) - before
    if created:
        conn.delete(*created)


def test_rq_worker_runs_a_task_from_the_redis_queue(rq_queue):
    assert worker.backend_path() == worker.RQ_BACKEND and worker.rq_queue_names() == [rq_queue]
    result = double.using(queue_name=rq_queue).enqueue(21)
    worker.run_rq_worker(burst=True, stop=Waits())
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == 42


def test_rq_worker_waits_out_a_redis_outage(rq_queue, monkeypatch):
    import django_rq
    from redis.exceptions import ConnectionError as RedisConnectionError

    real, calls = django_rq.get_worker, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return real(*args, **kwargs)

    monkeypatch.setattr(django_rq, "get_worker", flaky)
    result = double.using(queue_name=rq_queue).enqueue(5)
    stop = Waits()
    worker.run_rq_worker(burst=True, stop=stop, backoff=worker.Backoff(base=0.01))
    result.refresh()
    assert len(stop.waits) == 1 and result.return_value == 10
