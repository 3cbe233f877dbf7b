"""Pages of emergencies and retention (command), the access review, and a resident's own data."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from muster.accounts import actions as accounts
from muster.accounts import selectors as grants_of
from muster.core import pii, retention
from muster.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from muster.emergencies import actions, selectors
from muster.emergencies.forms import CorrectionForm, DeclareForm, EndForm, HoldForm, PolicyForm
from muster.emergencies.models import Emergency, PurgeRun
from muster.geo import selectors as geo
from muster.web.decorators import managers_only, roles_required
from muster.web.forms import add_domain_error
from muster.web.paging import page_of

command_only = roles_required(actions.COMMAND)


def _deployment(request) -> None:
    if not actions.is_deployment_command(request.user):
        raise Forbidden()


@command_only
def emergencies(request):
    form = DeclareForm(request.POST or None)
    form.fields["region_code"].queryset = geo.regions_visible(request.user)
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
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Emergency declared."))
                return redirect("emergencies:detail", e.pk)
    page = page_of(selectors.emergencies_visible(request.user), request.GET.get("page"))
    return render(request, "emergencies/list.html", {"section": "emergencies", "form": form, "page": page,
                                                     "deployment": actions.is_deployment_command(request.user)},
                  status=422 if form.errors else 200)


@command_only
def emergency(request, pk: int):
    e = selectors.emergency_get(request.user, pk)
    op = request.POST.get("op") if request.method == "POST" else None
    if op == "close":
        try:
            actions.emergency_close(actor=request.user, emergency=e)
            messages.success(request, _("The emergency is declared over."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("emergencies:detail", e.pk)
    if op == "attach":
        try:
            ids = [int(i) for i in request.POST.getlist("ids")]
        except ValueError:
            ids = []
        try:
            n = actions.emergency_attach(actor=request.user, emergency=e, kind=request.POST.get("kind", ""), ids=ids)
            messages.success(request, _("%(n)s attached to this emergency.") % {"n": n})
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("emergencies:detail", e.pk)
    may = e.status == Emergency.Status.ACTIVE and actions.may_command(request.user, e.region)
    return render(request, "emergencies/detail.html", {"section": "emergencies", "e": e, "work": selectors.emergency_work(e),
                                                       "may_close": may, "may_attach": may,
                                                       "attachable": selectors.work_attachable(e) if may else []})


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
                        person = selectors.person_by_id_number(d["id_type"] or pii.IdType.RESIDENT, number)
                        if person is None:
                            raise DomainError(_("Nobody with this document number."), field="id_number")
                    actions.hold_place(actor=request.user, reason=d["reason"], person=person, record_type=d["record_type"],
                                       object_id=d["object_id"])
                    messages.success(request, _("Hold placed."))
                    return redirect("emergencies:retention")
            elif op == "lift":
                hold = selectors.holds().filter(pk=request.POST.get("hold") or 0).first()
                if hold is None:
                    raise NotFound()
                actions.hold_lift(actor=request.user, hold=hold)
                messages.success(request, _("Hold lifted."))
                return redirect("emergencies:retention")
        except DomainError as exc:
            failed = True
            if hold_form is not None:
                add_domain_error(hold_form, exc)
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
        raise NotFound()
    return render(request, "emergencies/purge_report.html", {"section": "emergencies", "run": run, "rows": selectors.run_rows(run),
                                                             "running": run.status == PurgeRun.Status.RUNNING})


@managers_only
def corrections(request):
    if request.method == "POST":
        req = selectors.corrections_visible(request.user).filter(pk=request.POST.get("request") or 0).first()
        if req is None:
            raise NotFound()
        try:
            actions.correction_answer(actor=request.user, request=req, answer=request.POST.get("answer", ""))
            messages.success(request, _("Answer recorded."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("emergencies:corrections")
    page = page_of(selectors.corrections_visible(request.user), request.GET.get("page"))
    return render(request, "emergencies/corrections.html", {"section": "emergencies", "page": page})


@command_only
def access_review(request):
    """Command: who holds which role where, roles unused for 30 days, and revoking them in bulk."""
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
        return selectors.resident(pk)
    return None


def _refuse(request, person, asked: int):
    """Someone asked for data that is not theirs: nothing is shown, and the attempt is on the trail."""
    actions.own_data_refused(actor=request.user if request.user.is_authenticated else None, person=person, asked=asked)
    raise NotFound()


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
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your request was sent to your community."))
            return redirect("emergencies:mydata")
    _audit_self_read(request, person, download=False)
    return render(request, "emergencies/mydata.html", {
        "person": person, "sections": selectors.subject_sections(person), "reads": selectors.subject_reads(person),
        "corrections": selectors.corrections_of(person), "form": form,
    }, status=422 if form.errors else 200)


def _audit_self_read(request, person, *, download: bool) -> None:
    actions.own_data_read(actor=request.user if request.user.is_authenticated else None, person=person, download=download)


def mydata_json(request, person_id: int):
    person = _own(request, person_id)
    _audit_self_read(request, person, download=True)
    body = json.dumps(selectors.subject_document(person), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


def mydata_pdf(request, person_id: int):
    from muster.emergencies.pdf import subject_pdf

    person = _own(request, person_id)
    _audit_self_read(request, person, download=True)
    pdf = subject_pdf(_("What Muster holds about me"), selectors.subject_document(person),
                      {"generated": _("Generated"), "reads": _("Who looked at my record"),
                       "no_reads": _("Nobody has looked at your record.")})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-data.pdf"'
    return response
