"""Large imports run by a worker, with progress; small ones run in the request as before.

200,000 valid rows killed a gunicorn worker at 30 s: nothing was written, and nothing imported.
A web upload above `IMPORT_BACKGROUND_ROWS` rows becomes an ImportJob, the worker runs the same
import action (still all or nothing), and the page polls the job.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from muster.core import audit, context, imports, pii
from muster.core.audits import Audit
from muster.core.errors import DomainError, NotFound
from muster.core.imports import ImportReport
from muster.core.models import ImportJob
from muster.core.transactions import atomic

log = logging.getLogger("muster.core")


def start_or_run(*, actor, kind: str, importer: str, data: bytes, filename: str, params: dict[str, Any] | None = None,
                 back_url: str = "") -> ImportReport | ImportJob:
    """Run `importer` now on a small file, or queue it and return its job on a large one.

    `importer` is the dotted path of an import action taking (actor, data, filename, **params)
    and returning an ImportReport. The file is counted first: one over the row cap or a zip bomb
    is refused here (InvalidInput), before anything is parsed.
    """
    params = params or {}
    rows = imports.count_rows(data, filename)
    if rows <= imports.limit("IMPORT_BACKGROUND_ROWS"):
        return import_string(importer)(actor=actor, data=data, filename=filename, **params)
    return job_start(actor=actor, kind=kind, importer=importer, data=data, filename=filename, params=params, rows=rows,
                     back_url=back_url)


def job_start(*, actor, kind: str, importer: str, data: bytes, filename: str, params: dict[str, Any], rows: int,
              back_url: str = "") -> ImportJob:
    """Queue an import for the worker; it starts once this transaction commits."""
    with atomic():
        job = ImportJob.objects.create(kind=kind, importer=importer, params=params, filename=(filename or "")[:200],
                                       data=pii.encrypt_bytes(data),
                                       rows=rows, back_url=back_url[:200], created_by=actor)
        audit.record(actor=actor, action=Audit.IMPORT_QUEUE, obj=job, changes={"kind": kind, "file": filename, "rows": rows})
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


@task()
def run_import(job_id: int) -> str:
    """The worker's side of a queued import; tests run it inline."""
    return job_run(job_id)


def job_run(job_id: int) -> str:
    """Run one queued import and store its report. Never raises; the file is dropped when it ends."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now()):
        return "skipped"
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    last = [0.0]

    def progress(n: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 1:
            last[0] = now
            ImportJob.objects.filter(pk=job_id).update(done=min(n, job.rows))

    token = context.set_current(context.RequestContext(via="task"))
    try:
        with imports.reporting(progress):
            report = import_string(job.importer)(actor=job.created_by, data=pii.decrypt_bytes(bytes(job.data)),
                                                 filename=job.filename,
                                                 **job.params)
    except DomainError as e:
        status, result = ImportJob.Status.REFUSED, {
            "errors": [{"line": 0, "field": e.field or "file", "message": str(e.message)}], "more_errors": 0}
    except Exception as e:  # the job must never stay "running" for ever
        log.exception("import job %s failed", job_id)
        status, result = ImportJob.Status.FAILED, {
            "errors": [{"line": 0, "field": "", "message": _("The import stopped with an error: %(e)s") % {"e": e}}],
            "more_errors": 0}
    else:
        status = ImportJob.Status.DONE if report.ok else ImportJob.Status.REFUSED
        result = report.as_dict()
    finally:
        context.reset(token)
    ImportJob.objects.filter(pk=job_id).update(status=status, report=result, data=b"", finished_at=timezone.now(),
                                               done=job.rows if status == ImportJob.Status.DONE else job.done)
    return status


def job_get(user, pk: int) -> ImportJob:
    """A job its uploader (or a superuser) may follow; anyone else gets a 404."""
    qs = ImportJob.objects.defer("data")
    if not getattr(user, "is_superuser", False):
        qs = qs.filter(created_by=user)
    job = qs.filter(pk=pk).first()
    if job is None:
        raise NotFound()
    return job
