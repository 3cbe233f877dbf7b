"""The one transaction helper every action uses.

An action is one transaction, durable at the outer level so that nobody can
wrap it in a bigger one by accident and have its side effects (`on_commit`)
fire late. When it runs inside an idempotency record's transaction (the API
stores the answer with the write), it nests instead.
"""

from __future__ import annotations

from django.db import transaction


def atomic(using: str | None = None):
    """`transaction.atomic`, durable when it is the outermost block."""
    return transaction.atomic(using=using, durable=not transaction.get_connection(using).in_atomic_block)
