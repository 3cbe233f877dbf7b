from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from muster.notifications import selectors
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
