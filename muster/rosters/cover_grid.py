"""The cover requirement as a grid: one row per time band, one column per weekday, people and a skill per cell.

It holds exactly what the text form holds (`forms.parse_cover` / `forms.format_cover`): each filled
cell is one `BandData` (weekday, plan, start, end, people needed, a skill and how many must have it).
A blank cell is a day without that band. The page posts plain fields, so it works without script:
`rows` (how many), then per row `rI-line`, `rI-start`, `rI-end` and per weekday D (1 = Monday)
`rI-dD-n`, `rI-dD-skill`, `rI-dD-count`. Errors name the cell: its weekday and its band.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from muster.rosters.actions import BandData
from muster.rosters.actions.common import weekday_name
from muster.rosters.models import Band, Post

DAYS = range(1, 8)
MAX_ROWS = 48  # a week of half-hour bands in both plans is far beyond any post's book


@dataclass
class Cell:
    required: str = ""  # kept as typed, so a page sent back with an error shows what the user wrote
    skill: str = ""
    count: str = ""

    @property
    def filled(self) -> bool:
        return bool(self.required or self.skill or self.count)


@dataclass
class Row:
    line: str = Band.Line.DUTY
    start: str = ""
    end: str = ""
    cells: list[Cell] = field(default_factory=lambda: [Cell() for _d in DAYS])

    @property
    def blank(self) -> bool:
        return not (self.start or self.end or any(c.filled for c in self.cells))

    def days(self):
        """(weekday number 1-7, weekday name, cell) for the template."""
        return [(d, weekday_name(d - 1), self.cells[d - 1]) for d in DAYS]


def rows_from_bands(bands: Iterable[BandData]) -> list[Row]:
    """One row per (plan, start, end), in the order the book reads: shifts then patrols, by start."""
    rows: dict[tuple, Row] = {}
    for b in bands:
        key = (b.line, b.start, b.end)
        row = rows.setdefault(key, Row(line=b.line, start=f"{b.start:%H:%M}", end=f"{b.end:%H:%M}"))
        row.cells[b.weekday] = Cell(required=str(b.required), skill=b.skill or "", count=str(b.skill_count) if b.skill else "")
    order = {Band.Line.DUTY: 0, Band.Line.PATROL: 1}
    return [rows[k] for k in sorted(rows, key=lambda k: (order.get(k[0], 2), k[1], k[2]))]


def bands_of(post: Post) -> list[BandData]:
    return [BandData(weekday=b.weekday, start=b.start, end=b.end, required=b.required, line=b.line,
                     skill=b.skill.code if b.skill_id else "", skill_count=b.skill_count)
            for b in post.bands.select_related("skill").order_by("line", "start", "weekday")]


def rows_to_post(rows: list[Row]) -> dict[str, str]:
    """The fields the page would send for these rows (used by tests and to re-render)."""
    data = {"rows": str(len(rows))}
    for i, row in enumerate(rows):
        data |= {f"r{i}-line": row.line, f"r{i}-start": row.start, f"r{i}-end": row.end}
        for d, cell in zip(DAYS, row.cells, strict=True):
            data |= {f"r{i}-d{d}-n": cell.required, f"r{i}-d{d}-skill": cell.skill, f"r{i}-d{d}-count": cell.count}
    return data


def rows_from_post(data: Mapping[str, str]) -> list[Row]:
    """The rows as sent, less the one whose remove button was pressed, plus a blank one if "add" was."""
    try:
        n = min(int(data.get("rows") or 0), MAX_ROWS)
    except ValueError:
        n = 0
    remove = data.get("remove")
    rows = []
    for i in range(max(n, 0)):
        if remove == str(i):
            continue
        row = Row(line=(data.get(f"r{i}-line") or Band.Line.DUTY).strip(), start=(data.get(f"r{i}-start") or "").strip(),
                  end=(data.get(f"r{i}-end") or "").strip(),
                  cells=[Cell(required=(data.get(f"r{i}-d{d}-n") or "").strip(), skill=(data.get(f"r{i}-d{d}-skill") or "").strip(),
                              count=(data.get(f"r{i}-d{d}-count") or "").strip()) for d in DAYS])
        rows.append(row)
    if "add" in data and len(rows) < MAX_ROWS:
        rows.append(Row())
    return rows


def _time(text: str) -> dt.time | None:
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return dt.datetime.strptime(text.replace("24:00", "00:00"), fmt).time()
        except ValueError:
            continue
    return None


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def bands_from_rows(rows: list[Row], skills: set[str]) -> tuple[list[BandData], list[str]]:
    """The bands the grid says, and what is wrong in it, each message naming its cell (weekday and band)."""
    bands: list[BandData] = []
    errors: list[str] = []
    for no, row in enumerate(rows, 1):
        if row.blank:
            continue
        a, z = _time(row.start), _time(row.end)
        band = f"{row.start}–{row.end}" if a and z else _("band %(n)d") % {"n": no}
        if a is None or z is None:
            errors.append(_("Band %(n)d: give its start and end times.") % {"n": no})
            continue
        if row.line not in Band.Line.values:
            errors.append(_("Band %(band)s: unknown plan.") % {"band": band})
            continue
        if a == z:
            errors.append(_("Band %(band)s: start and end are the same.") % {"band": band})
            continue
        if not any(c.filled for c in row.cells):
            errors.append(_("Band %(band)s: give the number of people on at least one day, or remove the band.") % {"band": band})
            continue
        for d, day, cell in row.days():
            if not cell.filled:
                continue
            where = _("%(day)s, %(band)s") % {"day": day, "band": band}
            n = _int(cell.required)
            if n is None or not 1 <= n <= 50:
                errors.append(_("%(cell)s: people needed must be a whole number from 1 to 50.") % {"cell": where})
                continue
            count = 0
            if cell.skill:
                if cell.skill not in skills:
                    errors.append(_("%(cell)s: unknown skill “%(skill)s”.") % {"cell": where, "skill": cell.skill})
                    continue
                count = _int(cell.count) if cell.count else 1
                if count is None:
                    errors.append(_("%(cell)s: how many must have the skill is a whole number.") % {"cell": where})
                    continue
                if count > n:
                    errors.append(_("%(cell)s: more people with the skill than people in all.") % {"cell": where})
                    continue
            elif cell.count and cell.count != "0":
                errors.append(_("%(cell)s: choose the skill that %(count)s of them must have.") % {"cell": where, "count": cell.count})
                continue
            bands.append(BandData(weekday=d - 1, start=a, end=z, required=n, line=row.line, skill=cell.skill, skill_count=count))
    if not bands and not errors:
        errors.append(_("Fill in at least one band."))
    return bands, errors
