"""Reading tabular files (CSV or XLSX) into rows, with line numbers for error reports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from muster.core.errors import InvalidInput


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": str(self.message)}


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(data: bytes, filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row dict) from CSV (UTF-8, with or without BOM, or GB18030) or XLSX bytes."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        yield from _read_xlsx(data)
        return
    if not name.endswith((".csv", ".txt")) and name:
        raise InvalidInput(_("Unsupported file type: please upload a .csv or .xlsx file."), field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(_("The file is not UTF-8 or GB18030 text."), field="file")
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InvalidInput(_("The file is empty."), field="file")
    reader.fieldnames = [h.strip().lower() for h in reader.fieldnames]
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _read_xlsx(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken file
        raise InvalidInput(_("The spreadsheet could not be read; is it a valid .xlsx file?"), field="file") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise InvalidInput(_("The file is empty."), field="file")
    keys = [str(h or "").strip().lower() for h in header]
    for i, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        row = {}
        for k, v in zip(keys, values, strict=False):
            if not k:
                continue
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            row[k] = "" if v is None else str(v).strip()
        yield i, row
