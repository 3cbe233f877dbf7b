"""Helpers that build testing state through the actions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.core import pii
from muster.people.actions import PersonData, person_create
from muster.testing import actions


def campaign(world, pool_size: int = 5, region=None):
    now = timezone.now()
    c = actions.campaign_create(actor=world.admin, data=actions.CampaignData(
        name="丰台区第一轮核酸检测", region=region or world.fengtai, starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=12), pool_size=pool_size, labs=(world.lab_site,)))
    point = actions.point_add(actor=world.admin, campaign=c, site=world.collection, desks=4)
    return c, point


def resident_id(n: int, district: str = "110106") -> str:
    first17 = f"{district}1980{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    return first17 + pii.resident_check_digit(first17)


def people(world, n: int, region=None, start: int = 0):
    out = []
    for i in range(start, start + n):
        out.append(person_create(actor=world.admin, data=PersonData(name=f"居民{i}", region=region or world.puanli,
                                                                    phone=f"139{i:08d}", id_number=resident_id(i))))
    return out


def sample_all(world, point, persons, first_tube: int = 1, actor=None) -> list[str]:
    """Register people at a desk, opening tubes as they fill; returns the tube barcodes."""
    actor = actor or world.clerk
    tubes = []
    t = first_tube
    current = None
    for p in persons:
        if current is None:
            current = f"T{t:09d}"
            actions.tube_open(actor=actor, point=point, barcode=current)
            tubes.append(current)
            t += 1
        res = actions.desk_scan(actor=actor, point=point, tube_barcode=current, scan=resident_id_of(p), client_key=f"k-{p.pk}")
        if res["tube"]["status"] == "closed":
            current = None
    if current is not None:
        actions.tube_close(actor=actor, point=point, barcode=current)
    return tubes


def resident_id_of(person) -> str:
    return pii.decrypt(person.id_cipher)


def ship(world, point, tubes, barcode="B0001"):
    box = actions.box_open(actor=world.clerk, point=point, barcode=barcode, lab=world.lab_site)
    actions.box_add_tubes(actor=world.clerk, box=box, barcodes=tubes)
    actions.box_seal(actor=world.clerk, box=box)
    actions.box_hand_over(actor=world.clerk, box=box, courier="快递员老刘")
    actions.box_receive(actor=world.lab_tech, lab=world.lab_site, barcode=barcode)
    box.refresh_from_db()
    return box
