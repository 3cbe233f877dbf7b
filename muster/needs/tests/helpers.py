import datetime as dt

from django.utils import timezone

from muster.needs import actions
from muster.needs.models import NeedRole


def soon(hours: float = 2) -> dt.datetime:
    return (timezone.now() + dt.timedelta(hours=hours)).replace(microsecond=0)


def post(world, *, actor=None, role="gate_duty", region=None, site=None, start=None, hours=4, headcount=2, **kw):
    start = start or soon()
    data = actions.NeedData(role=role_of(role), region=region if (region or site) else world.puanli, site=site, start=start,
                            end=start + dt.timedelta(hours=hours), headcount=headcount, **kw)
    return actions.need_post(actor=actor or world.coordinator, data=data)[0]


def role_of(code: str) -> NeedRole:
    """The catalogue role; transactional tests flush the seeded rows, so recreate it if needed."""
    return NeedRole.objects.get_or_create(code=code, defaults={"name_zh": code, "name_en": code})[0]
