"""Writes of passage checks and fever follow-ups. Each one audited, in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, SITE_ROLES, Scope
from muster.accounts.selectors import region_leads
from muster.checkpoints.audits import Audit
from muster.checkpoints.models import FeverAlert, Passage
from muster.core import audit, pii
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.notifications import actions as notifications
from muster.people import fitness
from muster.people.models import Person
from muster.rosters.actions import CHECKIN_EARLY
from muster.rosters.models import Assignment, Post, Roster

MIN_TEMP, MAX_TEMP = Decimal("34.0"), Decimal("43.0")

log = logging.getLogger("muster.checkpoints")


def on_duty(user, post: Post, at: dt.datetime | None = None) -> bool:
    """Whether the user's person is on a published shift at this post now (or starts within the hour)."""
    if not getattr(user, "person_id", None):
        return False
    at = at or timezone.now()
    return Assignment.objects.filter(post=post, person_id=user.person_id, roster__status=Roster.Status.PUBLISHED,
                                     starts_at__lte=at + CHECKIN_EARLY, ends_at__gt=at).exists()


def may_record(user, post: Post) -> bool:
    """On duty at the post, or a role that covers it: its region's managers, or a site role at its site."""
    scope = Scope.of(user)
    if scope.covers(post.region, MANAGERS) or post.site_id in scope.site_ids(SITE_ROLES):
        return True
    return on_duty(user, post)


def find_person(code: str) -> Person | None:
    """The person whose document number (typed, or read by a scanner from the ID card or personal QR) is `code`."""
    raw = (code or "").strip()
    if raw.upper().startswith("MUSTER:"):  # personal QR: MUSTER:<id_type>:<number>
        _p, _sep, rest = raw.partition(":")
        id_type, _sep, number = rest.partition(":")
        hashes = [pii.lookup_hash(id_type.lower(), pii.normalize(number))]
    else:
        number = pii.normalize(raw)
        hashes = [pii.lookup_hash(t, number) for t, _label in pii.IdType.CHOICES]
    return Person.objects.filter(id_hash__in=hashes).select_related("region").first()


@dataclass
class PassageData:
    direction: str
    temperature: str | Decimal
    health_code: str
    pass_checked: bool = False
    code: str = ""
    visitor_name: str = ""
    note: str = ""


def clean_temperature(value) -> Decimal:
    try:
        t = Decimal(str(value).strip().replace(",", ".")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("The temperature must be a number such as 36.5."), field="temperature") from None
    if not t.is_finite():  # Decimal("NaN") raises on comparison, and "Infinity" is not a reading
        raise InvalidInput(_("The temperature must be a number such as 36.5."), field="temperature")
    if not MIN_TEMP <= t <= MAX_TEMP:
        raise InvalidInput(_("A temperature of %(t)s °C is not plausible: measure again (34–43 °C).") % {"t": t}, field="temperature")
    return t


def recorder_duty(post: Post, at: dt.datetime) -> fitness.Duty:
    """Keeping the register for the next hour, as the fitness question sees it (the post's minimum age)."""
    return fitness.Duty.spanning(fitness.Kind.CHECKPOINT, at, at + dt.timedelta(hours=1), min_age=post.min_age)


