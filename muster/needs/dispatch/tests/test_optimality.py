"""The flow's optimum against independent solvers: brute force and the assignment LP."""

import pytest

from muster.needs.dispatch import flow, greedy, solve, solve_detailed, validate

from .helpers import brute_force, instance, lp_optimum, need, person, random_instance, score


def test_issue_example():
    inst = instance(
        [need("n1", places=3, skills=["medical"], start=7, end=12) | {"lat": 39.86, "lon": 116.42}],
        [person("p1", skills=["medical", "car"], windows=[(6, 18)]) | {"lat": 39.87, "lon": 116.41}])
    proposal = solve(inst)
    assert proposal.model_dump(include={"filled", "total_m"}) == {"filled": 1, "total_m": 1402}
    [a] = proposal.assignments
    assert (a.need, a.person, a.m, a.reason) == ("n1", "p1", 1402, "1.4 km, has medical")


def test_places_come_before_distance():
    # Nearest-first would give n1 the near person and leave n2 empty; the
    # optimum walks further so that both needs are covered.
    inst = instance(
        [need("n1"), need("n2", east_m=3000)],
        [person("near", east_m=100), person("far", east_m=-2500)], max_km=3.5)
    proposal = solve(inst)
    assert {(a.need, a.person) for a in proposal.assignments} == {("n1", "far"), ("n2", "near")}
    assert (proposal.filled, proposal.total_m) == (2, 2500 + 2900)
    assert greedy(inst).filled == 1


def test_among_full_proposals_the_shortest_total_wins():
    inst = instance([need("a"), need("b", east_m=1000)],
                    [person("x", east_m=900), person("y", east_m=100)])
    assert {(a.need, a.person) for a in solve(inst).assignments} == {("a", "y"), ("b", "x")}
    assert solve(inst).total_m == 200


@pytest.mark.parametrize("seed", range(20))
def test_matches_brute_force_on_tiny_instances(seed):
    inst = random_instance(seed, n_needs=3, n_people=5, span_m=4000, max_km=2.5, terms=seed % 2 == 1)
    proposal = solve(inst)
    assert validate(inst, proposal) == []
    assert score(proposal) == brute_force(inst)


@pytest.mark.parametrize("seed", range(12))
def test_matches_brute_force_with_several_needs_per_person(seed):
    # max_assignments > 1 and overlapping shifts: the flow alone may double-book.
    inst = random_instance(100 + seed, n_needs=3, n_people=4, span_m=3000, max_km=3, terms=seed % 3 == 0,
                           multi=True)
    proposal = solve(inst)
    assert validate(inst, proposal) == []
    assert proposal.status == "optimal"
    assert score(proposal) == brute_force(inst)


@pytest.mark.parametrize("seed", range(5))
def test_matches_the_assignment_lp_on_medium_instances(seed):
    inst = random_instance(200 + seed, n_needs=25, n_people=120, span_m=8000, max_km=3, terms=seed >= 2)
    proposal = solve(inst)
    assert validate(inst, proposal) == []
    assert score(proposal) == lp_optimum(inst)


@pytest.mark.parametrize("seed", range(5))
def test_pruned_arcs_are_priced_back_until_optimal(seed, monkeypatch):
    # Keep only one arc per need so that pricing has work to do.
    inst = random_instance(300 + seed, n_needs=30, n_people=150, span_m=6000, max_km=3, terms=seed % 2 == 0)
    exact, _ = solve_detailed(inst, prune=False)
    monkeypatch.setattr(flow, "default_keep", lambda places: places * 0 + 1)
    pruned, stats = solve_detailed(inst)
    assert stats.flow.proof == "pricing"
    assert stats.flow.rounds > 1 and stats.flow.arcs_solved < stats.arcs
    assert score(pruned) == score(exact) == lp_optimum(inst)
    assert validate(inst, pruned) == []


def test_falls_back_to_all_arcs_when_potentials_do_not_settle(monkeypatch):
    inst = random_instance(7, n_needs=20, n_people=100, span_m=6000, max_km=3)
    monkeypatch.setattr(flow, "default_keep", lambda places: places * 0 + 1)
    monkeypatch.setattr(flow, "_MAX_BELLMAN_FORD_PASSES", 1)
    proposal, stats = solve_detailed(inst)
    assert stats.flow.proof.startswith("fallback: potentials")
    assert stats.flow.arcs_solved == stats.arcs
    assert score(proposal) == lp_optimum(inst)


def test_falls_back_to_all_arcs_when_pricing_keeps_finding_arcs(monkeypatch):
    inst = random_instance(8, n_needs=20, n_people=100, span_m=6000, max_km=3)
    monkeypatch.setattr(flow, "default_keep", lambda places: places * 0 + 1)
    monkeypatch.setattr(flow, "_MAX_PRICING_ROUNDS", 1)
    proposal, stats = solve_detailed(inst)
    assert stats.flow.proof == "fallback: pricing rounds exhausted"
    assert score(proposal) == lp_optimum(inst)


def test_solution_is_deterministic():
    inst = random_instance(9, n_needs=20, n_people=80)
    assert solve(inst) == solve(inst)


def test_a_prebuilt_index_is_reused_only_for_its_own_people():
    from muster.needs.dispatch import PeopleIndex

    inst = random_instance(10, n_needs=5, n_people=30)
    index = PeopleIndex.build(inst.people, inst.max_km)
    assert solve(inst, index=index) == solve(inst)
    other = random_instance(11, n_needs=5, n_people=30)
    with pytest.raises(ValueError, match="not built from this instance's people"):
        solve(other, index=index)
