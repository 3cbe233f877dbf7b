"""The one spreadsheet writer every export goes through: XLSX or CSV, formula-escaped, audited.

A view gets the rows from its app's selector and hands them here:

    headers, rows = selectors.people_export(qs)
    return exports.respond(request, action=Audit.PEOPLE_EXPORT, filename=_("people") + ".xlsx",
                           sheets=[exports.Sheet(_("People"), headers, rows)], region=region)

Why one writer: a name submitted anonymously (pre-registration) as `=HYPERLINK("http://…")`
reached a coordinator's spreadsheet as a live formula. Here every text cell stays text: in
XLSX it is written as a string cell with Excel's quote prefix, in CSV a formula-leading value
gets a leading apostrophe (OWASP's advice). Rows are streamed (openpyxl's write-only mode,
a CSV writer) into a temporary file that stays in memory while small and spills to disk past
`SPOOL_BYTES`, so a 200,000-row register never sits in the worker's memory as cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone

from muster.core import audit
from muster.core.models import AuditEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# Characters that make Excel, LibreOffice or WPS read a cell as a formula (OWASP CSV injection),
# with their full-width forms that a Chinese input method produces.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Below this the file is kept in memory and sent in one piece; above it, streamed from disk.
SPOOL_BYTES = 8 * 1024 * 1024
# Control characters XLSX cannot hold (openpyxl raises on them; one in a name made the export a 500).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Sheet(NamedTuple):
    """One sheet: its title, its header row and its rows (any iterable, e.g. a selector's generator)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def plain(value: Any) -> Any:
    """A cell value as a spreadsheet can hold it: local naive times, no control characters."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, bool | int | float | dt.date | dt.time):
        return value
    return _ILLEGAL.sub("", str(value))


def csv_cell(value: Any) -> str:
    """A value for CSV: formula-leading text gets an apostrophe so that it opens as text."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)  # a number is not a formula, even a negative one
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def _xlsx_row(ws, row: Sequence[Any]) -> list:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        value = plain(value)
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value=value)
            # openpyxl turns any string starting with "=" into a formula; a string cell is inert,
            # and the quote prefix keeps it text when someone edits the cell in Excel.
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def _write_xlsx(out, sheets: Sequence[Sheet]) -> list[int]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    counts = []
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.title))
        ws.append(_xlsx_row(ws, sheet.headers))
        n = 0
        for row in sheet.rows:
            ws.append(_xlsx_row(ws, row))
            n += 1
        counts.append(n)
    wb.save(out)
    return counts


def _write_csv(out, sheets: Sequence[Sheet]) -> list[int]:
    if len(sheets) != 1:
        raise ValueError("a CSV export has exactly one sheet")
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    (sheet,) = sheets
    writer.writerow([csv_cell(h) for h in sheet.headers])
    n = 0
    for row in sheet.rows:
        writer.writerow([csv_cell(v) for v in row])
        n += 1
    text.detach()  # leave `out` open for the response
    return [n]


def _sheet_title(title: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", " ", str(title))[:31] or "Sheet"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987), e.g. 人员.xlsx."""
    name = re.sub(r'[\x00-\x1f\x7f/\\"]', "_", str(filename)).strip(" .") or "export"
    stem, dot, ext = name.rpartition(".")
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_.")
    if not re.search(r"[A-Za-z0-9]", fallback.rsplit(".", 1)[0] if "." in fallback else fallback):
        fallback = "export" + (dot + re.sub(r"[^A-Za-z0-9]", "", ext) if dot and stem else "")
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def filters_of(request: HttpRequest, drop: Iterable[str] = ("page",)) -> dict[str, Any]:
    """The query's filters as {name: value or [values]}, for the audit trail."""
    out: dict[str, Any] = {}
    for key in request.GET:
        if key in drop:
            continue
        values = request.GET.getlist(key)
        out[key] = values[0] if len(values) == 1 else values
    return out


def respond(request: HttpRequest, *, action: str, filename: str, sheets: Sheet | Sequence[Sheet], region=None,
            filters: dict | None = None, fmt: str | None = None) -> HttpResponse | FileResponse:
    """Write `sheets` as XLSX (or CSV, by `fmt` or the filename), record the audit event `action` (the app's `Audit.…_EXPORT`), answer the download.

    The audit event (a sensitive read by the acting user) holds the row count, each sheet's count,
    the format and the filters (`filters`, else the query string without `page`).
    """
    if isinstance(sheets, Sheet):
        sheets = [sheets]
    if region is None:
        from muster.accounts.scoping import Scope

        region = Scope.of(request.user).home_region()
    fmt = (fmt or filename.rpartition(".")[2] or "xlsx").lower()
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"unknown export format {fmt!r}")
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    counts = _write_xlsx(out, sheets) if fmt == "xlsx" else _write_csv(out, sheets)
    audit.record(actor=request.user, action=action, kind=AuditEvent.Kind.READ, region=region,
                 object_repr=filename,
                 changes={"rows": counts[0] if counts else 0, "sheets": {s.title: n for s, n in zip(sheets, counts, strict=True)},
                          "format": fmt, "filters": filters if filters is not None else filters_of(request)})
    content_type = XLSX if fmt == "xlsx" else CSV
    size = out.tell()
    out.seek(0)
    response: HttpResponse | FileResponse
    if size <= SPOOL_BYTES:
        response = HttpResponse(out.read(), content_type=content_type)
        out.close()
    else:
        response = FileResponse(out, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    return response
