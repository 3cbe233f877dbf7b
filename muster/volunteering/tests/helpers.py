"""Builders for volunteering tests: every row made through the app's actions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.accounts.models import User
from muster.core import pii
from muster.volunteering import actions

_n = [0]


def resident_id(born: dt.date, serial: int, district: str = "110106", sex: str = "F") -> str:
    """A valid resident ID number for a date of birth (the 17th digit's parity is the sex)."""
    seq = f"{serial % 100:02d}{(2 if sex == 'F' else 1)}"
    first17 = f"{district}{born:%Y%m%d}{seq}"
    return first17 + pii.resident_check_digit(first17)


def years_ago(years: int, days: int = 10) -> dt.date:
    """A birthday `years` full years ago, `days` days past (so the age is exactly `years`)."""
    today = timezone.localdate()
    try:
        d = today.replace(year=today.year - years)
    except ValueError:
        d = today.replace(year=today.year - years, day=28)
    return d - dt.timedelta(days=days)


def registration(world, *, age: int = 30, name: str | None = None, guardian: bool = False, **extra) -> actions.Registration:
    _n[0] += 1
    n = _n[0]
    data = dict(name=name or f"志愿者{n}", id_number=resident_id(years_ago(age), n), region=world.puanli,
                phone=f"139{n:08d}", categories=("door_knocking",), skills=("first_aid",), consent=True)
    if guardian:
        data.update(guardian_name="家长", guardian_phone="13700000000", guardian_relation="母亲", guardian_consent=True)
    data.update(extra)
    return actions.Registration(**data)


def volunteer(world, **kw) -> User:
    """A volunteer registered on the public page; returns their account."""
    v = actions.volunteer_register(actor=None, data=registration(world, **kw), password="volunteer-pass-1")
    return User.objects.get(person=v.person)


def project(world, *, actor=None, places: int = 2, in_days: int = 2, hours: int = 3, **kw):
    """A project with one daytime session (09:00 local, `in_days` days ahead)."""
    actor = actor or world.coordinator
    p = actions.project_create(actor=actor, title=kw.pop("title", "敲门行动：蒲安里入户登记"), category=kw.pop("category", "door_knocking"),
                               region=kw.pop("region", world.puanli), **kw)
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=in_days), dt.time(9)))
    s = actions.session_add(actor=actor, project=p, starts_at=start, ends_at=start + dt.timedelta(hours=hours), places=places)
    return p, s
