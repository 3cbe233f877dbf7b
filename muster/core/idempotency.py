"""Idempotency keys: a retried write returns the first answer instead of writing again.

Clients that retry (the registration desk's offline queue, API clients) send a key
per logical request; the first response is stored under (scope, key) in the same
transaction as the write, so a crash between the two cannot leave one without the other.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from muster.core.errors import InvalidInput
from muster.core.models import IdempotencyRecord

IDEMPOTENCY_HEADER = "Idempotency-Key"


def run_once(*, scope: str, key: str, user_id: int | None, fn: Callable[[], tuple[int, dict]]) -> tuple[int, dict, bool]:
    """Run `fn` once per (scope, key). Returns (status, body, replayed).

    `fn` runs inside this transaction and returns (status, json-able body).
    """
    key = (key or "").strip()
    if not key or len(key) > 100:
        raise InvalidInput(_("An idempotency key of 1 to 100 characters is required."), field="idempotency_key")
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is not None:
        if existing.user_id != user_id:
            raise InvalidInput(_("This idempotency key was used by someone else."), field="idempotency_key")
        return existing.status, existing.response, True
    try:
        with transaction.atomic():
            status, body = fn()
            IdempotencyRecord.objects.create(scope=scope, key=key, user_id=user_id, status=status, response=body)
    except IntegrityError:
        # A concurrent retry won the race: its write committed, ours rolled back whole.
        existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing is None:
            raise
        return existing.status, existing.response, True
    return status, body, False


def run_once_for(request, *, scope: str, fn: Callable[[], tuple[int, dict]]) -> tuple[int, dict, bool]:
    """`run_once` keyed by the request's `Idempotency-Key` header, for the signed-in user.

    The one place an API endpoint reads the header, so that every endpoint answers a missing key alike.
    """
    return run_once(scope=scope, key=request.headers.get(IDEMPOTENCY_HEADER, ""), user_id=request.user.pk, fn=fn)
