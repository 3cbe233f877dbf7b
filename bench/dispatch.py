"""City-scale dispatch: the optimum against the nearest-first baseline, with timings.

    .venv/bin/python bench/dispatch.py [--needs 7683] [--places 60000] [--people 228000]
        [--max-km 5] [--seed 2020] [--regions muster/geo/data/beijing.csv] [--write X.json]
        [--exact-check]

Generates the Beijing instance (7,683 projects, 60,000 places, 228,000 volunteers placed
around the communities of the regions table; see muster/needs/dispatch/synth.py), passes it
through JSON and the pydantic models exactly as `muster dispatch solve` would, solves it,
validates the proposal, runs the greedy baseline (needs in order, nearest free eligible
people first) on the same eligible pairs, and prints JSON figures: wall and CPU seconds
per stage, places filled, total metres, and the ratio of the optimum's total to the
baseline's. --exact-check also solves with every eligible arc given to OR-Tools (no
pruning) and checks that the objective is the same. Run it alone: the machine's two cores
are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from muster.needs.dispatch import Instance, greedy, solve_detailed, validate  # noqa: E402
from muster.needs.dispatch.solve import SolveStats, prepare  # noqa: E402
from muster.needs.dispatch.synth import city_instance, summary  # noqa: E402

REGIONS = [ROOT / "muster/geo/data/beijing.csv", ROOT.parent / "shared/data/regions/beijing.csv"]


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def figures(self) -> dict:
        return {"wall_s": round(self.wall, 2), "cpu_s": round(self.cpu, 2)}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--needs", type=int, default=7683)
    parser.add_argument("--places", type=int, default=60_000)
    parser.add_argument("--people", type=int, default=228_000)
    parser.add_argument("--max-km", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--regions", type=Path, default=next((p for p in REGIONS if p.exists()), REGIONS[0]))
    parser.add_argument("--write", type=Path, help="also save the instance JSON (for `muster dispatch solve`)")
    parser.add_argument("--exact-check", action="store_true", help="re-solve with all arcs and compare")
    args = parser.parse_args()

    with Clock() as gen:
        data = city_instance(args.regions, seed=args.seed, needs=args.needs, places=args.places,
                             people=args.people, max_km=args.max_km)
        text = json.dumps(data)
    del data
    log(f"instance: {summary(json.loads(text))} ({len(text) / 1e6:.0f} MB JSON, generated in {gen.wall:.1f}s)")
    if args.write:
        args.write.write_text(text)

    with Clock() as parse:
        instance = Instance.model_validate_json(text)
    del text
    log(f"parse: {parse.wall:.1f}s")

    with Clock() as total:
        stats = SolveStats()
        prep = prepare(instance, stats=stats)
        proposal, solve_stats = solve_detailed(instance, prepared=prep)
        for f in ("flow", "solve_s", "output_s", "solve_cpu_s", "output_cpu_s"):
            setattr(stats, f, getattr(solve_stats, f))
    log(f"solve: {total.wall:.1f}s wall, {total.cpu:.1f}s CPU (CPU: index {stats.index_cpu_s:.1f}, "
        f"arcs {stats.arcs_cpu_s:.1f}, flow {stats.flow.flow_cpu_s:.1f}, pricing {stats.flow.price_cpu_s:.1f}, "
        f"output {stats.output_cpu_s:.1f}); {stats.flow.proof}, {stats.flow.rounds} round(s)")

    with Clock() as check:
        problems = validate(instance, proposal)
    log(f"validate: {check.wall:.1f}s, {len(problems)} problem(s)")

    with Clock() as base_clock:
        base = greedy(instance, prep=prep)
    base_problems = validate(instance, base)
    log(f"greedy: {base_clock.wall:.1f}s on the same eligible pairs")

    figures = {
        "load_average_1m": round(os.getloadavg()[0], 1),
        "instance": {"needs": stats.needs, "places": stats.places, "people": stats.people,
                     "max_km": args.max_km, "seed": args.seed, "eligible_arcs": stats.arcs},
        "parse": parse.figures(),
        "solve": total.figures() | {
            "stages_wall_s": {"index": round(stats.index_s, 2), "arcs": round(stats.arcs_s, 2),
                              "flow": round(stats.flow.flow_s, 2), "pricing": round(stats.flow.price_s, 2),
                              "output": round(stats.output_s, 2)},
            "stages_cpu_s": {"index": round(stats.index_cpu_s, 2), "arcs": round(stats.arcs_cpu_s, 2),
                             "flow": round(stats.flow.flow_cpu_s, 2), "pricing": round(stats.flow.price_cpu_s, 2),
                             "output": round(stats.output_cpu_s, 2)},
            "build_arcs_cpu_s": round(stats.index_cpu_s + stats.arcs_cpu_s, 2),
            "solve_cpu_s": round(stats.solve_cpu_s + stats.output_cpu_s, 2),
            "arcs_given_to_ortools": stats.flow.arcs_solved, "rounds": stats.flow.rounds,
            "bellman_ford_passes": stats.flow.bf_passes, "proof": stats.flow.proof,
        },
        "optimum": {"filled": proposal.filled, "total_m": proposal.total_m, "status": proposal.status,
                    "mean_m": round(proposal.total_m / max(proposal.filled, 1)), "valid": not problems},
        "greedy": {"filled": base.filled, "total_m": base.total_m, "valid": not base_problems,
                   "mean_m": round(base.total_m / max(base.filled, 1))} | base_clock.figures(),
        "ratio_total_m_optimum_to_greedy": round(proposal.total_m / max(base.total_m, 1), 4),
        "ratio_mean_m_optimum_to_greedy": round(proposal.total_m / max(proposal.filled, 1)
                                                / max(base.total_m / max(base.filled, 1), 1e-9), 4),
        "extra_places_filled": proposal.filled - base.filled,
    }
    if args.exact_check:
        with Clock() as exact_clock:
            exact, exact_stats = solve_detailed(instance, prune=False)
        figures["exact_check"] = {"filled": exact.filled, "cost": exact.cost,
                                  "same_objective": (exact.filled, exact.cost) == (proposal.filled, proposal.cost),
                                  "arcs": exact_stats.flow.arcs_solved} | exact_clock.figures()
    print(json.dumps(figures, indent=2))
    return 0 if not problems and not base_problems else 1


if __name__ == "__main__":
    sys.exit(main())
