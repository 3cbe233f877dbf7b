"""The instance generator the engine is tuned on: deterministic, in the benchmark's format, always feasible."""

from __future__ import annotations

from muster.rosters.solver.curtois import parse_curtois
from muster.rosters.solver.generate import LARGE_CELLS, Spec, family, generate, large_family, load, planted
from muster.rosters.solver.validate import validate


def test_a_family_spans_the_mid_size_benchmark_shapes_and_is_the_same_for_the_same_seed():
    specs = family(3, 40)
    assert specs == family(3, 40) and specs != family(4, 40)
    assert {s.days % 7 for s in specs} == {0}
    assert 14 <= min(s.days for s in specs) and max(s.days for s in specs) <= 84
    assert 8 <= min(s.staff for s in specs) and max(s.staff for s in specs) <= 60
    assert {s.shift_types for s in specs} <= set(range(1, 7)) and len({s.shift_types for s in specs}) > 3
    assert generate(specs[0]) == generate(specs[0])


def test_every_generated_instance_parses_and_its_planted_roster_keeps_every_hard_rule():
    for spec in family(11, 30):
        inp = parse_curtois(generate(spec), name=spec.name)
        assert inp.num_days == spec.days and len(inp.employees) == spec.staff
        assert len(inp.shift_types) == spec.shift_types
        assert inp.cover and (inp.on_requests or inp.off_requests)
        report = validate(inp, planted(spec))
        assert report.valid, (spec, [v.message for v in report.violations][:3])


def test_the_successions_forbid_too_short_a_rest_between_days():
    inp = load(Spec(name="t", seed=5, days=14, staff=10, shift_types=6))
    by_id = {s.id: s for s in inp.shift_types}
    night = next((s for s in inp.shift_types if s.id in ("N", "S")), None)
    if night is not None:  # a night shift may not be followed by an early one
        assert any(t in night.forbidden_successors for t in by_id if t in ("E", "M", "D"))
    early = next(s for s in inp.shift_types)
    assert early.id not in early.forbidden_successors  # the same early shift again is a full day's rest


def test_the_large_family_reaches_the_benchmark_s_larger_shapes_within_its_staff_days():
    specs = large_family(5, 40)
    assert specs == large_family(5, 40) and specs != large_family(6, 40)
    assert all(s.staff * s.days <= LARGE_CELLS for s in specs)
    assert max(s.staff for s in specs) > 100 and max(s.shift_types for s in specs) > 8
    assert all(s.name.startswith("Big5_") for s in specs)


def test_more_than_eight_shift_types_are_drawn_and_their_planted_roster_is_valid():
    spec = Spec(name="t18", seed=3, days=28, staff=30, shift_types=18)
    inp = load(spec)
    ids = [s.id for s in inp.shift_types]
    assert len(ids) == len(set(ids)) == 18
    report = validate(inp, planted(spec))
    assert report.valid, [v.message for v in report.violations][:3]
