"""Deterministic synthetic dispatch instances from a regions table (for benches and demos).

The city-scale default mirrors Beijing in June 2020: 7,683 volunteer
projects asking for 60,000 places in total and 228,000 volunteers, spread
over the communities and villages of the regions CSV
(``code,parent,name,level,urban_rural,longitude,latitude``). Only about a
third of the rows have coordinates; the others borrow their street's (or
failing that their district's) point plus seeded jitter. Nothing here is
real personal data, and it is generated, never committed.

Region data: the ``adcode`` data set by Vonng (Feng Ruohang),
github.com/Vonng/adcode, CC BY 4.0.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

CST = timezone(timedelta(hours=8))
WEEK_START = datetime(2020, 6, 20, tzinfo=CST)  # a Saturday, nine days after Xinfadi

SKILLS = ("medical", "car", "data_entry", "sampling", "first_aid", "dialect", "publicity")
SKILL_SHARE = (0.06, 0.18, 0.15, 0.04, 0.12, 0.10, 0.08)
# Need roles and the one skill each asks for (None: anyone can do it).
ROLES = (("gate_duty", None, 0.22), ("publicity", "publicity", 0.06), ("cleaning", None, 0.10),
         ("persuasion", "dialect", 0.06), ("errands", "car", 0.10), ("screening", "medical", 0.08),
         ("sampling_order", None, 0.14), ("test_kits", None, 0.08), ("data_entry", "data_entry", 0.12),
         ("sampling", "sampling", 0.04))
SHIFTS = ((7, 12), (12, 17), (17, 22), (8, 12), (14, 18), (9, 17))


@dataclass
class Communities:
    code: np.ndarray  # str
    lat: np.ndarray
    lon: np.ndarray
    spread_m: np.ndarray  # scatter (sigma, metres) of people around the point


def load_communities(path: str | Path, seed: int = 0) -> Communities:
    """Village-level rows with a point each: own, else the street's, else the district's."""
    rng = np.random.default_rng(seed)
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    by_code = {r["code"]: r for r in rows}

    def point(r: dict) -> tuple[float, float] | None:
        if r["latitude"] and r["longitude"]:
            return float(r["latitude"]), float(r["longitude"])
        return None

    codes, lat, lon, spread = [], [], [], []
    for r in rows:
        if r["level"] != "village":
            continue
        own = point(r)
        borrowed, scatter = 0.0, 300.0  # metres: community spot jitter, people around it
        if own is None:
            town = by_code.get(r["parent"])
            own = point(town) if town else None
            borrowed, scatter = 1500.0, 600.0
            if own is None and town is not None:
                district = by_code.get(town["parent"])
                own = point(district) if district else None
                borrowed, scatter = 5000.0, 1500.0
        if own is None:
            continue
        if borrowed:
            # Communities that borrow a point get their own spot near it.
            own = _jitter(rng, own[0], own[1], borrowed)
        codes.append(r["code"])
        lat.append(own[0])
        lon.append(own[1])
        spread.append(scatter)
    return Communities(np.array(codes), np.array(lat, dtype=float), np.array(lon, dtype=float),
                       np.array(spread))


def _jitter(rng, lat, lon, sigma_m):
    dlat = rng.normal(0.0, sigma_m, size=np.shape(lat)) / 111_195.0
    dlon = rng.normal(0.0, sigma_m, size=np.shape(lat)) / (111_195.0 * np.cos(np.radians(lat)))
    return lat + dlat, lon + dlon


def _iso(hours_from_week_start: np.ndarray) -> list[str]:
    base = WEEK_START
    return [(base + timedelta(hours=float(h))).isoformat() for h in hours_from_week_start]


def city_instance(regions_csv: str | Path, *, seed: int = 2020, needs: int = 7683, places: int = 60_000,
                  people: int = 228_000, max_km: float = 5.0) -> dict:
    """A JSON-ready instance dict (ISO times with +08:00), the same for the same arguments."""
    comm = load_communities(regions_csv, seed)
    rng = np.random.default_rng(seed + 1)
    n_comm = len(comm.code)

    # Needs: a community, a role, a day of the week and a shift.
    nc = rng.integers(0, n_comm, needs)
    nlat, nlon = _jitter(rng, comm.lat[nc], comm.lon[nc], comm.spread_m[nc] / 2)
    weights = rng.lognormal(0.0, 0.8, needs)
    nplaces = 1 + rng.multinomial(places - needs, weights / weights.sum()) if places >= needs else \
        rng.multinomial(places, np.ones(needs) / needs)
    role_p = np.array([r[2] for r in ROLES])
    roles = rng.choice(len(ROLES), needs, p=role_p / role_p.sum())
    day = rng.integers(0, 7, needs)
    shift = rng.integers(0, len(SHIFTS), needs)
    starts = day * 24 + np.array([s[0] for s in SHIFTS])[shift]
    ends = day * 24 + np.array([s[1] for s in SHIFTS])[shift]
    s_iso, e_iso = _iso(starts), _iso(ends)
    need_rows = []
    for i in range(needs):
        skill = ROLES[roles[i]][1]
        need_rows.append({
            "id": f"n{i + 1}", "lat": round(float(nlat[i]), 6), "lon": round(float(nlon[i]), 6),
            "places": int(nplaces[i]), "skills": [skill] if skill else [],
            "start": s_iso[i], "end": e_iso[i],
        })

    # People: a home community, skills, and one of four availability patterns.
    pc = rng.integers(0, n_comm, people)
    plat, plon = _jitter(rng, comm.lat[pc], comm.lon[pc], comm.spread_m[pc])
    has = rng.random((people, len(SKILLS))) < np.array(SKILL_SHARE)
    pattern = rng.choice(4, people, p=[0.2, 0.4, 0.25, 0.15])
    some_days = rng.random((people, 7)) < 0.3
    day_window = rng.choice(3, people)
    windows_by_kind = {
        "all_week": [(d * 24 + 7, d * 24 + 19) for d in range(7)],
        "weekend": [(6, 22), (30, 46)],
        "evenings": [(d * 24 + 17, d * 24 + 23) for d in range(2, 7)],
    }
    day_shapes = ((6, 14), (12, 22), (8, 20))
    iso_cache: dict[float, str] = {}

    def iso(h: float) -> str:
        s = iso_cache.get(h)
        if s is None:
            s = iso_cache[h] = (WEEK_START + timedelta(hours=h)).isoformat()
        return s

    person_rows = []
    for i in range(people):
        kind = pattern[i]
        if kind == 0:
            spans = windows_by_kind["all_week"]
        elif kind == 1:
            a, b = day_shapes[day_window[i]]
            days = np.nonzero(some_days[i])[0].tolist() or [int(rng.integers(0, 7))]
            spans = [(d * 24 + a, d * 24 + b) for d in days]
        elif kind == 2:
            spans = windows_by_kind["weekend"]
        else:
            spans = windows_by_kind["evenings"]
        person_rows.append({
            "id": f"p{i + 1}", "lat": round(float(plat[i]), 6), "lon": round(float(plon[i]), 6),
            "skills": [SKILLS[k] for k in np.nonzero(has[i])[0]],
            "available": [[iso(a), iso(b)] for a, b in spans],
        })
    return {"needs": need_rows, "people": person_rows, "max_km": max_km}


def random_need(rng: np.random.Generator, comm: Communities, ident: str = "new") -> dict:
    """One plausible new need at a random community (for suggestion benches)."""
    c = int(rng.integers(0, len(comm.code)))
    lat, lon = _jitter(rng, comm.lat[c], comm.lon[c], comm.spread_m[c] / 2)
    role = ROLES[int(rng.integers(0, len(ROLES)))]
    day, shift = int(rng.integers(0, 7)), SHIFTS[int(rng.integers(0, len(SHIFTS)))]
    return {
        "id": ident, "lat": float(lat), "lon": float(lon), "places": int(rng.integers(1, 12)),
        "skills": [role[1]] if role[1] else [],
        "start": (WEEK_START + timedelta(hours=day * 24 + shift[0])).isoformat(),
        "end": (WEEK_START + timedelta(hours=day * 24 + shift[1])).isoformat(),
        "region": str(comm.code[c]),
    }


def summary(instance: dict) -> str:
    places = sum(n["places"] for n in instance["needs"])
    return (f"{len(instance['needs'])} needs, {places} places, {len(instance['people'])} people, "
            f"max_km {instance['max_km']:g}")


