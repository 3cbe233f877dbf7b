"""Instances in the Curtois & Qu format, generated from a seed: the engine is tuned on these, never on the
shared benchmark files, so that a setting that helps here is a setting that generalises.

Each instance is built around a *planted* roster: every employee's weeks are drawn first (runs of work and
rest, shift types that respect the successions), then the employee's hard limits are set so that the planted
roster keeps all of them, with some slack. An instance is therefore always feasible. Cover is the planted
headcount with noise, and shift-on/off requests are sprinkled at a chosen density, some agreeing with the
planted roster and some against it, so the optimum is not the planted roster and costs something.

Sizes and densities vary around the benchmark's mid-size instances (Instance6 to Instance19): 14 to 84
days, 8 to 60 staff, 1 to 6 shift types. `family(seed, n)` draws `n` such instances, `large_family(seed, n)`
as many of the larger kind (up to 120 staff and 18 shift types); `generate(...)` builds one with explicit
sizes. Pure Python (no Django), like the rest of the engine.
"""

from __future__ import annotations

import random
import statistics
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


LARGE_CELLS = 3600  # most staff x days in a large instance (the benchmark's largest below the year-long)


def large_family(seed: int, n: int = 8) -> list[Spec]:
    """`n` instance shapes of the benchmark's larger kind (Instance13 to Instance19): up to 120 staff,
    up to 18 shift types or up to 12 weeks, never more than `LARGE_CELLS` staff-days, drawn from
    `seed`. Named Big<seed>_<i>; tuned on like `family`, never on the shared files."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        while True:
            weeks = rng.choice([4, 4, 6, 8, 12])
            staff = rng.randint(30, 120)
            if staff * weeks * 7 <= LARGE_CELLS:
                break
        types = rng.randint(3, 18 if weeks <= 4 else 8)
        out.append(Spec(name=f"Big{seed}_{i}", seed=rng.randrange(1 << 30), days=7 * weeks, staff=staff,
                        shift_types=types, request_density=round(rng.uniform(0.1, 0.5), 2),
                        cover_noise=round(rng.uniform(0.1, 0.5), 2), rest_heavy=rng.random() < 0.3))
    return out


def _pool(k: int) -> list[tuple[str, int, int]]:
    """The shift types to draw `k` from: the benchmark's eight, and past eight (Instance13 has 18)
    variants of them starting half an hour or an hour later, as a large hospital's rota has."""
    if k <= len(SHIFT_POOL):
        return SHIFT_POOL
    extra = [(f"{sid}{j}", start + 30 * j, length) for j in (1, 2) for sid, start, length in SHIFT_POOL]
    return SHIFT_POOL + extra


def _successions(types: list[tuple[str, int, int]]) -> dict[str, set[str]]:
    """As in the benchmark's files: a shift may not be followed the next day by one that starts earlier
    (types are sorted by start), so a run of work only moves later in the day."""
    return {sid: {t for t, s2, _l in types if s2 < start} for sid, start, _length in types}


