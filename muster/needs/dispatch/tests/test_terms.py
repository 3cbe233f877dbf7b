"""One test (or a few) per optional cost term and per-person rule."""

from muster.needs.dispatch import objective, solve, validate

from .helpers import instance, need, person


def who(proposal) -> set[tuple[str, str]]:
    return {(a.need, a.person) for a in proposal.assignments}


# Load (fairness) --------------------------------------------------------

def test_load_prefers_people_with_fewer_shifts_this_week():
    inst = instance([need("n1")], [person("busy", east_m=100, load=3), person("fresh", east_m=2000, load=0)])
    proposal = solve(inst)
    assert who(proposal) == {("n1", "fresh")}  # 1.9 km more walking < 3 shifts x 1000
    assert proposal.cost == 2000 and proposal.total_m == 2000


def test_load_weight_is_metres_per_shift():
    people = [person("busy", east_m=100, load=3), person("fresh", east_m=3200, load=0)]
    assert who(solve(instance([need("n1")], people))) == {("n1", "busy")}  # 3.1 km > 3000
    assert who(solve(instance([need("n1")], people, weights={"load": 2000}))) == {("n1", "fresh")}
    assert who(solve(instance([need("n1")], people, weights={"load": 0}))) == {("n1", "busy")}


def test_load_is_off_without_load_data():
    # Nobody carries a load: a second need for the same person costs nothing extra.
    inst = instance([need("a", start=8, end=10), need("b", start=10, end=12)],
                    [person("multi", east_m=10, max_assignments=2), person("other", east_m=500)])
    assert who(solve(inst)) == {("a", "multi"), ("b", "multi")}


def test_each_further_need_costs_one_more_shift():
    # With loads known, multi's second need costs load * (0 + 1) = 1000 on top of the distance.
    inst = instance([need("a", start=8, end=10), need("b", start=10, end=12)],
                    [person("multi", east_m=10, max_assignments=2, load=0), person("other", east_m=500, load=0)])
    proposal = solve(inst)
    assert len({a.person for a in proposal.assignments}) == 2
    assert proposal.cost == objective(inst, proposal) == 10 + 500


def test_reason_mentions_shifts_this_week():
    inst = instance([need("n1", skills=["medical"])],
                    [person("p1", east_m=1234, skills=["medical"], load=2)])
    assert solve(inst).assignments[0].reason == "1.2 km, has medical, 2 shifts this week"


# Prefer home ----------------------------------------------------------

def test_party_members_report_to_their_home_community():
    people = [person("stranger", east_m=100, home_region="c2"), person("member", east_m=1500, home_region="c1")]
    inst = instance([need("n1", region="c1")], people)
    proposal = solve(inst)
    assert who(proposal) == {("n1", "member")}
    assert proposal.cost == 1500 - 2000 and proposal.assignments[0].reason == "1.5 km, home community"


def test_home_bonus_is_bounded_by_its_weight():
    people = [person("stranger", east_m=100), person("member", east_m=2500, home_region="c1")]
    assert who(solve(instance([need("n1", region="c1")], people))) == {("n1", "stranger")}
    assert who(solve(instance([need("n1", region="c1")], people, weights={"prefer_home": 3000}))) == {
        ("n1", "member")}


def test_home_bonus_needs_region_data_on_both_sides():
    people = [person("stranger", east_m=100), person("member", east_m=1500, home_region="c1")]
    assert who(solve(instance([need("n1")], people))) == {("n1", "stranger")}


# Skill fit ------------------------------------------------------------

def test_preferred_skills_earn_a_bonus_each():
    people = [person("plain", east_m=100), person("one", east_m=500, skills=["dialect"]),
              person("two", east_m=900, skills=["dialect", "first_aid"])]
    inst = instance([need("n1", preferred_skills=["dialect", "first_aid"])], people)
    proposal = solve(inst)
    assert who(proposal) == {("n1", "two")}  # 900 - 2 x 500 beats 500 - 500 and 100
    assert proposal.assignments[0].reason == "900 m, also dialect, first_aid"
    assert proposal.cost == -100


def test_preferred_skills_are_not_required():
    inst = instance([need("n1", preferred_skills=["dialect"])], [person("plain")])
    assert solve(inst).filled == 1


# Affiliations (a rule, not a cost) -----------------------------------------

def test_affiliation_restricts_and_is_explained():
    inst = instance([need("n1", affiliations=["party"])],
                    [person("near", east_m=10), person("member", east_m=900, affiliations=["party"])])
    [a] = solve(inst).assignments
    assert (a.person, a.reason) == ("member", "900 m, member of party")


# Several needs per person -------------------------------------------------

def test_max_assignments_allows_needs_that_do_not_overlap():
    inst = instance([need("a", start=8, end=10), need("b", start=10, end=12), need("c", start=9, end=11)],
                    [person("p", max_assignments=3)])
    proposal = solve(inst)
    assert who(proposal) == {("a", "p"), ("b", "p")} and proposal.status == "optimal"
    assert validate(inst, proposal) == []


def test_max_assignments_caps_the_count():
    needs = [need(f"n{i}", start=2 * i, end=2 * i + 1) for i in range(5)]
    proposal = solve(instance(needs, [person("p", windows=[(0, 24)], max_assignments=2)]))
    assert proposal.filled == 2


def test_default_is_one_need_per_person():
    inst = instance([need("a", start=8, end=10), need("b", start=10, end=12)], [person("p")])
    assert solve(inst).filled == 1


# Totals ---------------------------------------------------------------

def test_costs_add_up_and_match_the_independent_objective():
    inst = instance(
        [need("a", region="c1", preferred_skills=["car"]), need("b", east_m=500, places=2)],
        [person("p1", east_m=50, load=1, home_region="c1", skills=["car"]),
         person("p2", east_m=400, load=4), person("p3", east_m=700)])
    proposal = solve(inst)
    assert proposal.cost == sum(a.cost for a in proposal.assignments) == objective(inst, proposal)
    assert proposal.total_m == sum(a.m for a in proposal.assignments)
    assert validate(inst, proposal) == []


def test_double_booking_by_the_flow_is_settled_by_cp_sat():
    from muster.needs.dispatch import solve_detailed

    # The flow relaxation would give both overlapping needs to "multi" (nearest).
    inst = instance([need("a", start=8, end=12), need("b", start=9, end=11)],
                    [person("multi", east_m=10, max_assignments=2), person("far", east_m=3000)])
    proposal, stats = solve_detailed(inst)
    assert stats.cpsat == "OPTIMAL" and proposal.status == "optimal"
    assert proposal.filled == 2 and proposal.total_m == 10 + 3000
    assert validate(inst, proposal) == []
