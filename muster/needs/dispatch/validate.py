"""Solver-agnostic checks of a proposal against its instance, in plain Python.

Deliberately written without the engine's numpy columns, so that a bug in
the vectorised rules cannot hide itself. Only ``haversine_m``/``round_m`` are
shared, so that both sides agree to the metre.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .geo import haversine_m, round_m
from .models import Instance, Need, Person, Proposal


def eligible(need: Need, person: Person, max_km: float, d: float | None = None) -> tuple[bool, int, str]:
    """(eligible?, rounded metres, why not) for one pair; ``d``: its haversine_m if known."""
    if d is None:
        d = float(haversine_m(person.lat, person.lon, need.lat, need.lon))
    m = int(round_m(d))
    missing = [s for s in need.skills if s not in set(person.skills)]
    if missing:
        return False, m, f"lacks skill {missing[0]!r}"
    if need.affiliations and not set(need.affiliations) & set(person.affiliations):
        return False, m, "holds none of the affiliations"
    if not any(a <= need.start and need.end <= b for a, b in person.available):
        return False, m, "no availability window covers the need"
    if d > max_km * 1000.0:
        return False, m, f"{d:.1f} m is beyond max_km"
    return True, m, ""


def objective(instance: Instance, proposal: Proposal) -> int:
    """The cost of a proposal, recomputed from the term definitions in the README."""
    w = instance.weights
    needs = {n.id: n for n in instance.needs}
    people = {p.id: p for p in instance.people}
    load_on = w.load > 0 and any(p.load is not None for p in instance.people)
    held_home = {p.home_region for p in instance.people if p.home_region is not None}
    home_on = w.prefer_home > 0 and any(n.region in held_home for n in instance.needs)
    known_skills = {s for p in instance.people for s in p.skills}
    fit_on = w.skill_fit > 0 and any(s in known_skills for n in instance.needs for s in n.preferred_skills)
    total = 0
    taken: Counter[str] = Counter()
    for a in proposal.assignments:
        need, person = needs.get(a.need), people.get(a.person)
        total += a.m
        if need is None or person is None:
            continue  # reported by validate()
        if home_on and need.region is not None and person.home_region == need.region:
            total -= w.prefer_home
        if fit_on:
            total -= w.skill_fit * len(set(need.preferred_skills) & set(person.skills))
        if load_on:
            total += w.load * ((person.load or 0) + taken[a.person])
        taken[a.person] += 1
    return total


def validate(instance: Instance, proposal: Proposal) -> list[str]:
    """Every rule the proposal breaks, as readable lines; empty when it is valid.

    Checks eligibility of every assignment (skills, affiliations, window,
    distance), the reported metres, places per need, needs per person and
    their non-overlap, and the totals ``filled``, ``total_m`` and ``cost``.
    """
    problems: list[str] = []
    needs = {n.id: n for n in instance.needs}
    people = {p.id: p for p in instance.people}
    per_need: Counter[str] = Counter()
    per_person: dict[str, list[Need]] = defaultdict(list)
    pairs: set[tuple[str, str]] = set()
    # Distances in one numpy call (same function, same floats as one by one).
    known = [(needs[a.need], people[a.person]) for a in proposal.assignments
             if a.need in needs and a.person in people]
    dist = iter(haversine_m([p.lat for _, p in known], [p.lon for _, p in known],
                            [n.lat for n, _ in known], [n.lon for n, _ in known]).tolist())
    for i, a in enumerate(proposal.assignments):
        need, person = needs.get(a.need), people.get(a.person)
        if need is None or person is None:
            problems.append(f"assignments[{i}]: unknown {'need' if need is None else 'person'}")
            continue
        if (a.need, a.person) in pairs:
            problems.append(f"assignments[{i}]: {a.person} assigned to {a.need} twice")
        pairs.add((a.need, a.person))
        ok, m, why = eligible(need, person, instance.max_km, next(dist))
        if not ok:
            problems.append(f"assignments[{i}]: {a.person} not eligible for {a.need}: {why}")
        if a.m != m:
            problems.append(f"assignments[{i}]: m is {a.m}, distance is {m}")
        per_need[a.need] += 1
        per_person[a.person].append(need)
    for nid, count in per_need.items():
        if count > needs[nid].places:
            problems.append(f"need {nid}: {count} assigned, {needs[nid].places} places")
    for pid, held in per_person.items():
        cap = people[pid].max_assignments
        if len(held) > cap:
            problems.append(f"person {pid}: {len(held)} needs, max_assignments {cap}")
        held = sorted(held, key=lambda n: n.start)
        for first, then in zip(held, held[1:], strict=False):
            if then.start < first.end:
                problems.append(f"person {pid}: needs {first.id} and {then.id} overlap in time")
    if proposal.filled != len(proposal.assignments):
        problems.append(f"filled is {proposal.filled}, {len(proposal.assignments)} assignments")
    total_m = sum(a.m for a in proposal.assignments)
    if proposal.total_m != total_m:
        problems.append(f"total_m is {proposal.total_m}, assignments add up to {total_m}")
    cost = objective(instance, proposal)
    if proposal.cost != cost:
        problems.append(f"cost is {proposal.cost}, recomputed {cost}")
    return problems
