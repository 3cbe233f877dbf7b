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


def certificate_digest(statement: str, secret: str | None = None) -> str:
    key = hashlib.sha256(f"muster.volunteering.certificate:{secret or settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, statement.encode(), hashlib.sha256).hexdigest()


def certificate_digest_matches(statement: str, digest: str) -> bool:
    """Whether `digest` is the statement's digest under the site's key or one it rotated away from
    (`SECRET_KEY_FALLBACKS`, as Django's own signatures): a rotated key must not void every certificate
    already printed."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(certificate_digest(statement, s), digest) for s in secrets)
