"""The registration desk: tubes, scans (the hot path), walk-ins.

A scan writes no audit row: the sample is the record of who registered whom, where and when.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit, pii
from muster.core.errors import Conflict, InvalidInput, NotFound
from muster.core.idempotency import run_once
from muster.core.transactions import atomic
from muster.geo.actions import region_count_add
from muster.people.models import Person
from muster.testing.actions.direct import fast_scan, open_row, replay
from muster.testing.audits import Audit
from muster.testing.models import Campaign, CollectionPoint, Tube
from muster.testing.parsing import classify
from muster.testing.permissions import require_desk


def tube_open(*, actor, point: CollectionPoint, barcode: str, single: bool = False) -> Tube:
    """Open a tube at a desk. Re-scanning a tube already open here resumes it."""
    require_desk(actor, point)
    kind, barcode = classify(barcode)
    if kind != "tube":
        raise InvalidInput(_("This is not a tube barcode (T followed by 6 to 12 digits)."), field="barcode", code="bad_format")
    if point.campaign.status != Campaign.Status.OPEN:
        raise Conflict(_("The campaign is not open for sampling."), code="campaign_closed")
    # A clerk at their own site: the tube and its audit event in one statement (see direct.py).
    opened = open_row(actor=actor, point_id=point.pk, barcode=barcode, single=single)
    if opened is not None:
        tube_id, barcode, capacity, at = opened
        tube = Tube(pk=tube_id, barcode=barcode, campaign_id=point.campaign_id, point=point, capacity=capacity,
                    opened_at=at, opened_by=actor)
        tube._state.adding, tube._state.db = False, connection.alias
        return tube
    capacity = 1 if single else point.campaign.pool_size
    # A new barcode is the common case: insert first and look only when it is taken.
    try:
        with atomic():
            tube = Tube.objects.create(barcode=barcode, campaign_id=point.campaign_id, point=point, capacity=capacity,
                                       opened_at=timezone.now(), opened_by=actor)
            audit.record(actor=actor, action=Audit.TUBE_OPEN, obj=tube, region=point.site.region, changes={"capacity": capacity})
    except IntegrityError:
        existing = Tube.objects.filter(barcode=barcode).first()
        if existing is not None and existing.status == Tube.Status.OPEN and existing.point_id == point.pk:
            return existing  # re-scanned at the same desk: resume it
        raise Conflict(_("Tube %(code)s has already been used.") % {"code": barcode}, field="barcode", code="tube_used") from None
    return tube


def tube_close(*, actor, point: CollectionPoint, barcode: str) -> Tube:
    """Close an open tube on demand (fewer swabs than its pool size)."""
    require_desk(actor, point)
    tube = Tube.objects.filter(barcode=(barcode or "").strip().upper(), point=point).first()
    if tube is None:
        raise NotFound(_("No such tube at this collection point."), code="tube_unknown")
    with atomic():
        now = timezone.now()
        n = Tube.objects.filter(pk=tube.pk, status=Tube.Status.OPEN, count__gt=0).update(status=Tube.Status.CLOSED, closed_at=now)
        if not n:
            tube.refresh_from_db()
            if tube.status == Tube.Status.CLOSED:
                return tube
            raise Conflict(_("An empty tube cannot be closed; scan a person first."), code="tube_empty")
        tube.status, tube.closed_at = Tube.Status.CLOSED, now
        audit.record(actor=actor, action=Audit.TUBE_CLOSE, obj=tube, region=point.site.region, changes={"count": tube.count})
    return tube


class Refused(Exception):
    def __init__(self, error):
        self.error = error


_PERSON_SQL = """
SELECT p.id, p.name,
  EXISTS(SELECT 1 FROM testing_singletubeflag f WHERE f.person_id = p.id AND f.active),
  (SELECT i.id FROM testing_recallitem i JOIN testing_recall r ON r.id = i.recall_id
    WHERE i.person_id = p.id AND r.campaign_id = %s AND r.status = 'open' AND i.resample_id IS NULL LIMIT 1)
