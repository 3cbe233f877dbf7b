"""Volunteering pages about records: corrections, certificates of service and their public verification,
trainings and awards. (The project and attendance pages are in `views`.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.core.errors import DomainError, Forbidden
from muster.core.links import absolute
from muster.volunteering import actions, selectors
from muster.volunteering.forms import (
    CertificateForm,
    CorrectionForm,
    DecideCorrectionForm,
    HonourForm,
    VerifyForm,
)
from muster.volunteering.pdf import certificate_pdf
from muster.web.forms import add_domain_error


@login_required
def record_correct(request, pk: int):
    """The volunteer asks for a correction of one of their own records (anyone else's is not found)."""
    record = selectors.record_mine(request.user, pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.correction_request(actor=request.user, record=record, reason=form.cleaned_data["reason"],
                                       hours=form.cleaned_data["hours"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your request has gone to the organiser."))
            return redirect("volunteering:me")
    return render(request, "volunteering/correct.html", {"r": record, "form": form,
                                                         "past": record.corrections.all()[:20]})


@login_required
def corrections(request):
    """The organiser's open correction requests, each accepted or refused with a reason."""
    rows = selectors.corrections_to_decide(request.user)[:200]
    form = DecideCorrectionForm(request.POST or None)
    if request.method == "POST":
        row = selectors.correction_managed(request.user, int(request.POST.get("correction") or 0))
        if form.is_valid():
            try:
                actions.correction_decide(actor=request.user, correction=row, accept=request.POST.get("accept") == "1",
                                          answer=form.cleaned_data["answer"])
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Decision recorded."))
            return redirect("volunteering:corrections")
        messages.error(request, _("Give the reason for your decision."))
    return render(request, "volunteering/corrections.html", {"rows": rows})


@login_required
@require_POST
def certificate_issue(request):
    form = CertificateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the period as two dates."))
        return redirect("volunteering:me")
    try:
        c = actions.certificate_issue(actor=request.user, period_from=form.cleaned_data["period_from"],
                                      period_to=form.cleaned_data["period_to"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("volunteering:me")
    return redirect("volunteering:certificate_pdf", c.pk)


def _verify_url(c) -> str:
    return absolute(reverse("volunteering:verify_number", args=[c.number]) + f"?d={c.digest[:16]}")


@login_required
def certificate_download(request, pk: int):
    c = selectors.certificate_mine(request.user, pk)
    lines = [(f"{r.date:%Y-%m-%d}", r.activity, r.organiser, f"{r.hours}") for r in selectors.certificate_lines(c)]
    v = getattr(c.person, "volunteer", None)
    body = certificate_pdf(number=c.number, name=c.person.name, id_masked=c.person.id_masked if v else "",
                           period=f"{c.period_from:%Y年%m月%d日}至{c.period_to:%Y年%m月%d日}", hours=f"{c.hours}",
                           records=c.records, units=c.units, lines=lines,
                           issued=f"{timezone.localtime(c.issued_at):%Y年%m月%d日}", verify_url=_verify_url(c))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{c.number}.pdf"'
    return response


# Public look-ups per address: enough for a clerk checking a pile of certificates, too few to walk the numbers.
VERIFY_RATE = "60/m"


def verify(request, number: str = ""):
    """Public: is this certificate genuine? Says valid (with what it states, the name masked) or forged / altered."""
    from django_ratelimit.core import is_ratelimited

    if is_ratelimited(request, group="volunteering.verify", key="ip", rate=VERIFY_RATE, method=is_ratelimited.ALL,
                      increment=True):
        return render(request, "volunteering/verify.html", {"form": VerifyForm(), "throttled": True}, status=429)
    form = VerifyForm(request.GET if "number" in request.GET else None, initial={"number": number})
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["number"]
    verdict, cert = (selectors.certificate_check(number, request.GET.get("d", "")) if number else ("", None))
    name = (cert.person.name[:1] + "*" * (len(cert.person.name) - 1)) if cert else ""
    return render(request, "volunteering/verify.html", {"form": form, "verdict": verdict, "c": cert, "number": number,
                                                        "name": name})


@login_required
def honour_add(request, team_pk: int):
    t = selectors.team_get(request.user, team_pk)
    if not actions.manages_team(request.user, t):
        raise Forbidden()
    members = list(selectors.team_members(t))
    form = HonourForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        member = next((m for m in members if m.person_id == d["person"]), None)
        try:
            if member is None:
                raise Forbidden(_("You do not organise this volunteer."))
            actions.honour_record(actor=request.user, person=member.person, kind=d["kind"], title=d["title"],
                                  date=d["date"], organiser=d["organiser"], hours=d["hours"], rating=d["rating"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("volunteering:team", t.pk)
    return render(request, "volunteering/honour.html", {"t": t, "form": form})


@login_required
def report(request):
    """Volunteers, hours and records by unit, community, street or district per month; XLSX export."""
    from muster.volunteering import reports
    from muster.volunteering.audits import Audit
    from muster.web.exports import Sheet, respond

    group = request.GET.get("group", "community")
    since, until = _day(request.GET.get("from")), _day(request.GET.get("to"))
    rows = reports.report(request.user, group=group, since=since, until=until)
    if request.GET.get("format") == "xlsx":
        headers = [_("Group"), _("Month"), _("Volunteers"), _("Hours"), _("Records")]
        return respond(request, action=Audit.REPORT_EXPORT, filename="volunteer-hours.xlsx",
                       sheets=Sheet(_("Volunteer hours"), headers,
                                    ([r.group, r.month, r.volunteers, r.hours, r.records] for r in rows)))
    return render(request, "volunteering/report.html", {"rows": rows, "group": group, "groups": reports.GROUPS,
                                                        "since": since, "until": until})


def _day(value: str | None):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
