"""Property tests: every proposal passes the validator; the optimum beats the baseline."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muster.needs.dispatch import greedy, solve, validate

from .helpers import brute_force, instance, need, person, score

SKILLS = ["medical", "car"]
grid_m = st.integers(0, 4).map(lambda k: k * 600.0)  # coarse positions make ties common


@st.composite
def needs(draw, i):
    start = draw(st.sampled_from([0, 4, 8]))
    return need(f"n{i}", draw(grid_m), draw(grid_m), places=draw(st.integers(0, 3)),
                skills=draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=1)),
                start=start, end=start + draw(st.sampled_from([2, 4, 8])),
                region=draw(st.sampled_from([None, "r1", "r2"])),
                preferred_skills=draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=2)),
                affiliations=draw(st.sampled_from([[], [], ["party"], ["party", "agency"]])))


@st.composite
def people(draw, i):
    windows = []
    for _ in range(draw(st.integers(0, 2))):
        a = draw(st.sampled_from([0, 4, 8]))
        windows.append((a, a + draw(st.sampled_from([2, 4, 8, 16]))))
    return person(f"p{i}", draw(grid_m), draw(grid_m),
                  skills=draw(st.lists(st.sampled_from(SKILLS), unique=True)), windows=windows,
                  load=draw(st.sampled_from([None, 0, 1, 3])),
                  home_region=draw(st.sampled_from([None, "r1", "r2"])),
                  max_assignments=draw(st.sampled_from([1, 1, 2])),
                  affiliations=draw(st.sampled_from([[], ["party"], ["agency"]])))


@st.composite
def instances(draw, max_needs=4, max_people=6):
    n = draw(st.integers(0, max_needs))
    m = draw(st.integers(0, max_people))
    return instance([draw(needs(i)) for i in range(n)], [draw(people(i)) for i in range(m)],
                    max_km=draw(st.sampled_from([0.0, 1.0, 2.5, 6.0])),
                    weights=draw(st.sampled_from([{}, {"load": 0}, {"prefer_home": 700, "skill_fit": 250}])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_proposals_pass_the_validator_and_beat_the_baseline(inst):
    best, base = solve(inst), greedy(inst)
    assert validate(inst, best) == []
    assert validate(inst, base) == []
    assert best.filled >= base.filled
    if best.filled == base.filled and best.status == "optimal":
        assert best.cost <= base.cost


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_needs=3, max_people=4))
def test_optimum_equals_brute_force(inst):
    proposal = solve(inst)
    assert proposal.status == "optimal"
    assert score(proposal) == brute_force(inst)
