"""Hypothesis strategies: small random roster inputs touching every rule."""

from __future__ import annotations

from hypothesis import strategies as st

from muster.rosters.solver import RosterInput

STARTS = [0, 6 * 60, 8 * 60, 14 * 60, 22 * 60]
LENGTHS = [240, 480, 600]


@st.composite
def roster_inputs(draw, max_employees: int = 4, max_days: int = 9, max_shifts: int = 3) -> RosterInput:
    n_days = draw(st.integers(2, max_days))
    n_shifts = draw(st.integers(1, max_shifts))
    n_emps = draw(st.integers(1, max_employees))
    sids = [f"S{i}" for i in range(n_shifts)]
    shifts = []
    for sid in sids:
        shifts.append({
            "id": sid, "start_minute": draw(st.sampled_from(STARTS)), "length_minutes": draw(st.sampled_from(LENGTHS)),
            "forbidden_successors": draw(st.lists(st.sampled_from(sids), unique=True, max_size=2)),
        })
    maybe = st.booleans()
    emps = []
    for i in range(n_emps):
        e: dict = {"id": f"E{i}"}
        if draw(maybe):
            e["max_shifts"] = {draw(st.sampled_from(sids)): draw(st.integers(0, 3))}
        if draw(maybe):
            e["min_total_minutes"] = draw(st.integers(0, 3)) * 480
        if draw(maybe):
            e["max_total_minutes"] = draw(st.integers(1, 6)) * 480
        if draw(maybe):
            e["max_consecutive_shifts"] = draw(st.integers(1, 4))
        e["min_consecutive_shifts"] = draw(st.integers(1, 3))
        e["min_consecutive_days_off"] = draw(st.integers(1, 3))
        if draw(maybe):
            e["max_weekends"] = draw(st.integers(0, 2))
        e["days_off"] = draw(st.lists(st.integers(0, n_days - 1), unique=True, max_size=3))
        if draw(maybe):
            e["skills"] = ["medic"]
        if draw(maybe):
            e["age"] = draw(st.integers(20, 80))
        e["night_ok"] = draw(st.booleans()) or draw(st.booleans())
        if draw(st.integers(0, 4)) == 0:
            e["max_minutes_per_day"] = draw(st.sampled_from([240, 480]))
        if draw(st.integers(0, 4)) == 0:
            e["max_minutes_per_week"] = draw(st.integers(1, 4)) * 480
        if draw(st.integers(0, 4)) == 0:
            e["min_rest_minutes"] = draw(st.sampled_from([8 * 60, 11 * 60, 16 * 60]))
        emps.append(e)
    eids = [e["id"] for e in emps]
    cells = st.tuples(st.integers(0, n_days - 1), st.sampled_from(sids))
    cover = []
    for d, s in draw(st.lists(cells, unique=True, max_size=6)):
        c = {"day": d, "shift": s, "requirement": draw(st.integers(0, 3)),
             "under_weight": draw(st.sampled_from([0, 1, 100])), "over_weight": draw(st.sampled_from([0, 1, 5]))}
        if draw(st.integers(0, 3)) == 0:
            c["hard_min"] = draw(st.integers(0, 2))
        if draw(st.integers(0, 5)) == 0:
            c["skills"] = {"medic": 1}
        cover.append(c)

    def requests(shift_required: bool):
        out = []
        for _ in range(draw(st.integers(0, 3))):
            r = {"employee": draw(st.sampled_from(eids)), "day": draw(st.integers(0, n_days - 1)),
                 "weight": draw(st.integers(1, 3))}
            if shift_required or draw(maybe):
                r["shift"] = draw(st.sampled_from(sids))
            out.append(r)
        return out

    extra: dict = {"start_weekday": draw(st.integers(0, 6))}
    if draw(st.integers(0, 3)) == 0:
        extra["previous"] = {"assignments": {eids[0]: draw(st.lists(st.sampled_from(sids + [""]), min_size=n_days,
                                                                      max_size=n_days))},
                             "change_weight": draw(st.integers(1, 3))}
    if draw(st.integers(0, 2)) == 0:
        # the days just before the roster, for some of the people
        extra["before"] = {e: draw(st.lists(st.sampled_from(sids + [""]), min_size=1, max_size=4))
                           for e in eids if draw(st.booleans())}
    if draw(st.integers(0, 2)) == 0:
        extra["after"] = {e: draw(st.lists(st.sampled_from(sids + [""]), min_size=1, max_size=4))
                          for e in eids if draw(st.booleans())}
    if n_emps >= 2 and draw(st.integers(0, 3)) == 0:
        extra["pairs"] = [{"employees": [eids[0], eids[1]], "weight": draw(st.integers(1, 3))}]
    if draw(st.integers(0, 3)) == 0:
        extra["fairness"] = [{"kind": draw(st.sampled_from(["night", "weekend"])), "weight": draw(st.integers(1, 3))}]
    if draw(st.integers(0, 3)) == 0:
        extra["min_rest_minutes"] = draw(st.sampled_from([8 * 60, 11 * 60]))
    if draw(st.integers(0, 3)) == 0:
        extra["no_night_over_age"] = draw(st.sampled_from([50, 70]))
    if draw(st.integers(0, 3)) == 0:
        extra["night_needs_age_at_most"] = draw(st.sampled_from([40, 60]))
    return RosterInput.model_validate({
        "num_days": n_days, "shift_types": shifts, "employees": emps, "cover": cover,
        "on_requests": requests(True), "off_requests": requests(False), **extra,
    })


@st.composite
def rosters_for(draw, inp: RosterInput) -> dict[str, list[str]]:
    choices = [""] + [s.id for s in inp.shift_types]
    return {e.id: draw(st.lists(st.sampled_from(choices), min_size=inp.num_days, max_size=inp.num_days))
            for e in inp.employees}