def passage_record(*, actor, post: Post, data: PassageData) -> Passage:
    """One line of the register. A temperature at or above the post's threshold opens a fever alert.

    The register is kept live at the gate, so whoever keeps it is on duty there: someone who
    may not be sent (people.fitness: quarantine, observation, a recall, a contact flag, age)
    is refused, with the reason. The residents passing are never refused here: checking them
    is what the register is for.
    """
    if not may_record(actor, post):
        raise Forbidden(_("You can only record passages at a post you are on duty at."))
    if getattr(actor, "person_id", None):
        fitness.require_fit(actor.person, recorder_duty(post, timezone.now()))
    if data.direction not in Passage.Direction.values:
        raise InvalidInput(_("Choose in or out."), field="direction")
    if data.health_code not in Passage.Code.values:
        raise InvalidInput(_("Choose the health-code colour."), field="health_code")
    temperature = clean_temperature(data.temperature)
    person = None
    visitor = (data.visitor_name or "").strip()
    if data.code.strip():
        person = find_person(data.code)
        if person is None:
            raise InvalidInput(_("Nobody is registered with this document number; type the visitor's name instead."), field="code")
    elif not visitor:
        raise InvalidInput(_("Scan the person's ID or QR code, or type a visitor's name."), field="code")
    if len(visitor) > 60:
        raise InvalidInput(_("The name has at most 60 characters."), field="visitor_name")
    fever = temperature >= post.fever_threshold
    with atomic():
        p = Passage.objects.create(post=post, region_id=post.region_id, at=timezone.now(), person=person,
                                   visitor_name="" if person else visitor, direction=data.direction, temperature=temperature,
                                   pass_checked=bool(data.pass_checked), health_code=data.health_code,
                                   note=(data.note or "").strip()[:200], fever=fever, recorded_by=actor)
        audit.record(actor=actor, action=Audit.PASSAGE_RECORD, obj=p, region=post.region, object_repr=f"{post.name} {p.pk}",
                     changes={"fever": fever, "code": data.health_code})
        if fever:
            alert = FeverAlert.objects.create(passage=p, region_id=post.region_id)
            audit.record(actor=actor, action=Audit.PASSAGE_FEVER, obj=alert, region=post.region, object_repr=f"{post.name} {temperature}")
            transaction.on_commit(lambda: _notify(alert.pk), robust=True)
    return p


def _notify(alert_id: int) -> None:
    """Tell the region's lead(s) about a fever alert, after the passage has committed.

    Never raises: the passage and its alert stand, and the follow-up list shows the alert
    even if nobody could be told. The message carries no name or document number (an SMS
    is read on a lock screen); the follow-up list, behind a login, has the details.
    """
    try:
        alert = FeverAlert.objects.select_related("passage__post__region").get(pk=alert_id)
        passage = alert.passage
        post = passage.post
        leads = region_leads(post.region)
    except Exception:  # noqa: BLE001 - a notification must never undo or block the record
        log.exception("fever alert %s: could not find whom to tell", alert_id)
        return
    if not leads:
        log.warning("fever alert %s at post %s: no coordinator with a person to notify", alert_id, post.pk)
        return
    with translation.override(settings.LANGUAGE_CODE):
        values = {"post": post.name, "temperature": passage.temperature,
                  "time": f"{timezone.localtime(passage.at):%m-%d %H:%M}"}
        subject = _("Fever at %(post)s: %(temperature)s °C") % values
        body = _("A temperature of %(temperature)s °C was measured at %(post)s at %(time)s. "
                 "Please follow it up on the fever alert list.") % values
        url = reverse("checkpoints:alerts")
    for person in leads:
        try:
            with transaction.atomic():
                notifications.notify(person=person, subject=subject, body=body, url=url, event="passage.fever")
        except Exception:  # noqa: BLE001 - one lead's failure must not stop the others
            log.exception("fever alert %s: could not notify person %s", alert_id, person.pk)


def alert_close(*, actor, alert: FeverAlert, outcome: str) -> FeverAlert:
    """Record the follow-up of a fever alert (e.g. "re-measured 36.8", "sent to the fever clinic")."""
    if not Scope.of(actor).covers(alert.passage.post.region, MANAGERS):
        raise Forbidden(_("Only the community's coordinator can close a fever alert."))
    outcome = (outcome or "").strip()
    if not outcome:
        raise InvalidInput(_("Write what was done."), field="outcome")
    with atomic():
        n = FeverAlert.objects.filter(pk=alert.pk, status=FeverAlert.Status.OPEN).update(
            status=FeverAlert.Status.CLOSED, outcome=outcome[:200], closed_by=actor, closed_at=timezone.now())
        if not n:
            raise Conflict(_("This alert has already been followed up."))
        audit.record(actor=actor, action=Audit.PASSAGE_FEVER_CLOSE, obj=alert, region=alert.passage.post.region,
                     object_repr=str(alert.pk), changes={"outcome": outcome[:200]})
    alert.refresh_from_db()
    return alert
