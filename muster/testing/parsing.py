"""What the desk's scanners, the lab's analysers and uploaded lists say, read into rows.

Pure reading and checking: nothing here touches the database, so the actions, the views and
the API share one reading of a barcode, a result word or a flag list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from muster.core import imports, pii
from muster.core.errors import InvalidInput
from muster.core.imports import ImportReport, RowError, read_table
from muster.testing.models import BOX_RE, CODE_RE, TUBE_RE, SingleTubeFlag, Tube


def classify(scan: str) -> tuple[str, str]:
    """What a scanned (or typed) string is: tube, box, person code, ID number, or bad."""
    s = re.sub(r"\s", "", scan or "").upper()
    if TUBE_RE.fullmatch(s):
        return "tube", s
    if BOX_RE.fullmatch(s):
        return "box", s
    if CODE_RE.fullmatch(s):
        return "code", s
    if re.fullmatch(r"\d{17}[\dX]", s):
        return "id", s
    return "bad", s


# --- lab results -------------------------------------------------------------------------------

RESULT_WORDS = {
    "negative": Tube.Result.NEGATIVE, "neg": Tube.Result.NEGATIVE, "-": Tube.Result.NEGATIVE, "阴性": Tube.Result.NEGATIVE, "阴": Tube.Result.NEGATIVE,
    "n": Tube.Result.NEGATIVE,
    "positive": Tube.Result.POSITIVE, "pos": Tube.Result.POSITIVE, "+": Tube.Result.POSITIVE, "阳性": Tube.Result.POSITIVE, "阳": Tube.Result.POSITIVE,
    "p": Tube.Result.POSITIVE,
    "invalid": Tube.Result.INVALID, "inv": Tube.Result.INVALID, "无效": Tube.Result.INVALID,
    "rerun": Tube.Result.RERUN, "re-run": Tube.Result.RERUN, "复检": Tube.Result.RERUN, "重测": Tube.Result.RERUN,
}


@dataclass
class ResultRow:
    line: int
    barcode: str
    result: str
    ct: float | None = None


def _ct(value: str, line: int, errors: list[RowError]) -> float | None:
    if value in ("", None):
        return None
    try:
        ct = float(value)
    except ValueError:
        errors.append(RowError(line, "ct", _("The Ct value is not a number.")))
        return None
    if not (0 <= ct <= 50):
        errors.append(RowError(line, "ct", _("The Ct value must be between 0 and 50.")))
    return ct


def parse_result_text(text: str) -> tuple[list[ResultRow], list[RowError]]:
    """Lines typed, scanned or pasted from an analyser export: a tube barcode, a result word, an optional Ct.

    Columns may be separated by tabs, commas, semicolons or spaces, in any order; a first
    line without a tube barcode is taken as the export's header and skipped.
    """
    rows, errors = [], []
    lines = (text or "").splitlines()
    if len(lines) > imports.max_rows():
        raise InvalidInput(_("The file has more than %(n)s rows; split it into files of at most %(n)s rows.")
                           % {"n": f"{imports.max_rows():,}"}, field="lines")
    for i, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        tokens = [t for t in re.split(r"[\t,;\s]+", line) if t]
        barcode = next((t.upper() for t in tokens if TUBE_RE.fullmatch(t.upper())), None)
        if barcode is None:
            if not rows and not errors and i == 1 and not any(t.lower() in RESULT_WORDS for t in tokens):
                continue
            errors.append(RowError(i, "tube", _("No tube barcode on this line.")))
            continue
        result = next((RESULT_WORDS[t.lower()] for t in tokens if t.lower() in RESULT_WORDS), None)
        if result is None:
            errors.append(RowError(i, "result", _("No result on this line (negative, positive, invalid or rerun).")))
            continue
        numbers = [t for t in tokens if re.fullmatch(r"\d+(\.\d+)?", t)]
        ct = _ct(numbers[0], i, errors) if numbers else None
        rows.append(ResultRow(i, barcode, result, ct))
    return rows, errors


def parse_result_file(data: bytes, filename: str) -> tuple[list[ResultRow], list[RowError]]:
    """CSV/XLSX with columns tube (or barcode), result, and optionally ct."""
    rows, errors = [], []
    for line, row in read_table(data, filename):
        barcode = (row.get("tube") or row.get("barcode") or row.get("试管") or "").strip().upper()
        word = (row.get("result") or row.get("结果") or "").strip().lower()
        if not TUBE_RE.fullmatch(barcode):
            errors.append(RowError(line, "tube", _("Not a tube barcode: %(value)s") % {"value": barcode[:30]}))
            continue
        if word not in RESULT_WORDS:
            errors.append(RowError(line, "result", _("Unknown result: %(value)s") % {"value": word[:20]}))
            continue
        rows.append(ResultRow(line, barcode, RESULT_WORDS[word], _ct(row.get("ct", ""), line, errors)))
    if not rows and not errors:
        errors.append(RowError(1, "file", _("The file has no rows.")))
    return rows, errors


def parse_result_items(items: list[tuple[str, str, float | None]]) -> tuple[list[ResultRow], list[RowError]]:
    """(tube, result word, Ct) triples as the API receives them, numbered from 1; Ct is checked by the schema."""
    rows, errors = [], []
    for i, (tube, word, ct) in enumerate(items, start=1):
        result = RESULT_WORDS.get(word.strip().lower())
        if result is None:
            errors.append(RowError(i, "result", "unknown result"))
            continue
        rows.append(ResultRow(i, tube.strip().upper(), result, ct))
    return rows, errors


# --- single-tube flag lists --------------------------------------------------------------------

FLAG_HEADERS = {"身份证号": "id_number", "身份证号码": "id_number", "证件号码": "id_number", "证件号": "id_number",
                "id": "id_number", "证件类型": "id_type", "原因": "reason", "备注": "note", "姓名": "name"}
FLAG_REASONS = {"contact": SingleTubeFlag.Reason.CONTACT, "密接": SingleTubeFlag.Reason.CONTACT,
                "密切接触者": SingleTubeFlag.Reason.CONTACT, "quarantine": SingleTubeFlag.Reason.QUARANTINE,
                "隔离": SingleTubeFlag.Reason.QUARANTINE, "隔离中": SingleTubeFlag.Reason.QUARANTINE}


@dataclass
class FlagRow:
    line: int
    key: tuple[str, str]  # (id_type, lookup hash)
    reason: str
    note: str
    name: str


def parse_flag_file(data: bytes, filename: str, *, reason: str, note: str, report: ImportReport) -> list[FlagRow]:
    """The rows of a flag list, each checked on its own; problems go to `report` by line.

    Columns: id_number (or 身份证号), and optionally name, id_type, reason (contact/quarantine,
    密接/隔离; default `reason`) and note (default `note`).
    """
    seen: dict[tuple[str, str], int] = {}
    rows: list[FlagRow] = []
    for line, raw in read_table(data, filename):
        row = {FLAG_HEADERS.get(k, k): v for k, v in raw.items()}
        report.total += 1
        id_type = row.get("id_type") or pii.IdType.RESIDENT
        if id_type not in dict(pii.IdType.CHOICES):
            report.errors.append(RowError(line, "id_type", _("Unknown document type.")))
            continue
        try:
            number = pii.validate_id(id_type, row.get("id_number", ""))
        except InvalidInput as e:
            report.errors.append(RowError(line, "id_number", str(e.message)))
            continue
        word = (row.get("reason") or "").strip().lower()
        row_reason = FLAG_REASONS.get(word) if word else reason
        if row_reason is None:
            report.errors.append(RowError(line, "reason", _("Unknown reason: %(value)s (contact or quarantine).")
                                          % {"value": word[:20]}))
            continue
        row_note = (row.get("note") or note or "").strip()
        if len(row_note) > 200:
            report.errors.append(RowError(line, "note", _("The note has at most 200 characters.")))
            continue
        key = (id_type, pii.lookup_hash(id_type, number))
        if key in seen:
            report.errors.append(RowError(line, "id_number", _("The same ID number is on line %(line)s.") % {"line": seen[key]}))
            continue
        seen[key] = line
        rows.append(FlagRow(line, key, row_reason, row_note, (row.get("name") or "").strip()))
    if report.total == 0:
        report.errors.append(RowError(1, "file", _("The file has no rows.")))
    return rows
