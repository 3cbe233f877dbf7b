"""What every rosters action shares: who may change a post, and the calendar helpers."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import Forbidden
from muster.rosters.models import WEEKDAY_CHOICES


def manage(actor, post_or_region) -> None:
    """Refuse unless the actor coordinates the post's (or the site's) region."""
    region = getattr(post_or_region, "region", post_or_region)
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("Only the coordinator of this community can change its posts."))


def weekday_name(d: int) -> str:
    return str(dict(WEEKDAY_CHOICES)[d])


def monday_of(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())
