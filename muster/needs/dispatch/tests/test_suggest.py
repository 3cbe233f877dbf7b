import pytest

from muster.needs.dispatch import Need, PeopleIndex, suggest
from muster.needs.dispatch.validate import eligible

from .helpers import instance, load_cost, need, pair_cost, person, random_instance


def brute(inst, nd, k):
    ranked = []
    for i, ps in enumerate(inst.people):
        ok, m, _ = eligible(nd, ps, inst.max_km)
        if ok:
            ranked.append((pair_cost(inst, nd, ps, m) + load_cost(inst, ps, 0), m, i, ps.id))
    return [(pid, m, c) for c, m, _, pid in sorted(ranked)[:k]]


@pytest.mark.parametrize("seed", range(4))
def test_suggestions_are_the_cheapest_eligible_people(seed):
    inst = random_instance(400 + seed, n_needs=15, n_people=300, span_m=6000, max_km=2.5, terms=seed % 2 == 1)
    idx = PeopleIndex.build(inst.people, inst.max_km)
    for nd in inst.needs:
        got = [(s.person, s.m, s.cost) for s in suggest(nd, idx, k=7, weights=inst.weights)]
        assert got == brute(inst, nd, 7)


def test_issue_shape_and_reason():
    inst = instance([], [person("p1", east_m=1200, skills=["medical"], load=2), person("p2", east_m=300)])
    idx = PeopleIndex.build(inst.people, 5)
    nd = Need.model_validate(need("new", skills=["medical"]))
    [s] = suggest(nd, idx)
    assert s.model_dump() == {"person": "p1", "m": 1200, "cost": 1200 + 2000,
                              "reason": "1.2 km, has medical, 2 shifts this week"}


def test_k_exclude_and_radius():
    inst = instance([], [person(f"p{i}", east_m=100 * i) for i in range(40)])
    idx = PeopleIndex.build(inst.people, 5)
    nd = Need.model_validate(need("new"))
    assert [s.person for s in suggest(nd, idx, k=3)] == ["p0", "p1", "p2"]
    assert [s.person for s in suggest(nd, idx, k=3, exclude={"p0", "p2", "nobody"})] == ["p1", "p3", "p4"]
    assert len(suggest(nd, idx, k=100)) == 40
    assert len(suggest(nd, idx, k=100, max_km=1.05)) == 11
    assert suggest(nd, idx, k=0) == []


def test_need_nobody_can_fill_gets_no_suggestions():
    idx = PeopleIndex.build(instance([], [person("p1", skills=["car"])]).people, 5)
    assert suggest(Need.model_validate(need("new", skills=["diving"])), idx) == []
    assert suggest(Need.model_validate(need("late", start=20, end=22)), idx) == []


def test_index_over_no_people():
    idx = PeopleIndex.build([], 5)
    assert suggest(Need.model_validate(need("new")), idx) == []
