"""Checking in and out of a need with its short code, typed or read from the QR code at the site."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core.errors import DomainError
from muster.needs import actions, selectors
from muster.needs.forms import CodeForm


def _check(request, code: str):
    try:
        result = actions.check_in_or_out(actor=request.user, code=code)
    except DomainError as e:
        return None, str(e.message)
    r = result.report
    if result.action == "in":
        msg = _("Checked in to %(need)s at %(t)s. Scan again when you leave.") % {
            "need": r.need, "t": f"{timezone.localtime(r.checked_in_at):%H:%M}"}
    else:
        msg = _("Checked out. %(h)s hours recorded. Thank you!") % {"h": r.hours}
    return result, msg


@login_required
def checkin(request):
    """Type a need's short code (or arrive here from its QR code) to check in, and later out."""
    initial = request.GET.get("code", "")
    form = CodeForm(request.POST or None, initial={"code": initial})
    result = error = None
    if request.method == "POST" and form.is_valid():
        result, msg = _check(request, form.cleaned_data["code"])
        if result is None:
            error = msg
            form.add_error("code", msg)
        else:
            messages.success(request, msg)
            return redirect("needs:mine")
    need = None
    code = actions.normalise_code(initial)
    if code and request.method == "GET":
        need = selectors.need_by_code(code)
    return render(request, "needs/checkin.html", {"section": "mine", "form": form, "need": need, "code": code,
                                                  "error": error, "result": result},
                  status=422 if error else 200)


def scan(request, code: str):
    """The URL inside the QR code: opens the check-in page with the code filled in (log in first if needed)."""
    return redirect(f"{reverse('needs:checkin')}?code={actions.normalise_code(code)}")
