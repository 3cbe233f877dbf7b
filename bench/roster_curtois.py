"""Benchmark the rostering engine on the Curtois & Qu instances and on generated ones, over several seeds.

    python bench/roster_curtois.py [--time-limit 60] [--seeds 0,1,2] [--generated 12 --gen-seed 7 [--large]]
                                   [--only Instance1,Instance5] [--no-shared] [--compete]

For every instance and seed it solves once (one solver at a time, `--workers` CP-SAT workers, by default
the engine's 2), checks the roster with the independent validator, and prints per instance the min /
median / max objective and gap over the seeds, the best lower bound the engine proved and the seconds.

- Shared instances (`../shared/data/rostering/`, the final table): gap to the published best known.
- Generated instances (`muster.rosters.solver.generate.family(gen_seed, n)`, the ones to tune on): their
  "best known" is kept in `bench/data/roster_generated_best.json`, the best roster any run has found (or
  the planted roster, feasible by construction), and every run that finds a better one writes it back;
  `--large` draws them from `large_family` instead (the larger kind: up to 120 staff, 18 shift types);
  the table also shows the gap to the proved lower bound, which is what a coordinator sees next to a
  roster ("at most x% above the best possible").
- `--compete`: a second solve (the same engine on another instance, in a loop) runs in its own process
  for the whole run, so the figures are those of a machine that is not idle.

Prints one table per set and a summary line (mean and worst median gap). Nothing is asserted: the targets
of the issue (≤ 2% on Instances 1-19, ≤ 10% on 20-24) are read off the table.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from muster.rosters.solver.curtois import DATA_DIR, best_known, load_curtois  # noqa: E402
from muster.rosters.solver.generate import family, large_family, load, planted  # noqa: E402
from muster.rosters.solver.solve import solve  # noqa: E402
from muster.rosters.solver.validate import validate  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "rostering"
GENERATED_BEST = ROOT / "bench" / "data" / "roster_generated_best.json"

# The competing process: the engine solving a mid-size generated instance over and over.
COMPETITOR = """
import itertools, sys
sys.path.insert(0, {root!r})
from muster.rosters.solver.generate import Spec, load
from muster.rosters.solver.solve import solve
inp = load(Spec(name="competitor", seed=99, days=28, staff=40, shift_types=4))
for seed in itertools.count():
    solve(inp, 30, workers={workers}, seed=seed, explain=False)
