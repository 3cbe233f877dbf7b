"""Reads of the register and fever alerts, scoped by the acting user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from muster.accounts.scoping import MANAGERS, SITE_ROLES, Scope
from muster.checkpoints.models import FeverAlert, Passage
from muster.rosters.models import Post


def posts_for_register(user) -> QuerySet[Post]:
    """Posts whose register the user may browse: their region's (managers) or their site's (site roles)."""
    scope = Scope.of(user)
    q = scope.region_q("region", MANAGERS)
    sites = scope.site_ids(SITE_ROLES)
    if sites:
        q |= Q(site_id__in=sites)
    return Post.objects.filter(q).select_related("site", "region")


def passages(user, *, post: Post | None = None, day_from: dt.date | None = None, day_to: dt.date | None = None,
             fever_only: bool = False, q: str = "") -> QuerySet[Passage]:
    qs = Passage.objects.filter(post__in=posts_for_register(user))
    if post is not None:
        qs = qs.filter(post=post)
    tz = timezone.get_current_timezone()
    if day_from:
        qs = qs.filter(at__gte=dt.datetime.combine(day_from, dt.time(0), tzinfo=tz))
    if day_to:
        qs = qs.filter(at__lt=dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz))
    if fever_only:
        qs = qs.filter(fever=True)
    if q:
        qs = qs.filter(Q(person__name__icontains=q) | Q(visitor_name__icontains=q))
    return qs.select_related("post", "person", "recorded_by").order_by("-at", "-id")


EXPORT_LIMIT = 200_000


def register_export(qs: QuerySet[Passage]) -> tuple[list[str], Iterator[list]]:
    """The passage register as spreadsheet rows (headers, rows): names leave, ID numbers never do."""
    headers = [_("Time"), pgettext("checkpoint post", "Post"), _("Name"), _("Visitor"), _("Direction"), _("Temperature (°C)"), _("Pass checked"),
               _("Health code"), _("Fever"), _("Note"), _("Recorded by")]

    def rows() -> Iterator[list]:
        for p in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [p.at, p.post.name, p.person.name if p.person_id else "", p.visitor_name, p.get_direction_display(),
                   float(p.temperature), _("yes") if p.pass_checked else _("no"), p.get_health_code_display(),
                   _("yes") if p.fever else "", p.note, p.recorded_by.get_username()]

    return headers, rows()


def hourly(user, post: Post, day: dt.date) -> list[dict]:
    """Passages per hour of one day at one post: in, out, fevers."""
    tz = timezone.get_current_timezone()
    rows = (passages(user, post=post, day_from=day, day_to=day).order_by()
            .annotate(hour=TruncHour("at", tzinfo=tz)).values("hour")
            .annotate(total=Count("id"), ins=Count("id", filter=Q(direction="in")), fevers=Count("id", filter=Q(fever=True)))
            .order_by("hour"))
    by_hour = {r["hour"].astimezone(tz).hour: r for r in rows}
    peak = max((r["total"] for r in by_hour.values()), default=0) or 1
    return [{"hour": h, "total": by_hour.get(h, {}).get("total", 0), "ins": by_hour.get(h, {}).get("ins", 0),
             "outs": by_hour.get(h, {}).get("total", 0) - by_hour.get(h, {}).get("ins", 0),
             "fevers": by_hour.get(h, {}).get("fevers", 0), "pct": round(100 * by_hour.get(h, {}).get("total", 0) / peak)}
            for h in range(24)]


def alerts(user, status: str | None = FeverAlert.Status.OPEN) -> QuerySet[FeverAlert]:
    qs = FeverAlert.objects.filter(Scope.of(user).region_q("region", MANAGERS))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("passage", "passage__post", "passage__person", "closed_by").order_by("-created_at")


def recent_at(user, post: Post, n: int = 10) -> QuerySet[Passage]:
    """The last entries at a post by this clerk, for the entry screen."""
    return Passage.objects.filter(post=post, recorded_by=user).select_related("person").order_by("-at", "-id")[:n]
