"""Pages of emergencies and retention (command), the access review, and a resident's own data."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit, pii, retention
from muster.core.errors import DomainError, InvalidInput
from muster.core.models import AuditEvent
from muster.emergencies import actions, selectors
from muster.emergencies.forms import CorrectionForm, DeclareForm, EndForm, HoldForm, PolicyForm
from muster.emergencies.models import Emergency, PurgeRun
from muster.geo import selectors as geo
from muster.web.paging import page_of


def _command(request) -> None:
    if not Scope.of(request.user).has_role(actions.COMMAND):
        raise PermissionDenied


def _deployment(request) -> None:
    if not actions.is_deployment_command(request.user):
        raise PermissionDenied


def _error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


@login_required
def emergencies(request):
    _command(request)
    form = DeclareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = geo.regions_visible(request.user).filter(code=d["region_code"]).first()
        if region is None:
            form.add_error("region_code", _("No region with this code in your scope."))
        else:
            try:
                e = actions.emergency_declare(actor=request.user, name=d["name"], region=region, level=d["level"],
                                              purpose=d["purpose"])
            except DomainError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("Emergency declared."))
                return redirect("emergencies:detail", e.pk)
    page = page_of(selectors.emergencies_visible(request.user), request.GET.get("page"))
    return render(request, "emergencies/list.html", {"section": "emergencies", "form": form, "page": page,
                                                     "deployment": actions.is_deployment_command(request.user)},
                  status=422 if form.errors else 200)


@login_required
def emergency(request, pk: int):
    _command(request)
    e = selectors.emergency_get(request.user, pk)
    if request.method == "POST" and request.POST.get("op") == "close":
        try:
            actions.emergency_close(actor=request.user, emergency=e)
            messages.success(request, _("The emergency is declared over."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("emergencies:detail", e.pk)
    return render(request, "emergencies/detail.html", {"section": "emergencies", "e": e, "work": selectors.emergency_work(e),
                                                       "may_close": e.status == Emergency.Status.ACTIVE
                                                       and actions.may_command(request.user, e.region)})


@login_required
def retention_page(request):
    _deployment(request)
    policy_form = hold_form = None
    failed = False
    types = [t for t in retention.types() if t.action != retention.KEEP]
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "policy":
                policy_form = PolicyForm(request.POST)
                if policy_form.is_valid():
                    actions.policy_set(actor=request.user, key=policy_form.cleaned_data["key"], days=policy_form.cleaned_data["days"])
                    messages.success(request, _("Retention saved."))
                    return redirect("emergencies:retention")
                messages.error(request, _("Enter a whole number of days."))
                failed = True
            elif op == "hold":
                hold_form = HoldForm(request.POST)
                hold_form.fields["record_type"].choices = [("", "—")] + [(t.key, t.label) for t in types]
                if hold_form.is_valid():
                    d = hold_form.cleaned_data
                    person = None
                    if d["id_number"]:
                        number = pii.validate_id(d["id_type"] or pii.IdType.RESIDENT, d["id_number"])
                        person = selectors.person_model().objects.filter(
                            id_hash=pii.lookup_hash(d["id_type"] or pii.IdType.RESIDENT, number)).first()
                        if person is None:
                            raise DomainError(_("Nobody with this document number."), field="id_number")
                    actions.hold_place(actor=request.user, reason=d["reason"], person=person, record_type=d["record_type"],
                                       object_id=d["object_id"])
                    messages.success(request, _("Hold placed."))
                    return redirect("emergencies:retention")
            elif op == "lift":
                hold = selectors.holds().filter(pk=request.POST.get("hold") or 0).first()
                if hold is None:
                    raise Http404
                actions.hold_lift(actor=request.user, hold=hold)
                messages.success(request, _("Hold lifted."))
                return redirect("emergencies:retention")
        except DomainError as exc:
            failed = True
            if hold_form is not None:
                _error(hold_form, exc)
            else:
                messages.error(request, str(exc.message))
    if hold_form is None:
        hold_form = HoldForm()
        hold_form.fields["record_type"].choices = [("", "—")] + [(t.key, t.label) for t in types]
    return render(request, "emergencies/retention.html", {
        "section": "emergencies", "policies": selectors.policies(), "hold_form": hold_form,
        "holds": selectors.holds().filter(lifted_at__isnull=True), "labels": {t.key: t.label for t in retention.types()},
    }, status=422 if failed or hold_form.errors else 200)


@login_required
def purge(request):
    _deployment(request)
    if request.method == "POST":
        try:
            run = actions.purge_start(actor=request.user, dry_run=request.POST.get("op") != "purge")
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("emergencies:purge")
        return redirect("emergencies:purge_report", run.pk)
    page = page_of(selectors.runs(), request.GET.get("page"), size=20)
    return render(request, "emergencies/purge.html", {"section": "emergencies", "page": page})


@login_required
def purge_report(request, pk: int):
    _deployment(request)
    run = selectors.runs().filter(pk=pk).first()
    if run is None:
        raise Http404
    return render(request, "emergencies/purge_report.html", {"section": "emergencies", "run": run, "rows": selectors.run_rows(run),
                                                             "running": run.status == PurgeRun.Status.RUNNING})


@login_required
def corrections(request):
    if not Scope.of(request.user).has_role(MANAGERS):
        raise PermissionDenied
    if request.method == "POST":
        req = selectors.corrections_visible(request.user).filter(pk=request.POST.get("request") or 0).first()
        if req is None:
            raise Http404
        try:
            actions.correction_answer(actor=request.user, request=req, answer=request.POST.get("answer", ""))
            messages.success(request, _("Answer recorded."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("emergencies:corrections")
    page = page_of(selectors.corrections_visible(request.user), request.GET.get("page"))
    return render(request, "emergencies/corrections.html", {"section": "emergencies", "page": page})


@login_required
def access_review(request):
    """Command: who holds which role where, roles unused for 30 days, and revoking them in bulk."""
    from muster.accounts import actions as accounts
    from muster.accounts import selectors as grants_of

    _command(request)
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("grant") if x.isdigit()]
        chosen = list(grants_of.grants_visible(request.user).filter(pk__in=ids))
        try:
            if request.POST.get("op") == "end":
                form = EndForm(request.POST)
                if not form.is_valid():
                    raise InvalidInput(_("Enter a date."), field="ends_on")
                for grant in chosen:
                    accounts.role_grant_end(actor=request.user, grant=grant, ends_on=form.cleaned_data["ends_on"])
                messages.success(request, _("%(n)s roles end on the date given.") % {"n": len(chosen)})
            else:
                n = accounts.role_grants_revoke(actor=request.user, grants=chosen)
                messages.success(request, _("%(n)s roles revoked.") % {"n": n})
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect(request.get_full_path())
    unused_only = request.GET.get("unused") == "1"
    rows = grants_of.access_review(request.user, unused_days=30, unused_only=unused_only)
    page = page_of(rows, request.GET.get("page"), size=100)
    return render(request, "emergencies/access.html", {"section": "emergencies", "page": page, "unused_only": unused_only})


# --- a resident's own data (PIPL art. 45) ----------------------------------------------------------

def _resident(request):
    """The person the request may see: the signed-in user's own, or the one the result look-up verified."""
    user = request.user
    if user.is_authenticated and user.person_id:
        return user.person
    pk = request.session.get("testing_person")
    if pk:
        return selectors.person_model().objects.filter(pk=pk).select_related("region", "household").first()
    return None