"""


def run_one(inp, limit: float, workers: int, seed: int) -> dict:
    t0 = time.monotonic()
    try:
        res = solve(inp, limit, workers=workers, seed=seed, explain=False)
    except Exception as exc:  # keep the table going; the row says what broke
        return {"error": repr(exc), "seconds": time.monotonic() - t0}
    out = {"objective": None, "valid": False, "lower": res.lower_bound, "seconds": res.seconds}
    if res.roster is not None:
        rep = validate(inp, res.roster)
        out["valid"], out["objective"] = rep.valid, rep.objective
    return out


def gap(obj: float | None, ref: float | None) -> float | None:
    if obj is None or ref is None:
        return None
    return 100.0 * (obj - ref) / ref if ref else (0.0 if obj == 0 else float("inf"))


def fmt(x, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def table(title: str, rows: list[tuple[str, object, float | None, str]], seeds: list[int], args,
          found: dict[str, float] | None = None) -> list[float]:
    """Solve every (name, input, reference, reference kind) over the seeds and print one line each;
    the best objective of each instance goes into `found`."""
    print(f"\n## {title}: {len(seeds)} seed(s) {','.join(map(str, seeds))}, {args.time_limit:g} s, "
          f"{args.workers} workers{', beside a competing solve' if args.compete else ''}")
    head = (f"{'instance':<12} {'days':>4} {'staff':>5} {'types':>5} {'ref':>7} {'obj min':>8} {'obj med':>8} "
            f"{'obj max':>8} {'gap min':>8} {'gap med':>8} {'gap max':>8} {'lower':>7} {'lb gap':>7} "
            f"{'s med':>6} {'valid':>5}")
    print(head)
    print("-" * len(head), flush=True)
    medians = []
    for name, inp, ref, _kind in rows:
        runs = [run_one(inp, args.time_limit, args.workers, s) for s in seeds]
        objs = [r["objective"] for r in runs if r.get("objective") is not None]
        valid_objs = [r["objective"] for r in runs if r.get("valid")]
        if found is not None and valid_objs:
            found[name] = min(valid_objs)
        if ref is None or (valid_objs and _kind == "run"):
            ref = min([*valid_objs, *([ref] if ref is not None else [])]) if valid_objs else ref
        gaps = sorted(g for g in (gap(o, ref) for o in objs) if g is not None)
        lowers = [r["lower"] for r in runs if r.get("lower") is not None]
        lower = max(lowers) if lowers else None
        valid = all(r.get("valid") for r in runs)
        med = statistics.median(gaps) if gaps else None
        if med is not None:
            medians.append(med)
        errors = [r["error"] for r in runs if "error" in r]
        print(f"{name:<12} {inp.num_days:>4} {len(inp.employees):>5} {len(inp.shift_types):>5} {fmt(ref, '.0f'):>7} "
              f"{fmt(min(objs) if objs else None, '.0f'):>8} {fmt(statistics.median(objs) if objs else None, '.0f'):>8} "
              f"{fmt(max(objs) if objs else None, '.0f'):>8} {fmt(gaps[0] if gaps else None):>8} {fmt(med):>8} "
              f"{fmt(gaps[-1] if gaps else None):>8} {fmt(lower, '.0f'):>7} "
              f"{fmt(gap(statistics.median(objs), lower) if objs and lower else None):>7} "
              f"{statistics.median(r['seconds'] for r in runs):>6.1f} {'yes' if valid else 'NO':>5}"
              + (f"  errors: {errors}" if errors else ""), flush=True)
    if medians:
        print(f"median gap over the seeds: mean {statistics.mean(medians):.2f} %, worst {max(medians):.2f} % "
              f"({len(medians)} instances)")
    return medians


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve")
    ap.add_argument("--dir", type=Path, default=SHARED if SHARED.exists() else DATA_DIR)
    ap.add_argument("--only", default="", help="comma-separated shared instance names")
    ap.add_argument("--no-shared", action="store_true", help="only the generated set")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seeds", default="0,1,2", help="comma-separated solver seeds")
    ap.add_argument("--generated", type=int, default=0, help="how many generated instances (0: none)")
    ap.add_argument("--gen-seed", type=int, default=7, help="seed of the generated family")
    ap.add_argument("--large", action="store_true",
                    help="the generated family of the larger kind (up to 120 staff, 18 shift types)")
    ap.add_argument("--compete", action="store_true", help="run a second solve beside, in its own process")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]

    competitor = None
    if args.compete:
        competitor = subprocess.Popen([sys.executable, "-c", COMPETITOR.format(root=str(ROOT), workers=args.workers)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)
    t_all = time.monotonic()
    try:
        if args.generated:
            specs = (large_family if args.large else family)(args.gen_seed, args.generated)
            known_gen = json.loads(GENERATED_BEST.read_text()) if GENERATED_BEST.exists() else {}
            rows = []
            for sp in specs:
                inp = load(sp)
                start = float(validate(inp, planted(sp)).objective)
                rows.append((sp.name, inp, min(start, known_gen.get(sp.name, start)), "run"))
            found: dict[str, float] = {}
            kind = "large generated family" if args.large else "generated family"
            table(f"{kind} {args.gen_seed} (gap to the best any run found)", rows, seeds, args, found)
            better = {k: v for k, v in found.items() if v < known_gen.get(k, float("inf"))}
            if better:
                GENERATED_BEST.parent.mkdir(exist_ok=True)
                GENERATED_BEST.write_text(json.dumps({**known_gen, **better}, indent=1, sort_keys=True) + "\n")
                print(f"new best for {len(better)} generated instance(s), kept in {GENERATED_BEST.relative_to(ROOT)}")
        if not args.no_shared:
            files = sorted(args.dir.glob("Instance*.txt"), key=lambda f: int(re.sub(r"\D", "", f.stem) or 0))
            if args.only:
                wanted = {x.strip() for x in args.only.split(",") if x.strip()}
                files = [f for f in files if f.stem in wanted]
            known = best_known(args.dir)
            rows = [(f.stem, load_curtois(f), known.get(f.stem), "best known") for f in files]
            if rows:
                table("shared instances (gap to the best known)", rows, seeds, args)
    finally:
        if competitor is not None:
            competitor.kill()
            competitor.wait()
    print(f"\n{time.monotonic() - t_all:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
