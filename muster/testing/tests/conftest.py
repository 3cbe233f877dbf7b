import pytest
from django.db import connection, transaction


@pytest.fixture(autouse=True)
def desk_statement_in_a_savepoint(monkeypatch):
    """The desk's one statement runs in autocommit in production: a failed one rolls back by itself.

    A test runs inside a transaction, where a failed statement (a resent key, someone already
    sampled) would abort the test's transaction: give it a savepoint here, as autocommit gives
    it its own transaction there.
    """
    from muster.testing.actions import direct

    real = direct._prepared

    def in_savepoint(sql, params):
        if not connection.in_atomic_block:
            return real(sql, params)
        with transaction.atomic():
            return real(sql, params)

    monkeypatch.setattr(direct, "_prepared", in_savepoint)

