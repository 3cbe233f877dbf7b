"""The lab: worklists (runs) and results, all or nothing, with a report by line."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, InvalidInput
from muster.core.imports import ImportReport, RowError
from muster.core.transactions import atomic
from muster.geo.models import Site
from muster.testing.actions.recalls import recalls_follow_up
from muster.testing.audits import Audit
from muster.testing.models import Box, LabRun, Tube
from muster.testing.parsing import ResultRow, parse_result_file
from muster.testing.permissions import require_lab


def run_create(*, actor, lab: Site, analyser: str = "", size: int = 94) -> LabRun:
    """A worklist of received tubes waiting for a result (or for a re-run), in plate order."""
    require_lab(actor, lab)
    if not (1 <= size <= 384):
        raise InvalidInput(_("A run holds 1 to 384 tubes."), field="size")
    with atomic():
        ids = list(Tube.objects.filter(box__lab=lab, box__status=Box.Status.RECEIVED)
                   .filter(result__in=["", Tube.Result.INVALID, Tube.Result.RERUN])
                   .exclude(result="", run__isnull=False).order_by("box__received_at", "barcode")
                   .values_list("pk", flat=True)[:size])
        if not ids:
            raise Conflict(_("No received tube is waiting for a run."), code="nothing_to_run")
        number = (LabRun.objects.filter(lab=lab).order_by("-number").values_list("number", flat=True).first() or 0) + 1
        run = LabRun.objects.create(lab=lab, number=number, analyser=analyser.strip()[:40], created_by=actor)
        tubes = list(Tube.objects.filter(pk__in=ids).order_by("box__received_at", "barcode"))
        for pos, t in enumerate(tubes, start=1):
            t.run, t.run_position = run, pos
        Tube.objects.bulk_update(tubes, ["run", "run_position"])
        audit.record(actor=actor, action=Audit.LAB_RUN, obj=run, region=lab.region, changes={"tubes": len(tubes)})
    return run


def results_enter(*, actor, lab: Site, rows: list[ResultRow], errors: list[RowError] | None = None) -> ImportReport:
    """Enter results for tubes received at this lab: all or nothing, with a row report.

    A positive pooled tube opens a recall of everyone in it; a result on a recall's single
    tube resolves that person, and the recall closes when all are resolved.
    """
    require_lab(actor, lab)
    report = ImportReport(total=len(rows) + len(errors or []), errors=list(errors or []))
    seen: dict[str, int] = {}
    for r in rows:
        if r.barcode in seen:
            report.errors.append(RowError(r.line, "tube", _("Tube %(code)s is also on line %(line)s.") % {"code": r.barcode, "line": seen[r.barcode]}))
        seen.setdefault(r.barcode, r.line)
    if not rows and not report.errors:
        report.errors.append(RowError(0, "tube", _("No results given.")))
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report
    now = timezone.now()
    with atomic():
        tubes = {t.barcode: t for t in Tube.objects.select_for_update(of=("self",)).filter(barcode__in=list(seen)).select_related("box")}
        changed: list[Tube] = []
        for r in rows:
            t = tubes.get(r.barcode)
            if t is None or t.box is None or t.box.lab_id != lab.pk or t.box.status != Box.Status.RECEIVED:
                report.errors.append(RowError(r.line, "tube", _("Tube %(code)s has not been received at this lab.") % {"code": r.barcode}))
                continue
            if t.final:
                if t.result == r.result:
                    report.unchanged += 1
                else:
                    report.errors.append(RowError(r.line, "result", _("Tube %(code)s already has a final result.") % {"code": r.barcode}))
                continue
            t.result, t.ct, t.resulted_at, t.resulted_by = r.result, r.ct, now, actor
            changed.append(t)
        if report.errors:
            transaction.set_rollback(True)
            return report
        # One UPDATE per distinct (result, Ct): a batch is mostly plain negatives, and a CASE per row
        # (bulk_update) grows quadratically with the batch.
        groups: dict[tuple[str, float | None], list[int]] = defaultdict(list)
        for t in changed:
            groups[(t.result, t.ct)].append(t.pk)
        for (result, ct), ids in groups.items():
            Tube.objects.filter(pk__in=ids).update(result=result, ct=ct, resulted_at=now, resulted_by=actor)
        report.updated = len(changed)
        recalls = recalls_follow_up(changed, now)
        audit.record(actor=actor, action=Audit.LAB_RESULTS, region=lab.region, obj=lab,
                     changes={"tubes": len(changed), "positive": sum(1 for t in changed if t.result == Tube.Result.POSITIVE),
                              "recalls": recalls})
    return report


def results_import(*, actor, lab: Site | int, data: bytes, filename: str) -> ImportReport:
    """Results from a CSV/XLSX file; `lab` may be an id (a background import job passes one)."""
    if not isinstance(lab, Site):
        lab = Site.objects.get(pk=lab, kind=Site.Kind.LAB)
    rows, errors = parse_result_file(data, filename)
    return results_enter(actor=actor, lab=lab, rows=rows, errors=errors)
