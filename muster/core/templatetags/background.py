"""`{% background_note %}`: on a page that waits on background work, say so when no worker runs."""

import datetime as dt

from django import template

from muster.core import heartbeat

register = template.Library()


@register.inclusion_tag("core/_background_note.html")
def background_note() -> dict:
    gap = heartbeat.worker_silence()
    if gap is None:
        return {"silent": False}
    minutes = None if gap == dt.timedelta.max else max(1, int(gap.total_seconds() // 60))
    return {"silent": True, "minutes": minutes}