"""
_BY_CODE = _PERSON_SQL + " FROM testing_registration g JOIN people_person p ON p.id = g.person_id WHERE g.code = %s AND g.campaign_id = %s"
_BY_ID = _PERSON_SQL + " FROM people_person p WHERE p.id_type = %s AND p.id_hash = %s"
# Claim one place in the tube and close it when full, in one statement: the WHERE clause
# (count < capacity) is re-checked under the row lock, so concurrent desks cannot overfill it.
_CLAIM = """
UPDATE testing_tube SET count = count + 1,
  status = CASE WHEN count + 1 >= capacity THEN 'closed' ELSE 'open' END,
  closed_at = CASE WHEN count + 1 >= capacity THEN %s ELSE NULL END
WHERE barcode = %s AND point_id = %s AND status = 'open' AND count < capacity
RETURNING id, count, capacity
"""
_INSERT = """
INSERT INTO testing_sample (campaign_id, person_id, tube_id, point_id, registered_at, registered_by_id, client_key, is_resample)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id
"""


def resolve_person(campaign_id: int, scan: str) -> tuple[int, str, bool, int | None] | None:
    """(person id, name, must be single, open recall item id) for a personal code or ID number."""
    kind, value = classify(scan)
    with connection.cursor() as cur:
        if kind == "code":
            cur.execute(_BY_CODE, [campaign_id, value, campaign_id])
        elif kind == "id":
            cur.execute(_BY_ID, [campaign_id, pii.IdType.RESIDENT, pii.lookup_hash(pii.IdType.RESIDENT, value)])
        else:
            return None
        row = cur.fetchone()
    return (row[0], row[1], bool(row[2]), row[3]) if row else None


def desk_scan(*, actor, point: CollectionPoint, tube_barcode: str, scan: str, client_key: str = "") -> dict:
    """Register one person's swab into the open tube: the desk's hot path.

    On PostgreSQL the common case is one prepared statement (see direct.py); otherwise, and
    whenever that statement declines, one person look-up, then one short transaction: a
    conditional UPDATE claims a place in the tube (and closes it when full), one INSERT
    writes the sample. `client_key` (the desk's idempotency key) is unique on the sample, so
    an offline resend returns the first answer instead of writing twice.
    """
    require_desk(actor, point)
    client_key = (client_key or "").strip() or uuid.uuid4().hex
    if len(client_key) > 64:
        raise InvalidInput(_("The idempotency key has at most 64 characters."), field="client_key")
    if point.campaign.status != Campaign.Status.OPEN:
        raise Conflict(_("The campaign is not open for sampling."), code="campaign_closed")
    kind, value = classify(scan)
    if kind == "tube":
        raise InvalidInput(_("Tube already open: scan a person, or close this tube first."), field="scan", code="tube_scan")
    if kind not in ("code", "id"):
        raise InvalidInput(_("Not a personal QR code or resident ID number: %(value)s") % {"value": value[:30]},
                           field="scan", code="bad_format")
    if kind == "id":
        try:
            pii.validate_id(pii.IdType.RESIDENT, value)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field="scan", code="bad_format") from None
    tube_kind, tube_barcode = classify(tube_barcode)
    if tube_kind != "tube":
        raise InvalidInput(_("No tube is open: scan a tube barcode first."), field="tube", code="no_tube")
    if connection.vendor == "postgresql":
        fast = fast_scan(actor=actor, point=point, tube_barcode=tube_barcode, kind=kind, value=value, client_key=client_key)
        if fast is not None:
            return fast
    found = resolve_person(point.campaign_id, value)
    if found is None:
        again = replay(client_key, actor)
        if again:
            return again
        if kind == "code":
            raise NotFound(_("This personal code is not registered for this campaign."), field="scan", code="unknown_code")
        raise NotFound(_("This ID number is not in the registry: register the walk-in."), field="scan", code="unknown_person")
    person_id, name, must_single, recall_item_id = found
    now = timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)
    try:
        with atomic(), connection.cursor() as cur:
            cur.execute(_CLAIM, [db_now, tube_barcode, point.pk])
            row = cur.fetchone()
            if row is None:
                raise Refused(_tube_refusal(tube_barcode, point))
            tube_id, count, capacity = row
            if (must_single or recall_item_id) and capacity > 1:
                if count != 1:
                    raise Refused(Conflict(_("%(name)s must be sampled in a single tube: close this tube and open a new one.")
                                           % {"name": name}, code="needs_single"))
                cur.execute("UPDATE testing_tube SET capacity = 1, status = 'closed', closed_at = %s WHERE id = %s", [db_now, tube_id])
                capacity = 1
            cur.execute(_INSERT, [point.campaign_id, person_id, tube_id, point.pk, db_now, actor.pk, client_key, bool(recall_item_id)])
            sample_id = cur.fetchone()[0]
            if recall_item_id:
                cur.execute("UPDATE testing_recallitem SET resample_id = %s, status = 'resampled' WHERE id = %s AND resample_id IS NULL",
                            [sample_id, recall_item_id])
    except Refused as refused:
        again = replay(client_key, actor)
        if again:
            return again
        raise refused.error from None
    except IntegrityError:
        again = replay(client_key, actor)
        if again:
            return again
        raise Conflict(_("%(name)s has already been sampled in this round.") % {"name": name}, field="scan",
                       code="already_sampled") from None
    return {"ok": True, "replayed": False, "sample": sample_id, "person": name, "resample": bool(recall_item_id),
            "tube": {"barcode": tube_barcode, "count": count, "capacity": capacity,
                     "status": "closed" if count >= capacity else "open"}}


def _tube_refusal(barcode: str, point: CollectionPoint):
    tube = Tube.objects.filter(barcode=barcode).only("status", "point_id", "count", "capacity").first()
    if tube is None:
        return NotFound(_("Tube %(code)s is not open: scan it to open it.") % {"code": barcode}, field="tube", code="tube_unknown")
    if tube.point_id != point.pk:
        return Conflict(_("Tube %(code)s belongs to another collection point.") % {"code": barcode}, field="tube", code="tube_used")
    return Conflict(_("Tube %(code)s is full or closed: scan a new tube.") % {"code": barcode}, field="tube", code="tube_closed")


def walkin_register(*, actor, point: CollectionPoint, name: str, id_number: str, phone: str = "",
                    client_key: str = "") -> Person:
    """A walk-in not in the registry, added at the desk to the collection point's community.

    With `client_key` (the desk's idempotency key) a resend of a registration that went
    through returns the same person instead of "already registered".
    """
    require_desk(actor, point)
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput(_("The name is required and has at most 60 characters."), field="name")
    sealed = pii.seal(pii.IdType.RESIDENT, id_number)
    phone = pii.validate_phone(phone)
    region = point.site.region

    def write() -> tuple[int, dict]:
        person = Person.objects.create(name=name, phone=phone, birth_year=pii.birth_year_from_resident_id(sealed.number),
                                       id_type=pii.IdType.RESIDENT, id_cipher=sealed.cipher, id_hash=sealed.hash,
                                       id_masked=sealed.masked, region=region)
        region_count_add(region, "people_count", 1)
        audit.record(actor=actor, action=Audit.PERSON_WALKIN, obj=person, region=region, changes={"point": point.pk})
        return 201, {"person": person.pk}

    try:
        with atomic():
            if client_key:
                _status, body, _replayed = run_once(scope="testing.walkin", key=client_key, user_id=actor.pk, fn=write)
            else:
                _status, body = write()
    except IntegrityError:
        raise Conflict(_("A person with this ID number is already registered."), field="id_number") from None
    return Person.objects.get(pk=body["person"])
