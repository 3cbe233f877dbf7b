from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.notifications import actions, selectors
from muster.notifications.models import Notification
from muster.web.paging import page_of


@login_required
def mine(request):
    page = page_of(selectors.notifications_mine(request.user), request.GET.get("page"))
    return render(request, "notifications/list.html", {"section": "notifications", "page": page, "person": None,
                                                       "waiting": _waiting(page)})


@login_required
def of_person(request, person_id: int):
    qs = selectors.notifications_of_person(request.user, person_id).select_related("person")
    page = page_of(qs, request.GET.get("page"))
    person = page.items[0].person if page.items else None
    return render(request, "notifications/list.html", {"section": "people", "page": page, "person": person,
                                                       "person_id": person_id, "waiting": _waiting(page)})


def _waiting(page) -> bool:
    """Messages on this page still wait for the worker: the page says so if none runs."""
    return any(n.status in (Notification.Status.PENDING, Notification.Status.SENDING) for n in page.items)


@login_required
def inbox(request):
    """What waits for the user's decision or action, from every domain; unread in bold."""
    unread_only = request.GET.get("show") == "unread"
    entries = selectors.inbox_of(request.user, unread_only=unread_only)
    return render(request, "notifications/inbox.html", {
        "section": "inbox", "entries": entries, "unread_only": unread_only,
        "unread": selectors.inbox_unread_count(request.user)})


def inbox_count(request):
    """The nav's unread badge (an htmx fragment, cached per user for a few seconds); empty when nothing is unread.

    Not behind login_required: a session that ran out answers an empty badge, not a login page
    that htmx would put into the nav.
    """
    unread = selectors.inbox_unread_count(request.user) if request.user.is_authenticated else 0
    if not unread:
        return HttpResponse("")
    return HttpResponse(format_html(' <span class="badge red" data-inbox-unread>{}</span>', unread))


@login_required
@require_POST
def inbox_open(request):
    """Mark one item read and go where it is decided; an item dealt with meanwhile is gone from the list."""
    item = actions.inbox_open(actor=request.user, key=request.POST.get("key", "")[:120])
    if item is None:
        messages.info(request, _("That item has been dealt with already."))
        return redirect("notifications:inbox")
    return redirect(item.url)


@login_required
@require_POST
def inbox_read(request):
    """Mark the chosen items read (or all of them), and stay on the inbox."""
    if request.POST.get("all"):
        actions.inbox_mark_all_read(actor=request.user)
    else:
        actions.inbox_mark_read(actor=request.user, keys=request.POST.getlist("key")[:200])
    url = reverse("notifications:inbox")
    return redirect(url + "?show=unread" if request.POST.get("show") == "unread" else url)