def _plant_row(rng: random.Random, days: int, qualified: list[str], caps: dict[str, int],
               forbidden: dict[str, set[str]], work: tuple[int, int], rest: tuple[int, int]) -> list[str]:
    """One employee's planted roster: runs of work `work` days long between rests of `rest` days, each
    run's shifts never moving earlier in the day, no type beyond its cap."""
    row: list[str] = []
    used = dict.fromkeys(qualified, 0)
    working = rng.random() < 0.6
    while len(row) < days:
        if working:
            choices = [s for s in qualified if used[s] < caps[s]]
            shift = rng.choice(choices) if choices else ""
            for _ in range(rng.randint(*work)):
                prev = row[-1] if row else ""
                if not shift or used[shift] >= caps[shift] or (prev and shift in forbidden[prev]):
                    later = [s for s in qualified if used[s] < caps[s] and not (prev and s in forbidden[prev])]
                    if not later:
                        break
                    shift = rng.choice(later)
                row.append(shift)
                used[shift] += 1
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
    """Draw the instance: its rules shaped like the benchmark's (qualified types, caps, workload between
    a minimum and a maximum, run lengths, weekends), a planted roster that keeps them, then cover set
    from the staff's capacity (not from the planted roster) and requests."""
    rng = random.Random(spec.seed)
    types = sorted(rng.sample(_pool(spec.shift_types), spec.shift_types), key=lambda t: t[1])
    ids = [t[0] for t in types]
    lengths = {t[0]: t[2] for t in types}
    forbidden = _successions(types)
    weekends = spec.days // 7
    # The instance's house rules, as the benchmark gives one set to (nearly) everyone.
    max_cons = rng.randint(4, 6) + (1 if spec.rest_heavy else 0)
    min_cons = rng.randint(1, 3) if not spec.rest_heavy else 3
    min_off = rng.randint(1, 2) + (1 if spec.rest_heavy else 0)
    share = rng.uniform(0.55, 0.68)  # of the days worked at most
    max_weekends_rule = max(1, round(weekends * rng.uniform(0.4, 0.75)))

    staff_lines: list[str] = []
    off_lines: list[str] = []
    on_lines: list[str] = []
    off_req_lines: list[str] = []
    rows: dict[str, list[str]] = {}
    capacity = 0.0
    for e in range(spec.staff):
        eid = _name(e)
        qualified = [s for s in ids if rng.random() < 0.7] or [rng.choice(ids)]
        caps = {s: spec.days for s in qualified}
        for s in qualified:
            if len(qualified) > 1 and rng.random() < 0.3:
                caps[s] = rng.randint(2, max(2, spec.days // 3))
        length = statistics.mean([lengths[s] for s in qualified])
        max_total = round(round(spec.days * share) * length)
        min_total = round(max_total - rng.randint(1, 3) * length)
        best = None
        for _try in range(60):
            row = _plant_row(rng, spec.days, qualified, caps, forbidden, (min_cons, max_cons), (min_off, min_off + 3))
            total = sum(lengths[s] for s in row if s)
            worked_weekends = sum(1 for w in range(weekends) if row[7 * w + 5] or row[7 * w + 6])
            miss = max(0, min_total - total) + max(0, total - max_total) + 480 * max(0, worked_weekends - max_weekends_rule)
            if best is None or miss < best[0]:
                best = (miss, row, total, worked_weekends)
            if not miss:
                break
        assert best is not None
        _miss, row, total, worked_weekends = best
        rows[eid] = row
        # Where the planted roster could not meet the house rule exactly, this employee's limit gives way.
        lo, hi = min(min_total, total), max(max_total, total)
        work_runs, rest_runs = _runs(row)
        run = [len(x) for x in "".join("x" if s else " " for s in row).split()]
        maxima = "|".join(f"{s}={caps.get(s, 0) if s in qualified else 0}" for s in ids)
        staff_lines.append(f"{eid},{maxima},{hi},{lo},{max([*run, max_cons])},{min([*work_runs, min_cons])},"
                           f"{min([*rest_runs, min_off])},{max(max_weekends_rule, worked_weekends)}")
        capacity += (lo + hi) / 2 / length
        free = [d for d, s in enumerate(row) if not s]
        fixed = sorted(rng.sample(free, min(len(free), rng.randint(0, 2)))) if free else []
        if fixed:
            off_lines.append(f"{eid}," + ",".join(map(str, fixed)))
        # Requests: mostly to work a shift, some to be off; some agree with the planted roster, most do not.
        for d in range(spec.days):
            if rng.random() >= spec.request_density or d in fixed:
                continue
            if rng.random() < 0.75:
                on_lines.append(f"{eid},{d},{rng.choice(qualified)},{rng.randint(1, 3)}")
            else:
                off_req_lines.append(f"{eid},{d},{row[d] or rng.choice(qualified)},{rng.randint(1, 3)}")

    # Cover from the staff's capacity: a weekday/weekend profile and a share per type, with noise, so
    # that under- and over-cover both cost (weights 100 and 1, as in the benchmark).
    weight = {s: rng.uniform(0.5, 1.5) for s in ids}
    per_day = capacity / spec.days * rng.uniform(0.9, 1.15)
    cover_lines = []
    for d in range(spec.days):
        day = per_day * (0.8 if d % 7 >= 5 else 1.05)
        for s in ids:
            mean = day * weight[s] / sum(weight.values())
            n = max(0, round(rng.gauss(mean, spec.cover_noise * mean)))
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
