"""Small instance builders and independent reference solvers for the tests."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from muster.needs.dispatch import Instance, Person, Proposal
from muster.needs.dispatch.validate import eligible

CST = timezone(timedelta(hours=8))
T0 = datetime(2020, 6, 20, tzinfo=CST)
LAT0, LON0 = 39.90, 116.40


def at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


def offset(north_m: float, east_m: float) -> tuple[float, float]:
    """A point north_m/east_m metres from the reference point (small offsets)."""
    return LAT0 + north_m / 111_195.0, LON0 + east_m / (111_195.0 * np.cos(np.radians(LAT0)))


def need(nid: str, north_m: float = 0, east_m: float = 0, places: int = 1, skills=(), start=8, end=12,
         **extra) -> dict:
    lat, lon = offset(north_m, east_m)
    return {"id": nid, "lat": lat, "lon": lon, "places": places, "skills": list(skills),
            "start": at(start), "end": at(end), **extra}


def person(pid: str, north_m: float = 0, east_m: float = 0, skills=(), windows=((6, 18),), **extra) -> dict:
    lat, lon = offset(north_m, east_m)
    return {"id": pid, "lat": lat, "lon": lon, "skills": list(skills),
            "available": [[at(a), at(b)] for a, b in windows], **extra}


def instance(needs, people, max_km: float = 5.0, **extra) -> Instance:
    return Instance.model_validate({"needs": needs, "people": people, "max_km": max_km, **extra})


def random_instance(seed: int, n_needs: int, n_people: int, *, span_m: float = 6000, max_km: float = 3.0,
                    terms: bool = False, multi: bool = False) -> Instance:
    """Random instance around Beijing; ``terms`` adds load/region/preferences, ``multi`` max_assignments."""
    rng = random.Random(seed)
    skills = ["medical", "car", "data"]
    shifts = [(8, 12), (12, 16), (9, 17), (18, 22), (30, 34)]
    needs = []
    for i in range(n_needs):
        a, b = rng.choice(shifts)
        extra: dict[str, Any] = {}
        if terms:
            extra = {"region": rng.choice(["r1", "r2", "r3", None]),
                     "preferred_skills": rng.sample(skills, rng.randint(0, 2))}
        needs.append(need(f"n{i}", rng.uniform(0, span_m), rng.uniform(0, span_m), places=rng.randint(0, 4),
                          skills=rng.sample(skills, rng.choice([0, 0, 1])), start=a, end=b, **extra))
    people = []
    for i in range(n_people):
        windows = [(6, 18)] if rng.random() < 0.5 else [rng.choice([(7, 13), (11, 23), (28, 40), (0, 48)])]
        extra = {}
        if terms:
            extra = {"load": rng.randint(0, 5), "home_region": rng.choice(["r1", "r2", None])}
        if multi:
            extra["max_assignments"] = rng.choice([1, 2, 3])
        people.append(person(f"p{i}", rng.uniform(0, span_m), rng.uniform(0, span_m),
                             skills=rng.sample(skills, rng.randint(0, 3)), windows=windows, **extra))
    return instance(needs, people, max_km)


def pair_cost(inst: Instance, nd, ps, m: int) -> int:
    """Arc part of the cost, recomputed from the README's definitions."""
    w = inst.weights
    c = m
    homes = {p.home_region for p in inst.people if p.home_region is not None}
    if w.prefer_home and nd.region is not None and nd.region in homes and ps.home_region == nd.region:
        c -= w.prefer_home
    held = {s for p in inst.people for s in p.skills}
    if w.skill_fit and any(s in held for n in inst.needs for s in n.preferred_skills):
        c -= w.skill_fit * len(set(nd.preferred_skills) & set(ps.skills))
    return c


def load_cost(inst: Instance, ps, k: int) -> int:
    """Cost of the person's k-th (0-based) need in the run."""
    if inst.weights.load and any(p.load is not None for p in inst.people):
        return inst.weights.load * ((ps.load or 0) + k)
    return 0


def brute_force(inst: Instance) -> tuple[int, int]:
    """(max filled, min cost among those) by enumerating every assignment."""
    needs = inst.needs
    options: list[tuple[Person, list[tuple[tuple[int, int], ...]]]] = []
    for ps in inst.people:
        elig = [(j, eligible(nd, ps, inst.max_km)[1]) for j, nd in enumerate(needs)
                if eligible(nd, ps, inst.max_km)[0] and nd.places > 0]
        choices: list[tuple[tuple[int, int], ...]] = [()]
        for r in range(1, min(ps.max_assignments, len(elig)) + 1):
            for combo in itertools.combinations(elig, r):
                spans = sorted((needs[j].start, needs[j].end) for j, _ in combo)
                if all(b[0] >= a[1] for a, b in itertools.pairwise(spans)):
                    choices.append(combo)
        options.append((ps, choices))
    best = (-1, 0)
    for pick in itertools.product(*(c for _, c in options)):
        used = [0] * len(needs)
        filled, cost = 0, 0
        for (ps, _), combo in zip(options, pick, strict=True):
            for k, (j, m) in enumerate(combo):
                used[j] += 1
                cost += pair_cost(inst, needs[j], ps, m) + load_cost(inst, ps, k)
            filled += len(combo)
        if any(u > nd.places for u, nd in zip(used, needs, strict=True)):
            continue
        if filled > best[0] or (filled == best[0] and cost < best[1]):
            best = (filled, cost)
    return best


def lp_optimum(inst: Instance) -> tuple[int, int]:
    """(max filled, min cost) from the assignment LP, solved twice with HiGHS (cap-1 people)."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    arcs = []
    for pi, ps in enumerate(inst.people):
        assert ps.max_assignments == 1
        for j, nd in enumerate(inst.needs):
            ok, m, _ = eligible(nd, ps, inst.max_km)
            if ok and nd.places > 0:
                arcs.append((pi, j, pair_cost(inst, nd, ps, m) + load_cost(inst, ps, 0)))
    if not arcs:
        return 0, 0
    n = len(arcs)
    rows: list[int] = []
    cols: list[int] = []
    for a, (pi, j, _) in enumerate(arcs):
        rows += [pi, len(inst.people) + j]
        cols += [a, a]
    a_ub = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(inst.people) + len(inst.needs), n)).tocsr()
    b_ub = np.array([1] * len(inst.people) + [nd.places for nd in inst.needs], dtype=float)
    first = linprog(-np.ones(n), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    filled = int(round(-first.fun))
    cost = np.array([c for _, _, c in arcs], dtype=float)
    second = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=np.ones((1, n)), b_eq=[filled], bounds=(0, 1),
                     method="highs")
    assert second.status == 0
    return filled, int(round(second.fun))


def score(p: Proposal) -> tuple[int, int]:
    return p.filled, p.cost