def _refuse(request, person, asked: int):
    """Someone asked for data that is not theirs: nothing is shown, and the attempt is on the trail."""
    audit.record(actor=request.user if request.user.is_authenticated else None, action="mydata.refused",
                 kind=AuditEvent.Kind.READ, object_repr=f"person {asked}", region=getattr(person, "region", None),
                 changes={"asked": asked, "own": getattr(person, "pk", None)})
    raise Http404


def _own(request, person_id: int):
    person = _resident(request)
    if person is None or person.pk != person_id or person.purged_at:
        _refuse(request, person, person_id)
    return person


def mydata(request):
    person = _resident(request)
    if person is None:
        return render(request, "emergencies/mydata_start.html", {})
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.correction_request(person=person, text=form.cleaned_data["text"])
        except DomainError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Your request was sent to your community."))
            return redirect("emergencies:mydata")
    _audit_self_read(request, person, "mydata.view")
    return render(request, "emergencies/mydata.html", {
        "person": person, "sections": selectors.subject_sections(person), "reads": selectors.subject_reads(person),
        "corrections": selectors.corrections_of(person), "form": form,
    }, status=422 if form.errors else 200)


def _audit_self_read(request, person, action: str) -> None:
    # The resident's own reads are recorded (a stolen session shows up), but not as a read of the
    # person record: "who looked at me" lists others, not the resident themselves.
    audit.record(actor=request.user if request.user.is_authenticated else None, action=action, kind=AuditEvent.Kind.READ,
                 object_repr="", region=person.region, changes={"person": person.pk})


def mydata_json(request, person_id: int):
    person = _own(request, person_id)
    _audit_self_read(request, person, "mydata.download")
    body = json.dumps(selectors.subject_document(person), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


def mydata_pdf(request, person_id: int):
    from muster.emergencies.pdf import subject_pdf

    person = _own(request, person_id)
    _audit_self_read(request, person, "mydata.download")
    pdf = subject_pdf(_("What Muster holds about me"), selectors.subject_document(person),
                      {"generated": _("Generated"), "reads": _("Who looked at my record"),
                       "no_reads": _("Nobody has looked at your record.")})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-data.pdf"'
    return response
