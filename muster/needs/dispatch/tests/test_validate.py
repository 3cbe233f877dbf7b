"""The validator catches each kind of broken proposal."""

from muster.needs.dispatch import Assignment, Proposal, solve, validate

from .helpers import instance, need, person


def base():
    inst = instance([need("n1", places=1, skills=["medical"]), need("n2", east_m=100, start=9, end=11)],
                    [person("p1", skills=["medical"]), person("p2", east_m=200), person("p3", north_m=9000)],
                    max_km=5)
    return inst, solve(inst)


def broken(proposal, assignments, **fields) -> Proposal:
    data = proposal.model_dump() | fields
    data["assignments"] = assignments
    return Proposal.model_validate(data)


def test_valid_proposal_has_no_problems():
    inst, proposal = base()
    assert proposal.filled == 2 and validate(inst, proposal) == []


def test_ineligible_person_is_reported():
    inst, proposal = base()
    bad = broken(proposal, [Assignment(need="n1", person="p2", m=200)], filled=1, total_m=200, cost=200)
    assert validate(inst, bad) == ["assignments[0]: p2 not eligible for n1: lacks skill 'medical'"]


def test_out_of_range_person_is_reported():
    inst, proposal = base()
    bad = broken(proposal, [Assignment(need="n2", person="p3", m=9001)], filled=1, total_m=9001, cost=9001)
    assert any("beyond max_km" in line for line in validate(inst, bad))


def test_wrong_metres_and_totals_are_reported():
    inst, proposal = base()
    a = proposal.assignments[0].model_copy(update={"m": proposal.assignments[0].m + 1})
    bad = broken(proposal, [a, proposal.assignments[1]])
    problems = validate(inst, bad)
    assert any("m is" in line for line in problems)
    assert any(line.startswith("total_m is") for line in problems)
    assert any(line.startswith("cost is") for line in problems)


def test_double_booking_and_overfilling_are_reported():
    inst, proposal = base()
    twice = [Assignment(need="n2", person="p1", m=100), Assignment(need="n1", person="p1", m=0),
             Assignment(need="n1", person="p1", m=0)]
    problems = validate(inst, broken(proposal, twice, filled=3, total_m=100, cost=100))
    assert "assignments[2]: p1 assigned to n1 twice" in problems
    assert "need n1: 2 assigned, 1 places" in problems
    assert "person p1: 3 needs, max_assignments 1" in problems
    assert "person p1: needs n1 and n2 overlap in time" in problems


def test_unknown_ids_and_wrong_filled_are_reported():
    inst, proposal = base()
    problems = validate(inst, broken(proposal, [Assignment(need="nx", person="p1", m=0)], filled=2, total_m=0,
                                     cost=0))
    assert problems[0] == "assignments[0]: unknown need"
    assert "filled is 2, 1 assignments" in problems
