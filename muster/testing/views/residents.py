"""Residents' pages, no login: pre-registration, the result look-up, the report and its verification.

Public pages: throttled per address (and the look-up per name) in the shared cache, so the
limits hold across workers; see settings' LOOKUP_*/PREREGISTER_*/VERIFY_* rates.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from muster.core.errors import DomainError, NotFound
from muster.core.links import absolute
from muster.testing import access, actions, selectors
from muster.testing.forms import LookupCodeForm, LookupForm, PreregisterForm
from muster.testing.pdf import document
from muster.testing.selectors import outcome_label
from muster.web import qr
from muster.web.forms import add_domain_error


def _too_many(request, group: str, rate: str, key="ip", method="POST") -> bool:
    from django_ratelimit.core import is_ratelimited

    return is_ratelimited(request, group=group, key=key, rate=rate, method=method, increment=True)


def _name_key(group, request) -> str:
    return "".join(request.POST.get("name", "").split())[:60]


def preregister(request, pk: int):
    c = selectors.campaign_public(pk)
    form = PreregisterForm(request.POST or None)
    form.fields["community"].queryset = selectors.communities_of(c)
    sent, status = False, 200
    if request.method == "POST" and (_too_many(request, "testing.preregister", settings.PREREGISTER_RATE_IP)
                                     or _too_many(request, "testing.preregister.name", settings.LOOKUP_RATE_NAME, key=_name_key)):
        form = PreregisterForm(request.POST)
        form.fields["community"].queryset = selectors.communities_of(c).none()
        form.is_valid()
        form.add_error(None, _("Too many registrations from here. Please try again in an hour, or register at the desk."))
        status = 429
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.preregister_self(campaign=c, name=d["name"], id_type=d["id_type"], id_number=d["id_number"],
                                     phone=d["phone"], community=d["community"],
                                     code_url=lambda r: absolute(reverse("testing:my_code", args=[c.pk, r.code])))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            sent = True
    return render(request, "testing/preregister.html", {"c": c, "form": form, "sent": sent}, status=status)


def my_code(request, pk: int, code: str):
    """The QR of a personal code, reached from the link in its SMS (the code itself is the key)."""
    if _too_many(request, "testing.verify", settings.VERIFY_RATE_IP, method="GET"):
        return HttpResponse(_("Too many requests. Please try again later."), status=429)
    reg = selectors.registration_by_code(code.strip().upper(), pk)
    if reg is None:
        raise NotFound()
    svg = qr.svg(reg.code, scale=8)
    return render(request, "testing/my_code.html", {"reg": reg, "svg": svg, "masked": selectors.mask_name(reg.person.name)})


def lookup(request):
    """Name + ID number, then a second factor (personal code, or a one-time code by SMS); see testing.access."""
    posted = request.method == "POST"
    confirming = posted and "otp" in request.POST
    form = LookupForm(request.POST if posted and not confirming else None)
    code_form = LookupCodeForm(request.POST if confirming else None)
    step = "code" if confirming or (request.GET.get("step") == "code" and request.session.get(access.SESSION_KEY)) else "id"
    context = {"form": form, "code_form": code_form, "step": step}
    if not posted:
        return render(request, "testing/lookup.html", context)
    if _too_many(request, "testing.lookup", settings.LOOKUP_RATE_IP) or (
            not confirming and _too_many(request, "testing.lookup.name", settings.LOOKUP_RATE_NAME, key=_name_key)):
        return render(request, "testing/lookup.html", {**context, "throttled": True}, status=429)
    outcome = None
    if confirming and code_form.is_valid():
        outcome = access.lookup_confirm(request.session, otp=code_form.cleaned_data["otp"])
    elif not confirming and form.is_valid():
        d = form.cleaned_data
        outcome = access.lookup_start(request.session, name=d["name"], id_number=d["id_number"], code=d["code"])
    if outcome is not None:
        if outcome.person is not None:
            return redirect("testing:my_results")
        if outcome.locked:
            return render(request, "testing/lookup.html", {**context, "locked": True}, status=429)
        if outcome.challenge and not outcome.error:
            return redirect(reverse("testing:lookup") + "?step=code")
        if outcome.error:
            (code_form if confirming else form).add_error(None, outcome.error)
            if not request.session.get(access.SESSION_KEY):
                context["step"] = "id"
    return render(request, "testing/lookup.html", context, status=422)


def _session_person(request):
    return selectors.session_person(request.session.get("testing_person"))


def my_results(request):
    try:
        person = _session_person(request)
    except NotFound:
        return redirect("testing:lookup")
    results = selectors.resident_results(person)
    for r in results:
        r["label"] = outcome_label(r["outcome"])
    return render(request, "testing/my_results.html", {"person": person, "masked": selectors.mask_name(person.name), "results": results})


@require_http_methods(["GET", "HEAD", "POST"])
def report_pdf(request, sample_id: int):
    """A resident's test report: POST issues it (once per sample and result), GET downloads the one issued.

    A GET never writes: before the report for the current result is issued it sends the
    resident back to their results, where the download button posts.
    """
    person = _session_person(request)
    sample = selectors.resident_sample(person, sample_id)
    result = selectors.outcome(sample)
    if request.method == "POST":
        actions.report_issue(sample=sample, result=result)
        see_other = HttpResponseRedirect(reverse("testing:report_pdf", args=[sample.pk]))
        see_other.status_code = 303  # the download that follows is a GET
        return see_other
    report = selectors.report_issued(sample, result)
    if report is None:
        return redirect("testing:my_results")
    url = absolute(reverse("testing:verify", args=[report.token]))
    local = timezone.localtime(sample.registered_at)
    pdf = document([{
        "title": _("Nucleic acid test report"), "subtitle": sample.campaign.name,
        "lines": [(_("Name"), person.name), (_("ID number"), person.id_masked), (_("Sampled at"), f"{local:%Y-%m-%d %H:%M}"),
                  (_("Collection point"), sample.point.site.name), (_("Tube"), sample.tube.barcode),
                  (_("Pooling"), f"{sample.tube.capacity}混1" if sample.tube.capacity > 1 else _("single tube")),
                  (_("Result"), outcome_label(result)),
                  (_("Issued"), f"{timezone.localtime(report.issued_at):%Y-%m-%d %H:%M}")],
        "verify_label": _("Scan the code or open this address to verify this report:"), "url": url,
    }], title=_("Nucleic acid test report"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{sample.pk}.pdf"'
    return response


def verify(request, token: str):
    if _too_many(request, "testing.verify", settings.VERIFY_RATE_IP, method="GET"):
        return render(request, "testing/verify.html", {"report": None, "throttled": True}, status=429)
    report = selectors.report_by_token(token)
    if report is None:
        return render(request, "testing/verify.html", {"report": None}, status=404)
    s = report.sample
    return render(request, "testing/verify.html", {
        "report": report, "name": selectors.mask_name(s.person.name), "id_masked": s.person.id_masked, "campaign": s.campaign,
        "sampled": s.registered_at, "label": outcome_label(report.result), "current": outcome_label(selectors.outcome(s)),
    })
