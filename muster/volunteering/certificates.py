"""What a certificate of service states and its keyed digest: the one definition the issuing action and the
public verify page share."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def certificate_statement(c, name: str) -> str:
    """Exactly what the certificate states, in a fixed order: the text its digest covers."""
    return "|".join((c.number, name, f"{c.period_from:%Y-%m-%d}", f"{c.period_to:%Y-%m-%d}", f"{c.hours:.2f}",
                     str(c.records), c.units))


def certificate_digest(statement: str) -> str:
    key = hashlib.sha256(f"muster.volunteering.certificate:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, statement.encode(), hashlib.sha256).hexdigest()
