"""What checkpoints puts in coordinators' inboxes (muster.notifications.inbox): fever alerts not yet followed up."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.checkpoints import selectors
from muster.notifications.inbox import LIMIT, InboxItem, register


def fever_alerts_open(user):
    """Open fever alerts in the user's regions. No name in the title: like the SMS, the list behind the link has it."""
    if not Scope.of(user).has_role(MANAGERS):
        return
    for alert in selectors.alerts(user)[:LIMIT]:
        p = alert.passage
        values = {"post": p.post.name, "temperature": p.temperature, "time": f"{timezone.localtime(p.at):%m-%d %H:%M}"}
        yield InboxItem(key=f"checkpoints.fever:{alert.pk}", kind="checkpoints.fever",
                        title=_("Fever at %(post)s: %(temperature)s °C") % values,
                        detail=_("Measured at %(time)s and not yet followed up. Record what was done.") % values,
                        url=reverse("checkpoints:alerts"), at=alert.created_at, urgent=True)


register("checkpoints.fever", fever_alerts_open)
