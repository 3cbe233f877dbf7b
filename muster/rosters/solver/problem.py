"""Index-based view of a RosterInput, built once per solve.

The rules work on integers (employee e, day d, shift type s) rather than on ids;
this module does the translation and precomputes what several rules share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .model import Cover, RosterInput

OFF = -1


@dataclass
class CoverEntry:
    day: int
    shift: int
    requirement: int
    under_weight: int
    over_weight: int
    hard_min: int | None
    skills: dict[str, int]

    @classmethod
    def of(cls, c: Cover, s: int) -> CoverEntry:
        return cls(c.day, s, c.requirement, c.under_weight, c.over_weight, c.hard_min, dict(c.skills))


@dataclass
class Problem:
    inp: RosterInput
    E: int = 0
    D: int = 0
    S: int = 0
    emp_ids: list[str] = field(default_factory=list)
    shift_ids: list[str] = field(default_factory=list)
    emp_index: dict[str, int] = field(default_factory=dict)
    shift_index: dict[str, int] = field(default_factory=dict)
    length: list[int] = field(default_factory=list)
    night: list[bool] = field(default_factory=list)
    length_array: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cover: dict[tuple[int, int], CoverEntry] = field(default_factory=dict)
    # (e, d, s, weight)
    on_requests: list[tuple[int, int, int, int]] = field(default_factory=list)
    # (e, d, s or OFF for "any shift", weight)
    off_requests: list[tuple[int, int, int, int]] = field(default_factory=list)
    weekends: list[list[int]] = field(default_factory=list)
    weeks: list[list[int]] = field(default_factory=list)
    previous: np.ndarray | None = None  # E x D shift index, OFF, or -2 for "no previous"
    # static_allowed's answer, computed once per problem
    allowed: np.ndarray | None = field(default=None, repr=False, compare=False)
    # e -> shift index or OFF on the days before day 0, the day before last
    before: dict[int, list[int]] = field(default_factory=dict)
    # e -> shift index or OFF on the days after the last day, the first of them first
    after: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, inp: RosterInput) -> Problem:
        p = cls(inp=inp)
        p.E, p.D, p.S = len(inp.employees), inp.num_days, len(inp.shift_types)
        p.emp_ids = [e.id for e in inp.employees]
        p.shift_ids = [s.id for s in inp.shift_types]
        p.emp_index = {x: i for i, x in enumerate(p.emp_ids)}
        p.shift_index = {x: i for i, x in enumerate(p.shift_ids)}
        p.length = [s.length_minutes for s in inp.shift_types]
        p.night = [s.is_night for s in inp.shift_types]
        p.length_array = np.array(p.length, dtype=np.int64)
        for c in inp.cover:
            p.cover[(c.day, p.shift_index[c.shift])] = CoverEntry.of(c, p.shift_index[c.shift])
        # An on-request always names a shift (RosterInput refuses one without).
        p.on_requests = [(p.emp_index[r.employee], r.day, p.shift_index[r.shift], r.weight)
                         for r in inp.on_requests if r.weight and r.shift is not None]
        p.off_requests = [(p.emp_index[r.employee], r.day,
                           OFF if r.shift is None else p.shift_index[r.shift], r.weight)
                          for r in inp.off_requests if r.weight]
        weekends: dict[int, list[int]] = {}
        weeks: dict[int, list[int]] = {}
        for d in range(p.D):
            w = inp.weekend_of(d)
            if w is not None:
                weekends.setdefault(w, []).append(d)
            weeks.setdefault(inp.week_of(d), []).append(d)
        p.weekends = [weekends[k] for k in sorted(weekends)]
        p.weeks = [weeks[k] for k in sorted(weeks)]
        if inp.previous is not None:
            prev = np.full((p.E, p.D), -2, dtype=np.int32)
            for eid, days in inp.previous.assignments.items():
                for d, sid in enumerate(days[: p.D]):
                    prev[p.emp_index[eid], d] = p.shift_index[sid] if sid else OFF
            p.previous = prev
        for eid, days in inp.before.items():
            if any(days):
                p.before[p.emp_index[eid]] = [p.shift_index[sid] if sid else OFF for sid in days]
        for eid, days in inp.after.items():
            if any(days):
                p.after[p.emp_index[eid]] = [p.shift_index[sid] if sid else OFF for sid in days]
        return p

    def run_before(self, e: int, night: bool = False) -> int:
        """Days in a row employee e worked (or worked nights) up to the day before day 0."""
        n = 0
        for s in reversed(self.before.get(e, ())):
            if s == OFF or (night and not self.night[s]):
                break
            n += 1
        return n

    def run_after(self, e: int, night: bool = False) -> int:
        """Days in a row employee e works (or works nights) from the day after the last day."""
        n = 0
        for s in self.after.get(e, ()):
            if s == OFF or (night and not self.night[s]):
                break
            n += 1
        return n

    def available_prefix(self, e: int) -> list[int]:
        """avail[t]: days before t that employee e is not declared off."""
        cache = self.__dict__.setdefault("_avail", {})
        if e not in cache:
            off = set(self.inp.employees[e].days_off)
            acc = [0]
            for d in range(self.D):
                acc.append(acc[-1] + (d not in off))
            cache[e] = acc
        return cache[e]

    # --- conversions between the id-based roster and the index array

    def to_array(self, roster: dict[str, list[str]]) -> np.ndarray:
        a = np.full((self.E, self.D), OFF, dtype=np.int32)
        for eid, days in roster.items():
            e = self.emp_index[eid]
            for d, sid in enumerate(days[: self.D]):
                a[e, d] = self.shift_index[sid] if sid else OFF
        return a

    def to_roster(self, a: np.ndarray) -> dict[str, list[str]]:
        return {eid: [self.shift_ids[s] if s >= 0 else "" for s in a[e].tolist()]
                for e, eid in enumerate(self.emp_ids)}

    def shift_label(self, s: int) -> str:
        st = self.inp.shift_types[s]
        name = st.name or st.id
        # Benchmarks give no clock times (every shift "starts" at midnight).
        if any(t.start_minute for t in self.inp.shift_types):
            return f"{name} {st.clock()}"
        return name

    def emp_label(self, e: int) -> str:
        return self.inp.employees[e].label
