"""Tests of races: several callables run at the same instant, each on its own thread and database connection.

Only PostgreSQL runs writers at once (SQLite serialises them), so a race test calls `skip_unless_concurrent()` first
and is marked `django_db(transaction=True)`: every thread must see the others' commits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from muster.core.errors import Conflict


def skip_unless_concurrent() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is nothing to race")


def race(fns: list[Callable[[], object]], timeout: float = 20) -> list[str]:
    """Start every callable at once; what each came to, in finishing order: "ok", or the code of the Conflict it raised.

    Any other exception is the test's failure and is raised here, after every thread has ended.
    """
    barrier = threading.Barrier(len(fns))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run(fn):
        try:
            barrier.wait(timeout=timeout)
            fn()
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # noqa: BLE001 - handed to the test below, not swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout * 3)
    if errors:
        raise errors[0]
    return outcomes
