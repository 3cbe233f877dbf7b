"""Boxes and their chain of custody: packed and sealed at the point, handed to a courier, received at the lab."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, InvalidInput, NotFound
from muster.core.transactions import atomic
from muster.geo.models import Site
from muster.testing.audits import Audit
from muster.testing.models import Box, CollectionPoint, CustodyEvent, Tube
from muster.testing.parsing import classify
from muster.testing.permissions import require_desk, require_lab


def box_open(*, actor, point: CollectionPoint, barcode: str, lab: Site) -> Box:
    require_desk(actor, point)
    kind, barcode = classify(barcode)
    if kind != "box":
        raise InvalidInput(_("This is not a box barcode (B followed by 4 to 12 digits)."), field="barcode", code="bad_format")
    if not point.campaign.labs.filter(pk=lab.pk).exists():
        raise InvalidInput(_("This lab is not one of the campaign's labs."), field="lab")
    try:
        with atomic():
            box = Box.objects.create(barcode=barcode, campaign_id=point.campaign_id, point=point, lab=lab, created_by=actor)
            audit.record(actor=actor, action=Audit.BOX_OPEN, obj=box, region=point.site.region, changes={"lab": lab.name})
    except IntegrityError:
        raise Conflict(_("Box %(code)s has already been used.") % {"code": barcode}, field="barcode", code="box_used") from None
    return box


def box_add_tubes(*, actor, box: Box, barcodes: list[str]) -> int:
    """Put closed tubes of the box's collection point into the box (all or none)."""
    require_desk(actor, box.point)
    if box.status != Box.Status.OPEN:
        raise Conflict(_("The box is sealed."), code="box_sealed")
    codes = []
    for raw in barcodes:
        kind, code = classify(raw)
        if kind != "tube":
            raise InvalidInput(_("Not a tube barcode: %(value)s") % {"value": code[:30]}, field="tubes", code="bad_format")
        codes.append(code)
    codes = list(dict.fromkeys(codes))
    with atomic():
        n = Tube.objects.filter(barcode__in=codes, point_id=box.point_id, status=Tube.Status.CLOSED, box__isnull=True).update(box=box)
        if n != len(codes):
            found = set(Tube.objects.filter(barcode__in=codes, point_id=box.point_id, status=Tube.Status.CLOSED, box=box).values_list("barcode", flat=True))
            bad = [c for c in codes if c not in found]
            # Roll back: a half-filled box would not match its paper list.
            transaction.set_rollback(True)
            raise Conflict(_("These tubes are not closed tubes of this point waiting for a box: %(codes)s") % {"codes": ", ".join(bad[:10])},
                           field="tubes", code="tube_unavailable")
        Box.objects.filter(pk=box.pk).update(tube_count=Tube.objects.filter(box=box).count())
        audit.record(actor=actor, action=Audit.BOX_ADD, obj=box, region=box.point.site.region, changes={"tubes": len(codes)})
    box.refresh_from_db()
    return n


def _custody(box: Box, kind: str, actor, name: str, at) -> None:
    CustodyEvent.objects.create(box=box, kind=kind, at=at, by=actor if getattr(actor, "pk", None) else None, name=name[:60])


def box_seal(*, actor, box: Box) -> Box:
    """Seal a box; if two clerks seal the same box at once, one wins and the other is told."""
    require_desk(actor, box.point)
    if not box.tubes.exists():
        raise Conflict(_("An empty box cannot be sealed."), code="box_empty")
    now = timezone.now()
    with atomic():
        n = Box.objects.filter(pk=box.pk, status=Box.Status.OPEN).update(status=Box.Status.CLOSED, closed_at=now, closed_by=actor)
        if not n:
            raise Conflict(_("Box %(code)s has already been sealed.") % {"code": box.barcode}, code="box_sealed")
        _custody(box, CustodyEvent.Kind.SEALED, actor, actor.get_full_name() or actor.get_username(), now)
        audit.record(actor=actor, action=Audit.BOX_SEAL, obj=box, region=box.point.site.region)
    box.refresh_from_db()
    return box


def box_hand_over(*, actor, box: Box, courier: str) -> Box:
    require_desk(actor, box.point)
    courier = (courier or "").strip()
    if not courier or len(courier) > 60:
        raise InvalidInput(_("Name the courier (at most 60 characters)."), field="courier")
    now = timezone.now()
    with atomic():
        n = Box.objects.filter(pk=box.pk, status=Box.Status.CLOSED).update(status=Box.Status.IN_TRANSIT, handed_at=now, courier=courier)
        if not n:
            raise Conflict(_("Only a sealed box can be handed over."), code="box_state")
        _custody(box, CustodyEvent.Kind.HANDED, actor, courier, now)
        audit.record(actor=actor, action=Audit.BOX_HAND_OVER, obj=box, region=box.point.site.region, changes={"courier": courier})
    box.refresh_from_db()
    return box


def box_receive(*, actor, lab: Site, barcode: str, receiver: str = "") -> Box:
    """Scan a box in at the lab; its tubes can then take results."""
    require_lab(actor, lab)
    kind, barcode = classify(barcode)
    if kind != "box":
        raise InvalidInput(_("This is not a box barcode (B followed by 4 to 12 digits)."), field="barcode", code="bad_format")
    box = Box.objects.filter(barcode=barcode, lab=lab).first()
    if box is None:
        raise NotFound(_("No box %(code)s is addressed to this lab.") % {"code": barcode}, field="barcode")
    receiver = (receiver or actor.get_full_name() or actor.get_username()).strip()[:60]
    now = timezone.now()
    with atomic():
        n = Box.objects.filter(pk=box.pk, status__in=[Box.Status.CLOSED, Box.Status.IN_TRANSIT]).update(
            status=Box.Status.RECEIVED, received_at=now, received_by=actor, receiver=receiver)
        if not n:
            if box.status == Box.Status.RECEIVED:
                raise Conflict(_("Box %(code)s was already received.") % {"code": barcode}, code="box_received")
            raise Conflict(_("Box %(code)s has not been sealed yet.") % {"code": barcode}, code="box_state")
        _custody(box, CustodyEvent.Kind.RECEIVED, actor, receiver, now)
        audit.record(actor=actor, action=Audit.BOX_RECEIVE, obj=box, region=lab.region, changes={"receiver": receiver})
    box.refresh_from_db()
    return box
