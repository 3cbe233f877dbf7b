"""Reading tabular files (CSV or XLSX) into rows, with line numbers for error reports.

Every importer reads through `read_table`, and it bounds what an upload can cost (issue 10: a
5 MB XLSX of a million bad rows took 47 s, an 80 MB error page and 1.1 GB of memory):

- rows: at most `IMPORT_MAX_ROWS` per file from the web (`IMPORT_MAX_ROWS_CLI` from the
  command line), counted before any row is parsed, so an oversized file is refused at once;
- XLSX: the zip's members may unpack to at most `IMPORT_MAX_UNZIPPED_BYTES` together
  (checked before openpyxl opens it: a zip bomb is refused unread), read with
  `read_only=True` and the declared dimension ignored, so a file claiming `A1:C2` over 5,000
  rows gives 5,000 rows, never one;
- errors: a report keeps the first `IMPORT_MAX_ERRORS` and counts the rest.
"""

from __future__ import annotations

import contextvars
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from muster.core import context
from muster.core.errors import InvalidInput

DEFAULTS = {
    "IMPORT_MAX_ROWS": 50_000,
    "IMPORT_MAX_ROWS_CLI": 2_000_000,
    "IMPORT_MAX_UNZIPPED_BYTES": 200 * 1024 * 1024,
    "IMPORT_MAX_ERRORS": 200,
    "IMPORT_BACKGROUND_ROWS": 2_000,
}
MAX_ZIP_MEMBERS = 2_000
PROGRESS_EVERY = 500


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def max_rows() -> int:
    """Rows one file may hold: the command line may import a city, a web upload a district's list."""
    return limit("IMPORT_MAX_ROWS_CLI") if context.current().via == "cli" else limit("IMPORT_MAX_ROWS")


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": str(self.message)}


