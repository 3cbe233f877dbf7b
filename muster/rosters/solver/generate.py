"""Instances in the Curtois & Qu format, generated from a seed: the engine is tuned on these, never on the
shared benchmark files, so that a setting that helps here is a setting that generalises.

Each instance is built around a *planted* roster: every employee's weeks are drawn first (runs of work and
rest, shift types that respect the successions), then the employee's hard limits are set so that the planted
roster keeps all of them, with some slack. An instance is therefore always feasible. Cover is the planted
headcount with noise, and shift-on/off requests are sprinkled at a chosen density, some agreeing with the
planted roster and some against it, so the optimum is not the planted roster and costs something.

Sizes and densities vary around the benchmark's mid-size instances (Instance6 to Instance19): 14 to 84
days, 8 to 60 staff, 1 to 6 shift types. `family(seed, n)` draws `n` such instances; `generate(...)`
builds one with explicit sizes. Pure Python (no Django), like the rest of the engine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .curtois import parse_curtois
from .model import RosterInput

# Shift types as the benchmark's files use them: an id, a start (for the successions only) and a length.
SHIFT_POOL = [("E", 6 * 60, 480), ("D", 8 * 60, 480), ("L", 14 * 60, 480), ("N", 22 * 60, 480),
              ("M", 7 * 60, 600), ("A", 12 * 60, 600), ("T", 9 * 60, 720), ("S", 20 * 60, 720)]


@dataclass(frozen=True)
class Spec:
    """What an instance looks like, before it is drawn."""

    name: str
    seed: int
    days: int  # a whole number of weeks
    staff: int
    shift_types: int
    request_density: float = 0.25  # requests per employee-day (on and off together)
    cover_noise: float = 0.25  # share of cover cells moved off the planted headcount
    rest_heavy: bool = False  # longer minimum rests and runs (the harder rule sets of the benchmark)


def family(seed: int, n: int = 12) -> list[Spec]:
    """`n` instance shapes around the benchmark's mid-size ones, drawn from `seed`."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        weeks = rng.choice([2, 4, 4, 6, 8, 12])
        staff = rng.randint(8, 60)
        types = rng.randint(1, 6)
        out.append(Spec(name=f"Gen{seed}_{i}", seed=rng.randrange(1 << 30), days=7 * weeks, staff=staff,
                        shift_types=types, request_density=round(rng.uniform(0.1, 0.5), 2),
                        cover_noise=round(rng.uniform(0.1, 0.5), 2), rest_heavy=rng.random() < 0.3))
    return out


def _successions(types: list[tuple[str, int, int]]) -> dict[str, set[str]]:
    """A shift may not be followed the next day by one that starts less than 11 hours after it ends."""
    out: dict[str, set[str]] = {}
    for sid, start, length in types:
        end = start + length
        out[sid] = {t for t, s2, _l in types if (24 * 60 + s2) - end < 11 * 60}
    return out


def _plant_row(rng: random.Random, days: int, ids: list[str], forbidden: dict[str, set[str]],
               work: tuple[int, int], rest: tuple[int, int], favourite: list[str]) -> list[str]:
    """One employee's planted roster: runs of work between `work` days long and rests of `rest` days."""
    row: list[str] = []
    working = rng.random() < 0.6
    while len(row) < days:
        if working:
            length = rng.randint(*work)
            shift = rng.choice(favourite)
            for _ in range(length):
                prev = row[-1] if row else ""
                if prev and shift in forbidden[prev]:
                    allowed = [s for s in ids if s not in forbidden[prev]]
                    if not allowed:
                        break
                    shift = rng.choice(allowed)
                row.append(shift)
                if rng.random() < 0.15:  # sometimes the run moves to another type
                    shift = rng.choice(favourite)
        else:
            row.extend([""] * rng.randint(*rest))
        working = not working
    return row[:days]


def _runs(row: list[str]) -> tuple[list[int], list[int]]:
    """Lengths of the work runs and of the rest runs that lie wholly inside the horizon."""
    work: list[int] = []
    rest: list[int] = []
    i = 0
    while i < len(row):
        j = i
        while j < len(row) and bool(row[j]) == bool(row[i]):
            j += 1
        if i > 0 and j < len(row):
            (work if row[i] else rest).append(j - i)
        i = j
    return work, rest


def generate(spec: Spec) -> str:
    """The instance `spec` describes, as the text of a benchmark file."""
    return _build(spec)[0]


