"""Pages of quarantine: cases per hotel, tests, release and the printable release notices."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.core import pii
from muster.core.errors import DomainError, Forbidden, NotFound
from muster.core.links import absolute
from muster.quarantine import actions, selectors
from muster.quarantine.forms import CaseForm, TestForm
from muster.quarantine.models import Case
from muster.quarantine.pdf import notices_pdf
from muster.web.forms import add_domain_error
from muster.web.paging import page_of


@login_required
def cases(request):
    hotels = list(selectors.hotels_visible(request.user))
    if not hotels:
        raise Forbidden()
    qs = selectors.cases_visible(request.user)
    site = None
    if request.GET.get("site"):
        site = next((h for h in hotels if str(h.pk) == request.GET["site"]), None)
        if site is None:
            raise NotFound()
        qs = qs.filter(site=site)
    status = request.GET.get("status", "active")
    if status in Case.Status.values:
        qs = qs.filter(status=status)
    page = page_of(qs.order_by("planned_end", "pk"), request.GET.get("page"))
    for c in page.items:
        c.releasable = selectors.release_check(c)[0] if c.status == Case.Status.ACTIVE else False
    return render(request, "quarantine/cases.html", {"section": "quarantine", "hotels": hotels, "site": site, "page": page,
                                                     "status": status, "statuses": Case.Status.choices})


@login_required
def case_new(request):
    hotels = selectors.hotels_visible(request.user)
    if not hotels.exists():
        raise Forbidden()
    today = timezone.localdate()
    form = CaseForm(request.POST or None, initial={"start": today, "planned_end": today + dt.timedelta(days=14)})
    form.fields["site"].queryset = hotels
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            number = pii.validate_id(d["id_type"], d["id_number"])
            person = selectors.person_for_case(request.user, d["id_type"], number)
            case = actions.case_open(actor=request.user, data=actions.CaseData(
                person=person, site=d["site"], start=d["start"], planned_end=d["planned_end"], required_tests=d["required_tests"],
                room=d["room"], reason=d["reason"]))
            messages.success(request, _("Case opened."))
            return redirect("quarantine:case", case.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "quarantine/form.html", {"section": "quarantine", "form": form, "title": _("New quarantine case")})


@login_required
def case(request, pk: int):
    c = selectors.case_get(request.user, pk)
    form = TestForm(request.POST or None, initial={"taken_on": timezone.localdate()})
    if request.method == "POST":
        try:
            if request.POST.get("op") == "release":
                actions.case_release(actor=request.user, case=c)
                messages.success(request, _("Released; the notice is ready to print."))
                return redirect("quarantine:case", c.pk)
            if form.is_valid():
                actions.case_test_record(actor=request.user, case=c, taken_on=form.cleaned_data["taken_on"], result=form.cleaned_data["result"])
                messages.success(request, _("Test recorded."))
                return redirect("quarantine:case", c.pk)
        except DomainError as exc:
            messages.error(request, str(exc.message))
    ok, reasons = selectors.release_check(c)
    notice = selectors.notice_of(c)
    return render(request, "quarantine/case.html", {"section": "quarantine", "case": c, "tests": selectors.case_tests(c), "form": form,
                                                    "releasable": ok, "reasons": reasons, "notice": notice})


def _url_for(request):
    return lambda n: absolute(reverse("quarantine:verify", args=[n.token]))


@login_required
def notice_pdf(request, pk: int):
    c = selectors.case_get(request.user, pk)
    notice = selectors.notice_of(c)
    if notice is None:
        raise NotFound()
    response = HttpResponse(notices_pdf([notice], _url_for(request)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="release-{notice.number}.pdf"'
    return response


@login_required
@require_POST
def hotel_release(request, site_id: int):
    site = selectors.hotels_visible(request.user).filter(pk=site_id).first()
    if site is None:
        raise NotFound()
    try:
        notices = actions.hotel_release(actor=request.user, site=site)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(f"{reverse('quarantine:cases')}?site={site.pk}")
    messages.success(request, _("%(n)s people released.") % {"n": len(notices)})
    return redirect(f"{reverse('quarantine:cases')}?site={site.pk}&status=released")


@login_required
def hotel_notices(request, site_id: int):
    """Every notice issued at a hotel on a day (today by default), one page each, to print."""
    site = selectors.hotels_visible(request.user).filter(pk=site_id).first()
    if site is None:
        raise NotFound()
    try:
        day = dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    notices = selectors.notices_issued(site, day)
    if not notices:
        messages.error(request, _("No notices were issued at this place on %(date)s.") % {"date": day.isoformat()})
        return redirect(f"{reverse('quarantine:cases')}?site={site.pk}")
    response = HttpResponse(notices_pdf(notices, _url_for(request)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="release-{site.pk}-{day}.pdf"'
    return response


def verify(request, token: str):
    notice = selectors.notice_by_token(token)
    if notice is None:
        return render(request, "quarantine/verify.html", {"notice": None}, status=404)
    from muster.testing.selectors import mask_name

    return render(request, "quarantine/verify.html", {"notice": notice, "name": mask_name(notice.case.person.name)})
