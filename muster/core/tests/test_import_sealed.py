"""A queued import holds ID numbers: the file waits for the worker encrypted, and is dropped after."""

import io

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from muster.core import importjobs, pii
from muster.core.models import ImportJob
from muster.people.models import Person

NUMBER = "110106199001011234"


def _xlsx(rows) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one empty worksheet
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_queued_file_is_stored_encrypted_and_dropped_when_done(world):
    number = NUMBER[:17] + pii.resident_check_digit(NUMBER[:17])
    data = _xlsx([["name", "community_code", "id_number"], ["队列", world.puanli.code, number]])
    job = importjobs.job_start(actor=world.coordinator, kind="people", importer="muster.people.actions.people_import",
                               data=data, filename="p.xlsx", params={}, rows=1)
    stored = bytes(ImportJob.objects.get(pk=job.pk).data)
    assert stored and stored != data and data not in stored and number.encode() not in stored
    assert pii.decrypt_bytes(stored) == data
    assert importjobs.job_run(job.pk) == ImportJob.Status.DONE
    assert bytes(ImportJob.objects.get(pk=job.pk).data) == b""
    assert Person.objects.filter(name="队列").count() == 1
