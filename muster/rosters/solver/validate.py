"""Solver-agnostic validator.

Given an input and a roster (however produced: CP-SAT, a heuristic, a
coordinator's hand edits), list every hard rule broken, in words, and
recompute the objective from scratch. It deliberately shares no code with the
CP-SAT rules so that each checks the other.
"""

from __future__ import annotations

from collections import defaultdict

from .model import Roster, RosterInput
from .result import Penalty, PenaltyItem, ValidationReport, Violation

DAY = 24 * 60


def _runs(days: list[bool]) -> list[tuple[bool, int, int]]:
    """(working?, first day, length) of each maximal run."""
    runs = []
    start = 0
    for d in range(1, len(days) + 1):
        if d == len(days) or days[d] != days[start]:
            runs.append((days[start], start, d - start))
            start = d
    return runs


def _h(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h" if not m else f"{h} h {m:02d}"


def _may_take(inp: RosterInput, emp, shift, day: int) -> bool:
    """Whether a single assignment is allowed by the rules about that one cell."""
    if day in emp.days_off:
        return False
    if emp.max_shifts.get(shift.id, 1) == 0:
        return False
    if emp.max_minutes_per_day is not None and shift.length_minutes > emp.max_minutes_per_day:
        return False
    if shift.is_night:
        if not emp.night_ok:
            return False
        if inp.no_night_over_age is not None and emp.age is not None and emp.age > inp.no_night_over_age:
            return False
    return True


def validate(inp: RosterInput, roster: Roster) -> ValidationReport:
    """Every hard rule the roster breaks, and its objective with a per-rule breakdown."""
    v: list[Violation] = []
    items: list[PenaltyItem] = []
    shifts = {s.id: s for s in inp.shift_types}
    H = inp.num_days

    def lab(d: int) -> str:
        # days before the roster (RosterInput.before) get negative indices
        if 0 <= d < H or inp.start_date is not None:
            return inp.day_label(d)
        if d >= H:
            n = d - H + 1
            return f"{inp.day_label(d).split(' (')[0]} ({n} day{'s' if n > 1 else ''} after the roster)"
        return f"{inp.day_label(d).split(' (')[0]} ({-d} day{'s' if d < -1 else ''} before the roster)"

    def bad(rule: str, msg: str, emp: str | None = None, day: int | None = None, shift: str | None = None) -> None:
        v.append(Violation(rule=rule, message=msg, employee=emp, day=day, shift=shift))

    def cost(rule: str, amount: int, msg: str, emp: str | None = None, day: int | None = None, *,
             shift: str | None = None, **facts: int | str) -> None:
        if amount:
            items.append(PenaltyItem(rule=rule, amount=amount, message=msg, employee=emp, day=day, shift=shift, facts=facts))

    # --- shape: every employee gets one entry per day, each a known shift or ""
    rows: dict[str, list[str]] = {}
    for emp in inp.employees:
        row = list(roster.get(emp.id, []))
        if emp.id not in roster:
            bad("shape", f"{emp.label} is missing from the roster", emp.id)
        elif len(row) != H:
            bad("shape", f"{emp.label} has {len(row)} days in the roster instead of {H}", emp.id)
        row = (row + [""] * H)[:H]
        for d, sid in enumerate(row):
            if sid and sid not in shifts:
                bad("shape", f"{emp.label} has an unknown shift '{sid}' on {lab(d)}", emp.id, d)
                row[d] = ""
        rows[emp.id] = row
    for eid in roster:
        if eid not in rows:
            bad("shape", f"unknown employee '{eid}' in the roster", eid)

    # --- hard rules, employee by employee
    for emp in inp.employees:
        row = rows[emp.id]
        name = emp.label
        prior = [s if s in shifts else "" for s in inp.before.get(emp.id, [])]
        B = len(prior)
        later = [s if s in shifts else "" for s in inp.after.get(emp.id, [])]
        for d in sorted(set(emp.days_off)):
            if row[d]:
                bad("days_off", f"{name} works {row[d]} on {lab(d)}, a day they cannot work", emp.id, d)
        counts: dict[str, int] = defaultdict(int)
        for sid in row:
            if sid:
                counts[sid] += 1
        for sid, limit in emp.max_shifts.items():
            if counts[sid] > limit:
                bad("shift_max", f"{name} works {counts[sid]} {sid} shifts, more than the {limit} allowed",
                    emp.id)
        for d, sid in enumerate(row):
            if not sid:
                continue
            st = shifts[sid]
            if emp.max_minutes_per_day is not None and st.length_minutes > emp.max_minutes_per_day:
                bad("day_minutes", f"{name} works {_h(st.length_minutes)} on {lab(d)}, more than "
                    f"{_h(emp.max_minutes_per_day)} a day", emp.id, d)
            if st.is_night and not emp.night_ok:
                bad("night_consent", f"{name} is on night shift {sid} on {lab(d)} but does not do nights",
                    emp.id, d)
            if (st.is_night and inp.no_night_over_age is not None and emp.age is not None
                    and emp.age > inp.no_night_over_age):
                bad("night_age", f"{name} ({emp.age}) is on night shift {sid} on {lab(d)}, "
                    f"over the age limit of {inp.no_night_over_age}", emp.id, d)
            if d + 1 < H and row[d + 1] and row[d + 1] in st.forbidden_successors:
                bad("succession", f"{name} works {row[d + 1]} on {lab(d + 1)} straight after {sid}",
                    emp.id, d + 1)
        if prior and prior[-1] and row and row[0] in shifts[prior[-1]].forbidden_successors:
            bad("succession", f"{name} works {row[0]} on {lab(0)} straight after {prior[-1]} the day before",
                emp.id, 0)
        if later and later[0] and row and row[-1] and later[0] in shifts[row[-1]].forbidden_successors:
            bad("succession", f"{name} works {row[-1]} on {lab(H - 1)} and {later[0]} the day after",
                emp.id, H - 1)
        rest = emp.min_rest_minutes if emp.min_rest_minutes is not None else inp.min_rest_minutes
        if rest:
            # the shifts before the roster count too
            worked = [(d - B, shifts[s]) for d, s in enumerate(prior + row + later) if s]
            for (d1, s1), (d2, s2) in zip(worked, worked[1:], strict=False):
                if d2 < 0 or d1 >= H:
                    continue
                gap = d2 * DAY + s2.start_minute - (d1 * DAY + s1.start_minute + s1.length_minutes)
                if gap < rest:
                    bad("min_rest", f"{name} has only {_h(max(gap, 0))} of rest between {s1.id} on {lab(d1)} "
                        f"and {s2.id} on {lab(d2)} (needs {_h(rest)})", emp.id, d2)
        total = sum(shifts[s].length_minutes for s in row if s)
        if total < emp.min_total_minutes:
            bad("min_minutes", f"{name} works {_h(total)} in total, less than the minimum "
                f"{_h(emp.min_total_minutes)}", emp.id)
        if emp.max_total_minutes is not None and total > emp.max_total_minutes:
            bad("max_minutes", f"{name} works {_h(total)} in total, more than the maximum "
                f"{_h(emp.max_total_minutes)}", emp.id)
        working = [bool(s) for s in row]
        for is_work, start, length in _runs([bool(s) for s in prior] + working + [bool(s) for s in later]):
            start -= B
            if (is_work and start + length > 0 and start < H and emp.max_consecutive_shifts is not None
                    and length > emp.max_consecutive_shifts):
                bad("max_consecutive", f"{name} works {length} days in a row from {lab(start)}, more than "
                    f"{emp.max_consecutive_shifts}", emp.id, max(start, 0))
        for is_work, start, length in _runs(working):
            end = start + length - 1
            inside = start > 0 and end < H - 1
            if is_work and inside and length < emp.min_consecutive_shifts:
                bad("min_consecutive", f"{name} works only {length} day(s) in a row from {lab(start)}, "
                    f"fewer than {emp.min_consecutive_shifts}", emp.id, start)
            if not is_work and inside and length < emp.min_consecutive_days_off:
                bad("min_days_off", f"{name} has only {length} day(s) off in a row from {lab(start)}, "
                    f"fewer than {emp.min_consecutive_days_off}", emp.id, start)
        if emp.max_consecutive_nights is not None:
            nights = [bool(s) and shifts[s].is_night for s in prior + row + later]
            for is_night, start, length in _runs(nights):
                start -= B
                if is_night and start + length > 0 and start < H and length > emp.max_consecutive_nights:
                    bad("max_nights", f"{name} works {length} nights in a row from {lab(start)}, more than "
                        f"{emp.max_consecutive_nights}", emp.id, max(start, 0))
        weekends = {inp.weekend_of(d) for d in range(H) if working[d] and inp.weekday(d) >= 5}
        if emp.max_weekends is not None and len(weekends) > emp.max_weekends:
            bad("max_weekends", f"{name} works {len(weekends)} weekends, more than {emp.max_weekends}", emp.id)
        if emp.max_minutes_per_week is not None:
            weeks: dict[int, int] = defaultdict(int)
            for d, s in enumerate(row):
                if s:
                    weeks[inp.week_of(d)] += shifts[s].length_minutes
            for w, minutes in sorted(weeks.items()):
                if minutes > emp.max_minutes_per_week:
                    first = max(0, w * 7 - inp.start_weekday)
                    bad("week_minutes", f"{name} works {_h(minutes)} in the week of {lab(first)}, more than "
                        f"{_h(emp.max_minutes_per_week)}", emp.id, first)

    # --- hard rules per day and shift
    on_shift: dict[tuple[int, str], list] = defaultdict(list)
    for emp in inp.employees:
        for d, sid in enumerate(rows[emp.id]):
            if sid:
                on_shift[(d, sid)].append(emp)
    for c in inp.cover:
        people = on_shift[(c.day, c.shift)]
        if c.hard_min is not None and len(people) < c.hard_min:
            bad("cover_min", f"{lab(c.day)} {c.shift} has {len(people)} people, fewer than the required "
                f"{c.hard_min}", day=c.day, shift=c.shift)
        for skill, need in c.skills.items():
            have = sum(1 for e in people if skill in e.skills)
            if have < need:
                bad("cover_skill", f"{lab(c.day)} {c.shift} has {have} people with '{skill}', needs {need}",
                    day=c.day, shift=c.shift)
    if inp.night_needs_age_at_most is not None:
        limit = inp.night_needs_age_at_most
        for (d, sid), people in sorted(on_shift.items()):
            if people and shifts[sid].is_night and not any(e.age is not None and e.age <= limit for e in people):
                bad("night_mix", f"{lab(d)} night shift {sid} has nobody aged {limit} or under", day=d, shift=sid)

    # --- objective
    for c in inp.cover:
        n = len(on_shift[(c.day, c.shift)])
        if n < c.requirement:
            cost("cover", (c.requirement - n) * c.under_weight,
                 f"{lab(c.day)} {c.shift}: {c.requirement - n} short of {c.requirement}", day=c.day,
                 shift=c.shift, short=c.requirement - n, required=c.requirement)
        elif n > c.requirement:
            cost("cover", (n - c.requirement) * c.over_weight,
                 f"{lab(c.day)} {c.shift}: {n - c.requirement} more than {c.requirement}", day=c.day,
                 shift=c.shift, over=n - c.requirement, required=c.requirement)
    emp_by_id = {e.id: e for e in inp.employees}
    for r in inp.on_requests:
        if rows[r.employee][r.day] != r.shift:
            cost("on_requests", r.weight, f"{emp_by_id[r.employee].label} asked to work {r.shift} on "
                 f"{lab(r.day)}", r.employee, r.day, shift=r.shift)
    for r in inp.off_requests:
        got = rows[r.employee][r.day]
        if got and (r.shift is None or got == r.shift):
            what = "the day" if r.shift is None else r.shift
            cost("off_requests", r.weight, f"{emp_by_id[r.employee].label} asked to be off {what} on "
                 f"{lab(r.day)}", r.employee, r.day, shift=r.shift)
    if inp.previous is not None and inp.previous.change_weight:
        for eid, before in inp.previous.assignments.items():
            for d, sid in enumerate(before[:H]):
                if rows[eid][d] != sid:
                    cost("changes", inp.previous.change_weight, f"{emp_by_id[eid].label} on {lab(d)}: "
                         f"{sid or 'off'} -> {rows[eid][d] or 'off'}", eid, d, was=sid, now=rows[eid][d])
    for pair in inp.pairs:
        a, b = pair.employees
        for d in range(H):
            for sid in {rows[a][d], rows[b][d]} - {""}:
                if (rows[a][d] == sid) != (rows[b][d] == sid):
                    cost("pairs", pair.weight, f"{emp_by_id[a].label} and {emp_by_id[b].label} apart on "
                         f"{lab(d)} {sid}", a, d, shift=sid, other=b)
    for f in inp.fairness:
        if not f.weight:
            continue
        if f.employees is not None:
            group = [emp_by_id[x] for x in f.employees]
        elif f.kind == "night":
            group = [e for e in inp.employees
                     if any(_may_take(inp, e, s, d) for s in inp.shift_types if s.is_night for d in range(H))]
        else:
            group = [e for e in inp.employees
                     if any(_may_take(inp, e, s, d) for s in inp.shift_types
                            for d in range(H) if inp.weekday(d) >= 5)]
        if len(group) < 2:
            continue
        if f.kind == "night":
            shares = [sum(1 for s in rows[e.id] if s and shifts[s].is_night) for e in group]
        else:
            shares = [len({inp.weekend_of(d) for d in range(H) if rows[e.id][d] and inp.weekday(d) >= 5})
                      for e in group]
        cost("fairness", f.weight * (max(shares) - min(shares)),
             f"{f.kind} shares range from {min(shares)} to {max(shares)}", kind=f.kind, low=min(shares), high=max(shares))

    by_rule: dict[str, list[int]] = {}
    for it in items:
        by_rule.setdefault(it.rule, []).append(it.amount)
    penalties = [Penalty(rule=r, amount=sum(a), count=len(a)) for r, a in by_rule.items()]
    return ValidationReport(violations=v, objective=sum(it.amount for it in items), penalties=penalties,
                            items=items)


def objective(inp: RosterInput, roster: Roster) -> int:
    return validate(inp, roster).objective
