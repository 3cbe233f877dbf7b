"""What rosters puts in people's inboxes (muster.notifications.inbox): swap and cover requests to
decide or that name you, missed shifts to staff, and your own shift you have not checked in for."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.notifications.inbox import LIMIT, InboxItem, register
from muster.rosters import selectors
from muster.rosters.models import SwapRequest

SOON = dt.timedelta(hours=24)  # a request for a shift this close is urgent


def _when(a) -> str:
    return f"{timezone.localtime(a.starts_at):%m-%d %H:%M}–{timezone.localtime(a.ends_at):%H:%M}"


def swaps_to_decide(user):
    """Open swap and cover requests at posts the user coordinates."""
    scope = Scope.of(user)
    if not scope.has_role(MANAGERS):
        return
    now = timezone.now()
    qs = (selectors.swaps_for(user).filter(scope.region_q("assignment__post__region", MANAGERS), status=SwapRequest.Status.OPEN,
                                           assignment__starts_at__gt=now)
          .order_by("-created_at")[:LIMIT])
    for r in qs:
        a = r.assignment
        values = {"post": a.post.name, "name": a.person.name, "other": r.other.name, "when": _when(a)}
        title = (_("Swap request to decide: %(post)s") if r.kind == SwapRequest.Kind.SWAP
                 else _("Cover request to decide: %(post)s")) % values
        detail = (_("%(name)s (%(when)s) wants to trade shifts with %(other)s.") if r.kind == SwapRequest.Kind.SWAP
                  else _("%(name)s (%(when)s) asks %(other)s to cover the shift.")) % values
        if r.reason:
            detail += " " + r.reason
        yield InboxItem(key=f"rosters.swap:{r.pk}", kind="rosters.swap", title=title, detail=detail,
                        url=reverse("rosters:post", args=[a.post_id]), at=r.created_at, urgent=a.starts_at - now < SOON)


def swaps_naming_me(user):
    """Open requests that ask the user's person to cover or trade: they may want to talk it over before the decision."""
    if not getattr(user, "person_id", None):
        return
    now = timezone.now()
    qs = (selectors.my_swaps(user).filter(other_id=user.person_id, status=SwapRequest.Status.OPEN, assignment__starts_at__gt=now)
          .order_by("-created_at")[:LIMIT])
    for r in qs:
        a = r.assignment
        values = {"post": a.post.name, "name": a.person.name, "when": _when(a)}
        title = (_("%(name)s would trade a shift with you") if r.kind == SwapRequest.Kind.SWAP
                 else _("%(name)s asks you to cover a shift")) % values
        detail = _("%(post)s, %(when)s. The coordinator decides; talk to %(name)s if you cannot.") % values
        yield InboxItem(key=f"rosters.asked:{r.pk}", kind="rosters.asked", title=title, detail=detail,
                        url=reverse("rosters:mine"), at=r.created_at, urgent=False)


def missed_to_staff(user):
    """Shifts at posts the user coordinates that nobody has checked in for (the missed-shift list's window)."""
    if not Scope.of(user).has_role(MANAGERS):
        return
    now = timezone.now()
    for a in selectors.missed_shifts(user, now)[:LIMIT]:
        values = {"post": a.post.name, "name": a.person.name, "when": _when(a)}
        yield InboxItem(key=f"rosters.missed:{a.pk}", kind="rosters.missed",
                        title=_("Missed shift at %(post)s: %(name)s") % values,
                        detail=_("Nobody has checked in for %(when)s. Call them or record a stand-in.") % values,
                        url=reverse("rosters:duty", args=[a.post_id]), at=a.starts_at, urgent=a.ends_at > now)


def my_shift_unchecked(user):
    """The user's own shift that started a while ago, still running, with nobody checked in."""
    if not getattr(user, "person_id", None):
        return
    now = timezone.now()
    qs = selectors.missed_since(now, dt.timedelta(days=1)).filter(person_id=user.person_id, ends_at__gt=now)[:LIMIT]
    for a in qs:
        values = {"post": a.post.name, "when": _when(a)}
        yield InboxItem(key=f"rosters.unchecked:{a.pk}", kind="rosters.unchecked",
                        title=_("Check in for your shift at %(post)s") % values,
                        detail=_("Your shift %(when)s has started and you have not checked in.") % values,
                        url=reverse("rosters:duty", args=[a.post_id]), at=a.starts_at, urgent=True)


register("rosters.swap", swaps_to_decide)
register("rosters.asked", swaps_naming_me)
register("rosters.missed", missed_to_staff)
register("rosters.unchecked", my_shift_unchecked)