class ErrorList(list):
    """Row errors: the first `cap` are kept (and shown), the rest only counted."""

    def __init__(self, items: Iterable[RowError] = (), cap: int | None = None):
        super().__init__()
        self.cap = limit("IMPORT_MAX_ERRORS") if cap is None else cap
        self.dropped = 0
        self.extend(items)

    def append(self, error: RowError) -> None:
        if len(self) < self.cap:
            super().append(error)
        else:
            self.dropped += 1

    def extend(self, errors: Iterable[RowError]) -> None:
        for e in errors:
            self.append(e)

    @property
    def total(self) -> int:
        """Kept and dropped errors together (not `count`: that is list.count(value))."""
        return len(self) + self.dropped


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: ErrorList = field(default_factory=ErrorList)

    def __post_init__(self):
        if not isinstance(self.errors, ErrorList):
            self.errors = ErrorList(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return self.errors.total

    @property
    def more_errors(self) -> int:
        """Errors found beyond those kept: the page says 'and N more'."""
        return self.errors.dropped

    def as_dict(self) -> dict:
        return {"total": self.total, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "errors": [e.as_dict() for e in self.errors], "more_errors": self.more_errors}


# --- progress, for background imports ---------------------------------------------------------

_progress: contextvars.ContextVar[Callable[[int], None] | None] = contextvars.ContextVar("muster_import_progress", default=None)


@contextmanager
def reporting(callback: Callable[[int], None]):
    """Within this block, `read_table` calls `callback(rows read so far)` every few hundred rows."""
    token = _progress.set(callback)
    try:
        yield
    finally:
        _progress.reset(token)


# --- counting and reading ---------------------------------------------------------------------

def _too_many(limit_rows: int) -> InvalidInput:
    return InvalidInput(_("The file has more than %(n)s rows; split it into files of at most %(n)s rows.")
                        % {"n": f"{limit_rows:,}"}, field="file")


def is_xlsx(data: bytes, filename: str) -> bool:
    return (filename or "").lower().endswith(".xlsx") or data[:2] == b"PK"


def count_rows(data: bytes, filename: str, *, max_rows_: int | None = None) -> int:
    """How many data rows the file holds (an upper bound: blank rows count), refusing it when over the cap.

    Cheap: CSV lines are counted, an XLSX sheet's `<row>` tags are counted while it is unpacked
    in pieces (after the zip-bomb check), stopping as soon as the cap is passed.
    """
    cap = max_rows() if max_rows_ is None else max_rows_
    if is_xlsx(data, filename):
        with _open_zip(data) as z:
            n = max(_xlsx_row_tags(z, _first_sheet(z), stop_after=cap + 1) - 1, 0)
    else:
        n = max(data.count(b"\n") - (0 if data.endswith(b"\n") else -1) - 1, 0)
    if n > cap:
        raise _too_many(cap)
    return n


def read_table(data: bytes, filename: str, *, max_rows_: int | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row dict) from CSV (UTF-8, with or without BOM, or GB18030) or XLSX bytes.

    Raises InvalidInput (field "file") for an unreadable file, a zip bomb, or more rows than allowed.
    """
    cap = max_rows() if max_rows_ is None else max_rows_
    count_rows(data, filename, max_rows_=cap)
    rows = _read_xlsx(data) if is_xlsx(data, filename) else _read_csv(data, filename)
    progress = _progress.get()
    for n, item in enumerate(rows, start=1):
        if n > cap:  # the count above is cheap, this one is exact
            raise _too_many(cap)
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
        yield item


def _read_csv(data: bytes, filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    name = (filename or "").lower()
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


def _unreadable() -> InvalidInput:
    return InvalidInput(_("The spreadsheet could not be read; is it a valid .xlsx file?"), field="file")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    """The XLSX as a zip whose members together unpack to no more than the limit (else refused unread).

    The sizes checked are those the zip declares; Python's zipfile never unpacks a member past its
    declared size (a member that lies fails its CRC), so the check bounds what is unpacked.
    """
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _unreadable() from None
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_ZIP_MEMBERS or total > limit("IMPORT_MAX_UNZIPPED_BYTES"):
        z.close()
        raise InvalidInput(_("The spreadsheet unpacks to more than %(mb)d MB; split it into smaller files.")
                           % {"mb": limit("IMPORT_MAX_UNZIPPED_BYTES") // (1024 * 1024)}, field="file")
    return z


_SHEET_TAG = re.compile(rb"<(?:\w{1,8}:)?sheet\b[^>]*>")
_REL_TAG = re.compile(rb"<(?:\w{1,8}:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _first_sheet(z: zipfile.ZipFile) -> str:
    """The member holding the workbook's first sheet (the one openpyxl's worksheets[0] reads)."""
    names = set(z.namelist())
    try:
        book = z.read("xl/workbook.xml")
        rels = z.read("xl/_rels/workbook.xml.rels")
        first = _SHEET_TAG.search(book)
        rid = next(v for k, v in _ATTR.findall(first.group(0)) if k.endswith(b":id")) if first else None
        for tag in _REL_TAG.findall(rels):
            attrs = dict(_ATTR.findall(tag))
            if attrs.get(b"Id") == rid:
                target = attrs[b"Target"].decode()
                path = target.lstrip("/") if target.startswith("/") else "xl/" + target
                if path in names:
                    return path
    except (KeyError, StopIteration, zipfile.BadZipFile, OSError, UnicodeDecodeError):
        pass
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    if not sheets:
        raise _unreadable()
    return sheets[0]


_ROW_TAG = re.compile(rb"<(?:\w{1,8}:)?row[\s>/]")
_TAIL = 15  # longer than any match, so a tag cut between two reads is counted once


def _xlsx_row_tags(z: zipfile.ZipFile, member: str, *, stop_after: int) -> int:
    """`<row>` elements in a sheet, read in 1 MB pieces; stops counting past `stop_after`."""
    n = 0
    carry = b""
    try:
        with z.open(member) as f:
            while chunk := f.read(1 << 20):
                buf = carry + chunk
                cut = max(len(buf) - _TAIL, 0)
                n += sum(1 for m in _ROW_TAG.finditer(buf) if m.start() < cut)
                carry = buf[cut:]
                if n >= stop_after:
                    return n
        n += len(_ROW_TAG.findall(carry))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        raise _unreadable() from None
    return n


def _read_xlsx(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    _open_zip(data).close()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        # The declared <dimension> is the writer's claim, not the data: one saying A1:C2 over
        # 5,000 rows made read-only openpyxl stop after a single row, and the import "succeeded".
        ws.reset_dimensions()
    except Exception:  # openpyxl raises many types for a broken file
        raise _unreadable() from None
    try:
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
    finally:
        wb.close()
