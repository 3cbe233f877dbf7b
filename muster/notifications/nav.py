from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from muster.notifications import selectors


def items(request, scope):
    # Everyone signed in has an inbox; its unread count comes from a per-user cache (inbox.CACHE_SECONDS).
    unread = selectors.inbox_unread_count(request.user)
    label = format_html('{} <span class="badge red" data-inbox-unread>{}</span>', _("Inbox"), unread) if unread else _("Inbox")
    out = [("inbox", label, reverse("notifications:inbox"))]
    if request.user.person_id:
        out.append(("notifications", _("Messages"), reverse("notifications:mine")))
    return out
