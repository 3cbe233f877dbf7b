from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


def items(request, scope):
    # Everyone signed in has an inbox. Its unread count is asked for by the page once it has loaded
    # (htmx), so that no page waits for, or pays the queries of, every domain's inbox provider.
    label = format_html('{}<span class="inbox-count" hx-get="{}" hx-trigger="load" hx-swap="outerHTML"></span>',
                        _("Inbox"), reverse("notifications:inbox_count"))
    out = [("inbox", label, reverse("notifications:inbox"))]
    if request.user.person_id:
        out.append(("notifications", _("Messages"), reverse("notifications:mine")))
    return out
