import datetime as dt

from django.utils import timezone

from muster.needs import actions
from muster.needs.models import NeedRole


def soon(hours: float = 2) -> dt.datetime:
    return (timezone.now() + dt.timedelta(hours=hours)).replace(microsecond=0)


def post(world, *, actor=None, role="gate_duty", region=None, site=None, start=None, hours=4, headcount=2, **kw):
    start = start or soon()
    data = actions.NeedData(role=NeedRole.objects.get(code=role), region=region if (region or site) else world.puanli, site=site, start=start,
                            end=start + dt.timedelta(hours=hours), headcount=headcount, **kw)
    return actions.need_post(actor=actor or world.coordinator, data=data)[0]
