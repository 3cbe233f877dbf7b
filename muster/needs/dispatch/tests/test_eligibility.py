"""One test per eligibility rule, plus the spatial index against brute force."""

import numpy as np
import pytest

from muster.needs.dispatch import PeopleIndex, solve, validate
from muster.needs.dispatch.eligibility import eligible_arcs
from muster.needs.dispatch.geo import haversine_m
from muster.needs.dispatch.index import NeedTable
from muster.needs.dispatch.models import Instance

from .helpers import instance, need, person


def pairs(inst: Instance) -> set[tuple[str, str]]:
    """Eligible (need, person) pairs as the engine sees them."""
    idx = PeopleIndex.build(inst.people, inst.max_km)
    out: set[tuple[str, str]] = set()
    for span_table in (False, True):
        needs = NeedTable.build(inst.needs, idx, span_table=span_table)
        arcs = eligible_arcs(idx, needs, inst.max_km * 1000)
        got = {(needs.ids[j], idx.person(p).id) for p, j in zip(arcs.p.tolist(), arcs.j.tolist(), strict=True)}
        assert not out or got == out, "span table and binary search disagree"
        out = got
    return out


def test_person_must_hold_every_required_skill():
    inst = instance([need("n1", skills=["medical", "car"])],
                    [person("both", skills=["car", "medical", "data"]), person("one", skills=["medical"]),
                     person("none")])
    assert pairs(inst) == {("n1", "both")}


def test_skill_nobody_holds_leaves_the_need_empty():
    inst = instance([need("n1", skills=["diving"]), need("n2")], [person("p1", skills=["car"])])
    assert pairs(inst) == {("n2", "p1")}
    proposal = solve(inst)
    assert [u.model_dump() for u in proposal.unfilled] == [{"need": "n1", "open": 1}]


def test_one_window_must_cover_the_whole_need():
    inst = instance([need("n1", start=8, end=12)], [
        person("covers", windows=[(8, 12)]),
        person("late", windows=[(9, 13)]),
        person("early", windows=[(6, 11)]),
        # Two windows that only cover the need together do not count.
        person("split", windows=[(6, 10), (10, 14)]),
        person("second", windows=[(0, 2), (7, 13)]),
        person("nowhere", windows=[]),
    ])
    assert pairs(inst) == {("n1", "covers"), ("n1", "second")}


def test_windows_compare_instants_across_offsets():
    p = person("utc", windows=[])
    p["available"] = [["2020-06-19T23:00:00Z", "2020-06-20T04:00:00Z"]]  # 07:00-12:00 in Beijing
    inst = instance([need("n1", start=7, end=12)], [p])
    assert pairs(inst) == {("n1", "utc")}


def test_distance_just_over_max_km_is_out():
    inst = instance([need("n1")], [person("in", north_m=999.0), person("out", north_m=1001.0)], max_km=1.0)
    assert pairs(inst) == {("n1", "in")}


def test_boundary_is_decided_by_the_reported_haversine():
    nd, ps = need("n1"), person("p1", north_m=1500)
    d = float(haversine_m(ps["lat"], ps["lon"], nd["lat"], nd["lon"]))
    assert pairs(instance([nd], [ps], max_km=d / 1000)) == {("n1", "p1")}
    assert pairs(instance([nd], [ps], max_km=np.nextafter(d, 0) / 1000)) == set()


def test_zero_places_need_gets_no_one():
    inst = instance([need("n1", places=0)], [person("p1")])
    proposal = solve(inst)
    assert proposal.filled == 0 and proposal.assignments == [] and proposal.unfilled == []


def test_no_eligible_people():
    inst = instance([need("n1", places=2)], [person("far", north_m=9000)], max_km=5)
    proposal = solve(inst)
    assert (proposal.filled, proposal.total_m) == (0, 0)
    assert [u.open for u in proposal.unfilled] == [2]


def test_empty_instance():
    proposal = solve(instance([], []))
    assert proposal.filled == 0 and validate(instance([], []), proposal) == []


def test_affiliations_are_any_of():
    inst = instance([need("n1", affiliations=["party", "property_agency"]), need("n2")], [
        person("member", affiliations=["party"]), person("staff", affiliations=["property_agency", "x"]),
        person("outsider", affiliations=["x"]), person("none")])
    assert pairs(inst) == {("n1", "member"), ("n1", "staff"), ("n2", "member"), ("n2", "staff"),
                           ("n2", "outsider"), ("n2", "none")}


@pytest.mark.parametrize("seed", range(4))
def test_grid_finds_exactly_the_pairs_in_range_anywhere_on_earth(seed):
    rng = np.random.default_rng(seed)
    # Clusters at the poles, on the antimeridian and in Beijing, plus scattered points.
    centres = [(89.99, 0), (-89.99, 40), (0.0, 179.99), (0.0, -179.99), (39.9, 116.4)]
    pts = []
    for lat, lon in centres:
        pts += [(lat + rng.normal(0, 0.02), lon + rng.normal(0, 0.02)) for _ in range(40)]
    pts += [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(40)]
    pts = [(float(np.clip(a, -90, 90)), float((b + 180) % 360 - 180)) for a, b in pts]
    max_km = [0.5, 2.0, 3.0, 800.0][seed]
    people = [person(f"p{i}", windows=[(0, 24)]) | {"lat": a, "lon": b} for i, (a, b) in enumerate(pts)]
    needs = [need(f"n{i}") | {"lat": a, "lon": b} for i, (a, b) in enumerate(pts[::7])]
    inst = instance(needs, people, max_km)
    expected = {(n["id"], p["id"]) for n in needs for p in people
                if haversine_m(p["lat"], p["lon"], n["lat"], n["lon"]) <= max_km * 1000}
    assert pairs(inst) == expected


def test_index_built_for_one_radius_answers_another():
    people = [person(f"p{i}", north_m=300 * i) for i in range(30)]
    inst = instance([need("n1")], people, max_km=4.0)
    idx = PeopleIndex.build(inst.people, max_km=0.5)
    needs = NeedTable.build(inst.needs, idx)
    arcs = eligible_arcs(idx, needs, 4000.0)
    assert len(arcs) == 14  # 0, 300, ..., 3900 m
