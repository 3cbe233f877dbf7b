"""Suggestion latency: the top 20 people for one new need, against 228,000 people.

    .venv/bin/python bench/suggest.py [--people 228000] [--queries 500] [--k 20] [--max-km 5]
        [--seed 2020] [--regions muster/geo/data/beijing.csv] [--check 25]

Builds the people of the city-scale dispatch instance (see bench/dispatch.py), indexes them
once (PeopleIndex.build), then times suggest() for --queries random new needs (a random
community, role, day and shift; the same generator as the bench instance) and prints JSON
with the index build time and p50/p95/p99/max latency in milliseconds. --check compares
that many answers with a scan of every person without the spatial grid. Run it alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from muster.needs.dispatch import Instance, Need, PeopleIndex, suggest  # noqa: E402
from muster.needs.dispatch.eligibility import filter_pairs  # noqa: E402
from muster.needs.dispatch.index import NeedTable  # noqa: E402
from muster.needs.dispatch.synth import city_instance, load_communities, random_need  # noqa: E402
from muster.needs.dispatch.terms import arc_costs, first_slot_costs  # noqa: E402

REGIONS = [ROOT / "muster/geo/data/beijing.csv", ROOT.parent / "shared/data/regions/beijing.csv"]


def full_scan(need: Need, idx: PeopleIndex, k: int, radius_m: float, weights) -> list[str]:
    """The same ranking without the grid: every person is a candidate."""
    needs = NeedTable.build([need], idx)
    if not needs.possible[0]:
        return []
    p = np.arange(idx.size, dtype=np.int64)
    arcs = filter_pairs(idx, needs, p, np.zeros(idx.size, dtype=np.int64), radius_m)
    cost = arc_costs(idx, needs, arcs, weights) + first_slot_costs(idx, needs, arcs.p, weights)
    top = np.lexsort((idx.orig[arcs.p], arcs.m, cost))[:k]
    return [idx.person(int(r)).id for r in arcs.p[top]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=228_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--max-km", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--regions", type=Path, default=next((p for p in REGIONS if p.exists()), REGIONS[0]))
    parser.add_argument("--check", type=int, default=25, help="answers to compare with a full scan")
    args = parser.parse_args()

    data = city_instance(args.regions, seed=args.seed, needs=1, places=1, people=args.people, max_km=args.max_km)
    instance = Instance.model_validate_json(json.dumps(data))
    del data
    t0 = time.perf_counter()
    index = PeopleIndex.build(instance.people, args.max_km)
    build_s = time.perf_counter() - t0
    print(f"index: {index.size} people in {build_s:.2f}s", file=sys.stderr)

    rng = np.random.default_rng(args.seed + 7)
    communities = load_communities(args.regions, args.seed)
    needs = [Need.model_validate(random_need(rng, communities, f"q{i}")) for i in range(args.queries)]
    suggest(needs[0], index, k=args.k)  # warm-up: first-call imports and caches
    latencies, sizes, answers = [], [], []
    for need in needs:
        t = time.perf_counter()
        result = suggest(need, index, k=args.k)
        latencies.append((time.perf_counter() - t) * 1000)
        sizes.append(len(result))
        answers.append([s.person for s in result])

    mismatches = sum(
        answers[i] != full_scan(needs[i], index, args.k, args.max_km * 1000, instance.weights)
        for i in range(min(args.check, len(needs)))
    )
    ms = np.array(latencies)
    figures = {
        "people": index.size, "queries": len(needs), "k": args.k, "max_km": args.max_km,
        "index_build_s": round(build_s, 2),
        "latency_ms": {q: round(float(np.percentile(ms, v)), 2)
                       for q, v in (("p50", 50), ("p95", 95), ("p99", 99))} | {
            "max": round(float(ms.max()), 2), "mean": round(float(ms.mean()), 2)},
        "mean_suggestions": round(float(np.mean(sizes)), 1),
        "queries_with_k_suggestions": int(sum(s == args.k for s in sizes)),
        "checked_against_full_scan": min(args.check, len(needs)), "mismatches": int(mismatches),
    }
    print(json.dumps(figures, indent=2))
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
