"""The lab: boxes coming in, runs, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from muster.core import importjobs
from muster.core.errors import DomainError
from muster.core.models import ImportJob
from muster.testing import actions, selectors
from muster.testing.forms import ResultsForm
from muster.testing.parsing import parse_result_text


@login_required
def labs(request):
    labs = list(selectors.labs_for(request.user))
    if len(labs) == 1:
        return redirect("testing:lab", labs[0].pk)
    return render(request, "testing/labs.html", {"section": "lab", "labs": labs})


@login_required
def lab(request, lab_id: int):
    lab = selectors.lab_get(request.user, lab_id)
    form = ResultsForm()
    report = None
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "receive":
                b = actions.box_receive(actor=request.user, lab=lab, barcode=request.POST.get("barcode", ""),
                                        receiver=request.POST.get("receiver", ""))
                messages.success(request, _("Box %(code)s received: %(n)s tubes.") % {"code": b.barcode, "n": b.tube_count})
                return redirect("testing:lab", lab.pk)
            if op == "run":
                run = actions.run_create(actor=request.user, lab=lab, analyser=request.POST.get("analyser", ""))
                return redirect("testing:run", lab.pk, run.pk)
            if op == "results":
                form = ResultsForm(request.POST, request.FILES)
                if form.is_valid():
                    f = form.cleaned_data.get("file")
                    if f:
                        report = importjobs.start_or_run(actor=request.user, kind="results", importer="muster.testing.actions.results_import",
                                                         data=f.read(), filename=f.name, params={"lab": lab.pk},
                                                         back_url=reverse("testing:lab", args=[lab.pk]))
                        if isinstance(report, ImportJob):
                            return redirect("import_job", report.pk)
                    else:
                        rows, errors = parse_result_text(form.cleaned_data["lines"])
                        report = actions.results_enter(actor=request.user, lab=lab, rows=rows, errors=errors)
                    if report.ok:
                        messages.success(request, _("%(n)s results saved.") % {"n": report.updated})
                        return redirect("testing:lab", lab.pk)
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return render(request, "testing/lab.html", {"section": "lab", "lab": lab, "form": form, "report": report,
                                                **selectors.lab_board(lab)})


@login_required
def run(request, lab_id: int, run_id: int):
    lab = selectors.lab_get(request.user, lab_id)
    r = selectors.run_get(lab, run_id)
    return render(request, "testing/run.html", {"section": "lab", "lab": lab, "run": r, "tubes": selectors.run_tubes(lab, r)})
