"""The registration desk's page (it talks to the API, testing/api.py) and the boxes of a collection point."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from muster.core.errors import DomainError
from muster.testing import actions, selectors
from muster.testing.forms import BoxForm
from muster.web.forms import add_domain_error
from muster.web.paging import page_of


@login_required
def desks(request):
    points = list(selectors.points_for_desk(request.user))
    if len(points) == 1 and not request.GET.get("all"):
        return redirect("testing:desk", points[0].pk)
    return render(request, "testing/desks.html", {"section": "desk", "points": points})


def _desk_words() -> dict[str, str]:
    """What desk.js says to the clerk, in the page's language (the page embeds it with json_script)."""
    return {
        "online": _("Online"), "offline": _("Offline: scans are kept and sent when the network is back"),
        "opened": _("Tube opened"), "noTube": _("Scan a tube barcode first."),
        "badFormat": _("Wrong format: not a tube, personal QR code or ID number."),
        "queued": _("Saved on this device, will be sent"), "sampled": _("Sampled"),
        "full": _("Tube full: scan a new tube"), "box": _("This is a box barcode: use the Boxes page."),
        "closing": _("is being closed: scan a new tube"), "closed": pgettext("tube", "closed"),
        "walkinDone": _("Walk-in registered"), "notSent": _("Not sent"),
        "signedOut": _("Signed out: sign in again. {n} waiting to be sent on this device, nothing is lost."),
        "stale": _("The page is out of date: sign in again. {n} waiting to be sent on this device, nothing is lost."),
        "forbidden": _("This account may not work this desk now: ask the site lead. {n} waiting on this device."),
        "server": _("The server is not answering properly: {n} waiting on this device, sent again automatically."),
    }


@login_required
def desk(request, point_id: int):
    point = selectors.point_get(request.user, point_id)
    return render(request, "testing/desk.html", {"section": "desk", "point": point, "campaign": point.campaign,
                                                 "csrf_cookie": settings.CSRF_COOKIE_NAME, "words": _desk_words()})


@login_required
def boxes(request, point_id: int):
    point = selectors.point_get(request.user, point_id)
    form = BoxForm(request.POST or None)
    form.fields["lab"].queryset = selectors.labs_of(point.campaign)
    if request.method == "POST" and form.is_valid():
        try:
            box = actions.box_open(actor=request.user, point=point, barcode=form.cleaned_data["barcode"], lab=form.cleaned_data["lab"])
            return redirect("testing:box", point.pk, box.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    page = page_of(selectors.boxes_at_point(request.user, point), request.GET.get("page"))
    for b in page.items:
        b.overdue = selectors.is_overdue(b)
    return render(request, "testing/boxes.html", {"section": "desk", "point": point, "form": form, "page": page,
                                                  "waiting": selectors.tubes_waiting_for_box(point)})


@login_required
def box(request, point_id: int, box_id: int):
    point = selectors.point_get(request.user, point_id)
    b = selectors.box_get_for_point(request.user, point, box_id)
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "add":
                n = actions.box_add_tubes(actor=request.user, box=b, barcodes=request.POST.get("tubes", "").split())
                messages.success(request, _("%(n)s tubes added.") % {"n": n})
            elif op == "seal":
                actions.box_seal(actor=request.user, box=b)
                messages.success(request, _("Box sealed."))
            elif op == "hand":
                actions.box_hand_over(actor=request.user, box=b, courier=request.POST.get("courier", ""))
                messages.success(request, _("Handed over to the courier."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("testing:box", point.pk, b.pk)
    b.overdue = selectors.is_overdue(b)
    return render(request, "testing/box.html", {"section": "desk", "point": point, "box": b, "tubes": selectors.box_tubes(b),
                                                "events": selectors.box_events(b)})
