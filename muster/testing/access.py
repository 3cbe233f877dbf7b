"""A resident's access to their own results, without an account.

Name and ID number are not secrets: the name is known to neighbours and most of an ID number
can be guessed (region, birth year). So the look-up asks for a second factor as well:

- the personal code from pre-registration (shown once on screen to a newcomer, or sent by SMS
  to the phone on record), or
- a one-time code sent by SMS to the phone on record for that ID number.

Both answers are the same whether or not the name and number match anyone, so the page is no
oracle for ID numbers; every miss counts against the ID number, which locks after
LOOKUP_LOCK_MISSES misses; the views also throttle per address and per name. Each granted
look-up is audited as the sensitive read it is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from muster.core import audit, pii, throttle
from muster.core.models import AuditEvent
from muster.core.transactions import atomic
from muster.notifications.actions import notify
from muster.people.models import Person
from muster.testing.audits import Audit
from muster.testing.models import Registration

OTP_SECONDS = 10 * 60
OTP_TRIES = 5
SESSION_KEY = "testing_challenge"


@dataclass
class Outcome:
    person: Person | None = None  # granted
    challenge: bool = False  # a one-time code may be on its way: ask for it
    locked: bool = False
    error: str = ""


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"muster-otp:{value}".encode(), hashlib.sha256).hexdigest()


def _lock_key(id_hash: str) -> str:
    return f"lookup:{id_hash}"


def is_locked(id_hash: str) -> bool:
    return throttle.miss_count(_lock_key(id_hash)) >= settings.LOOKUP_LOCK_MISSES


def _miss(id_hash: str) -> bool:
    """Count a miss; True when this one locks the number."""
    return throttle.miss_add(_lock_key(id_hash), window=settings.LOOKUP_LOCK_SECONDS) >= settings.LOOKUP_LOCK_MISSES


def _grant(session, person: Person, *, factor: str) -> Outcome:
    throttle.miss_clear(_lock_key(person.id_hash))
    session.pop(SESSION_KEY, None)
    session.cycle_key()  # a fresh session id for the one that now sees results
    session["testing_person"] = person.pk
    audit.record(actor=None, action=Audit.RESULT_LOOKUP, obj=person, region=person.region, kind=AuditEvent.Kind.READ,
                 object_repr=person.id_masked, changes={"factor": factor})
    return Outcome(person=person)


def lookup_start(session, *, name: str, id_number: str, code: str = "") -> Outcome:
    """First step: name + ID number, with the personal code if the resident has it.

    Without a code, a one-time code goes by SMS to the phone on record (if the details match and
    there is one); the answer is a challenge either way.
    """
    name = (name or "").strip()
    try:
        number = pii.validate_id(pii.IdType.RESIDENT, id_number)
    except Exception as exc:  # the format alone says nothing about the registry
        return Outcome(error=str(getattr(exc, "message", "")) or _("No result found for these details."))
    id_hash = pii.lookup_hash(pii.IdType.RESIDENT, number)
    if is_locked(id_hash):
        return Outcome(locked=True)
    person = (Person.objects.filter(id_type=pii.IdType.RESIDENT, id_hash=id_hash).select_related("region").first())
    if person is not None and person.name != name:
        person = None
    code = (code or "").strip().upper()
    if code:
        if person is not None and Registration.objects.filter(person=person, code=code).exists():
            return _grant(session, person, factor="code")
        return Outcome(locked=_miss(id_hash), error=_("No result found for these details."))
    otp = f"{secrets.randbelow(10 ** 6):06d}"
    session[SESSION_KEY] = {"h": id_hash, "p": person.pk if person is not None and person.phone else None,
                            "d": _digest(otp), "exp": time.time() + OTP_SECONDS, "tries": 0}
    if person is None:
        _miss(id_hash)
    elif person.phone:
        with atomic():  # the SMS goes out once this commits
            notify(person=person, subject=_("Muster verification code %(code)s, valid for 10 minutes. Do not tell anyone.")
                   % {"code": otp}, event="testing.lookup_code", channels=[("sms", person.phone)], confidential=True)
    return Outcome(challenge=True)


def lookup_confirm(session, *, otp: str) -> Outcome:
    """Second step: the one-time code from the SMS."""
    ch = session.get(SESSION_KEY)
    if not ch:
        return Outcome(error=_("Start again: enter your name and ID number."))
    if is_locked(ch["h"]):
        session.pop(SESSION_KEY, None)
        return Outcome(locked=True)
    if time.time() > ch["exp"] or ch["tries"] >= OTP_TRIES:
        session.pop(SESSION_KEY, None)
        return Outcome(error=_("The code has expired or was entered wrongly too often. Start again."))
    otp = "".join(c for c in (otp or "") if c.isdigit())
    if ch["p"] is not None and hmac.compare_digest(_digest(otp), ch["d"]):
        person = Person.objects.filter(pk=ch["p"]).select_related("region").first()
        if person is not None:
            return _grant(session, person, factor="sms")
    ch["tries"] += 1
    session[SESSION_KEY] = ch
    if _miss(ch["h"]):
        session.pop(SESSION_KEY, None)
        return Outcome(locked=True)
    return Outcome(challenge=True, error=_("The code is not right."))