def _build(spec: Spec) -> tuple[str, dict[str, list[str]]]:
    rng = random.Random(spec.seed)
    types = rng.sample(SHIFT_POOL, spec.shift_types)
    types.sort(key=lambda t: t[1])
    ids = [t[0] for t in types]
    lengths = {t[0]: t[2] for t in types}
    forbidden = _successions(types)
    weekends = spec.days // 7
    work_range = (3, 6) if spec.rest_heavy else (2, 5)
    rest_range = (2, 4) if spec.rest_heavy else (1, 3)

    staff_lines, off_lines, rows = [], [], {}
    for e in range(spec.staff):
        eid = _name(e)
        favourite = rng.sample(ids, rng.randint(1, len(ids)))
        row = _plant_row(rng, spec.days, ids, forbidden, work_range, rest_range, favourite)
        rows[eid] = row
        counts = {s: row.count(s) for s in ids}
        maxima = "|".join(f"{s}={counts[s] + (rng.randint(0, 3) if counts[s] else 0)}" for s in ids)
        total = sum(lengths[s] for s in row if s)
        slack = max(lengths.values()) * rng.randint(1, 3)
        work_runs, rest_runs = _runs(row)
        run = [len(x) for x in "".join("x" if s else " " for s in row).split()]
        max_cons = max([*run, work_range[1]])
        min_cons = min([*work_runs, work_range[0]])
        min_off = min([*rest_runs, rest_range[0]])
        worked_weekends = sum(1 for w in range(weekends) if row[7 * w + 5] or row[7 * w + 6])
        max_weekends = min(weekends, worked_weekends + rng.randint(0, 1))
        staff_lines.append(f"{eid},{maxima},{total + slack},{max(0, total - slack)},{max_cons},{min_cons},"
                           f"{min_off},{max_weekends}")
        free = [d for d, s in enumerate(row) if not s]
        if free:
            off_lines.append(f"{eid}," + ",".join(str(d) for d in sorted(rng.sample(free, min(len(free), rng.randint(1, 3))))))

    on_lines, off_req_lines = [], []
    for eid, row in rows.items():
        for d in range(spec.days):
            if rng.random() >= spec.request_density:
                continue
            agree = rng.random() < 0.6
            if row[d]:  # working in the planted roster
                if agree:
                    on_lines.append(f"{eid},{d},{row[d]},{rng.randint(1, 3)}")
                else:
                    off_req_lines.append(f"{eid},{d},{row[d]},{rng.randint(1, 3)}")
            elif not agree and _day_off(eid, d, off_lines) is False:
                on_lines.append(f"{eid},{d},{rng.choice(ids)},{rng.randint(1, 3)}")

    cover_lines = []
    for d in range(spec.days):
        for s in ids:
            n = sum(1 for row in rows.values() if row[d] == s)
            if rng.random() < spec.cover_noise:
                n = max(0, n + rng.choice([-2, -1, 1, 2]))
            cover_lines.append(f"{d},{s},{n},100,1")

    succ = {s: "|".join(t for t in ids if t in forbidden[s]) for s in ids}
    shifts = [f"{s},{lengths[s]},{succ[s]}" for s in ids]
    parts = [
        f"# generated by muster.rosters.solver.generate: {spec}",
        "SECTION_HORIZON", str(spec.days), "",
        "SECTION_SHIFTS", *shifts, "",
        "SECTION_STAFF", *staff_lines, "",
        "SECTION_DAYS_OFF", *off_lines, "",
        "SECTION_SHIFT_ON_REQUESTS", *on_lines, "",
        "SECTION_SHIFT_OFF_REQUESTS", *off_req_lines, "",
        "SECTION_COVER", *cover_lines, "",
    ]
    return "\n".join(parts), rows


def planted(spec: Spec) -> dict[str, list[str]]:
    """The roster the instance was built around (a feasible one, by construction)."""
    return _build(spec)[1]


def _day_off(eid: str, day: int, off_lines: list[str]) -> bool:
    """Whether `day` is a fixed day off of `eid` (an on-request there would only be noise)."""
    for line in off_lines:
        name, *days = line.split(",")
        if name == eid:
            return str(day) in days
    return False


def _name(i: int) -> str:
    """A, B, …, Z, AA, AB, … as the benchmark names its staff."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def load(spec: Spec) -> RosterInput:
    return parse_curtois(generate(spec), name=spec.name)
