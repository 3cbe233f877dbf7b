from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.accounts.scoping import ID_REVEALERS, MANAGERS, Scope
from muster.core import importjobs
from muster.core.errors import DomainError, Forbidden
from muster.core.models import ImportJob
from muster.geo import selectors as geo
from muster.people import actions, selectors
from muster.people.audits import Audit
from muster.people.forms import DirectoryFilter, ImportForm, PersonForm
from muster.web import exports
from muster.web.decorators import managers_only
from muster.web.forms import add_domain_error
from muster.web.paging import page_of


def _filtered(request):
    form = DirectoryFilter(request.GET or None)
    form.fields["region"].queryset = geo.regions_visible(request.user)
    region = None
    if form.is_valid():
        d = form.cleaned_data
        if d["region"]:
            region = geo.regions_visible(request.user).filter(code=d["region"]).first()
            if region is None:
                form.add_error("region", _("No region with this code in your scope."))
        qs = selectors.people_search(request.user, q=d["q"], region=region, skill=d["skill"].code if d["skill"] else "",
                                     organisation_kind=d["organisation_kind"], min_age=d["min_age"], max_age=d["max_age"])
    else:
        qs = selectors.people_search(request.user)
    return form, qs, region


@managers_only
def directory(request):
    form, qs, region = _filtered(request)
    page = page_of(qs.prefetch_related("skills"), request.GET.get("page"))
    template = "people/_rows.html" if request.htmx else "people/directory.html"
    return render(request, template, {"section": "people", "form": form, "page": page, "region": region})


@managers_only
def export(request):
    """The directory as XLSX, scoped like the page and with IDs masked; audited."""
    form, qs, region = _filtered(request)
    return exports.respond(request, action=Audit.PEOPLE_EXPORT, filename="people.xlsx", region=region,
                           sheets=exports.Sheet(_("People"), *selectors.people_export(qs)))


@login_required
def detail(request, pk: int):
    person = selectors.person_get(request.user, pk)
    can_reveal = bool(person.id_cipher) and Scope.of(request.user).covers(person.region, ID_REVEALERS)
    can_edit = Scope.of(request.user).covers(person.region, MANAGERS)
    return render(request, "people/detail.html", {"section": "people", "person": person, "can_reveal": can_reveal, "can_edit": can_edit})


@login_required
@require_POST
def reveal_id(request, pk: int):
    person = selectors.person_get(request.user, pk)
    try:
        number = actions.person_reveal_id(actor=request.user, person=person)
    except DomainError as e:
        raise Forbidden(e.message) from None
    return render(request, "people/_revealed.html", {"number": number})


def _person_form_submit(request, form, person=None):
    d = form.cleaned_data
    region = geo.regions_visible(request.user).filter(code=d["region_code"]).first()
    if region is None:
        form.add_error("region_code", _("No community with this code in your region."))
        return None
    data = actions.PersonData(name=d["name"], region=region, phone=d["phone"], sex=d["sex"], birth_year=d["birth_year"],
                              id_type=d["id_type"], id_number=d["id_number"], skills=tuple(s.code for s in d["skills"]), notes=d["notes"])
    try:
        if person is None:
            return actions.person_create(actor=request.user, data=data)
        return actions.person_update(actor=request.user, person=person, data=data)
    except DomainError as e:
        add_domain_error(form, e, aliases={"region": "region_code"})
        return None


@managers_only
def new(request):
    form = PersonForm(request.POST or None, initial={"region_code": request.GET.get("region", "")})
    form.fields["region_code"].queryset = geo.regions_visible(request.user)
    if request.method == "POST" and form.is_valid():
        person = _person_form_submit(request, form)
        if person:
            messages.success(request, _("%(name)s has been registered.") % {"name": person.name})
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"section": "people", "form": form}, status=422 if form.errors else 200)


@managers_only
def edit(request, pk: int):
    person = selectors.person_get(request.user, pk)
    initial = {"name": person.name, "region_code": person.region.code, "phone": person.phone, "sex": person.sex,
               "birth_year": person.birth_year, "id_type": person.id_type, "skills": list(person.skills.all()), "notes": person.notes}
    form = PersonForm(request.POST or None, initial=initial)
    form.fields["region_code"].queryset = geo.regions_visible(request.user)
    if request.method == "POST" and form.is_valid():
        if _person_form_submit(request, form, person):
            messages.success(request, _("Saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"section": "people", "form": form, "person": person}, status=422 if form.errors else 200)


@managers_only
def import_people(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            report = importjobs.start_or_run(actor=request.user, kind="people", importer="muster.people.actions.people_import",
                                             data=f.read(), filename=f.name, back_url=reverse("people:directory"))
        except DomainError as e:
            form.add_error("file", str(e.message))
        else:
            if isinstance(report, ImportJob):
                return redirect("import_job", report.pk)
            if report.ok:
                messages.success(request, _("%(n)d people imported.") % {"n": report.created})
                return redirect("people:directory")
    status = 422 if (form.errors or (report and not report.ok)) else 200
    return render(request, "people/import.html", {"section": "people", "form": form, "report": report,
                                                  "columns": actions.IMPORT_COLUMNS}, status=status)
