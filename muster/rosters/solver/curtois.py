"""Adapter for the Curtois & Qu shift scheduling benchmark (schedulingbenchmarks.org).

Parses the text format described in ``data/curtois/SOURCE.md`` into a
:class:`RosterInput`; the engine then solves it like any product roster.
"""

from __future__ import annotations

from pathlib import Path

from .model import Cover, Employee, RosterInput, ShiftRequest, ShiftType

DATA_DIR = Path(__file__).parent / "data" / "curtois"


def _sections(text: str) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            current = None
            continue
        if line.startswith("SECTION_"):
            current = line
            out.setdefault(current, [])
            continue
        if current is None:
            raise ValueError(f"data outside a section: {line!r}")
        out[current].append([f.strip() for f in line.split(",")])
    return out


def parse_curtois(text: str, name: str = "curtois") -> RosterInput:
    sec = _sections(text)
    horizon = int(sec["SECTION_HORIZON"][0][0])
    shifts = []
    for row in sec["SECTION_SHIFTS"]:
        forbidden = [t for t in (row[2].split("|") if len(row) > 2 else []) if t]
        # the benchmark gives no clock times; night rules do not apply to it
        shifts.append(ShiftType(id=row[0], length_minutes=int(row[1]), forbidden_successors=forbidden,
                                night=False))
    days_off: dict[str, list[int]] = {}
    for row in sec.get("SECTION_DAYS_OFF", []):
        days_off.setdefault(row[0], []).extend(int(d) for d in row[1:] if d)
    staff = []
    for row in sec["SECTION_STAFF"]:
        maxima = {}
        for item in row[1].split("|"):
            if item:
                sid, n = item.split("=")
                maxima[sid] = int(n)
        staff.append(Employee(
            id=row[0], max_shifts=maxima, max_total_minutes=int(row[2]), min_total_minutes=int(row[3]),
            max_consecutive_shifts=int(row[4]), min_consecutive_shifts=int(row[5]),
            min_consecutive_days_off=int(row[6]), max_weekends=int(row[7]),
            days_off=sorted(set(days_off.get(row[0], []))),
        ))

    def requests(section: str) -> list[ShiftRequest]:
        return [ShiftRequest(employee=r[0], day=int(r[1]), shift=r[2], weight=int(r[3]))
                for r in sec.get(section, [])]

    cover = [Cover(day=int(r[0]), shift=r[1], requirement=int(r[2]), under_weight=int(r[3]),
                   over_weight=int(r[4])) for r in sec.get("SECTION_COVER", [])]
    return RosterInput(
        name=name, num_days=horizon, start_weekday=0, shift_types=shifts, employees=staff, cover=cover,
        on_requests=requests("SECTION_SHIFT_ON_REQUESTS"), off_requests=requests("SECTION_SHIFT_OFF_REQUESTS"),
    )


def load_curtois(path: str | Path) -> RosterInput:
    path = Path(path)
    return parse_curtois(path.read_text(), name=path.stem)


def best_known(directory: str | Path | None = None) -> dict[str, int]:
    """Published best objective values from best_known.csv beside the instances."""
    directory = Path(directory) if directory else DATA_DIR
    out = {}
    f = directory / "best_known.csv"
    if not f.exists():
        f = DATA_DIR / "best_known.csv"
    for line in f.read_text().splitlines()[1:]:
        parts = line.split(",")
        if len(parts) >= 5:
            out[parts[0]] = int(parts[4])
    return out
