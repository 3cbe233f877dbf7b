"""Benchmark the rostering engine on the Curtois & Qu shift scheduling instances.

    python bench/roster_curtois.py [--time-limit 60] [--dir DIR] [--only Instance1,Instance5]

Solves every instance in the folder one after the other (one solver at a
time) and prints instance, objective, best known, gap %, lower bound, seconds
and whether the independent validator accepts the roster; then the mean gap.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from muster.rosters.solver.curtois import DATA_DIR, best_known, load_curtois
from muster.rosters.solver.solve import solve
from muster.rosters.solver.validate import validate

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "rostering"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    ap.add_argument("--dir", type=Path, default=SHARED if SHARED.exists() else DATA_DIR)
    ap.add_argument("--only", default="", help="comma-separated instance names")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    files = sorted(args.dir.glob("Instance*.txt"), key=lambda f: int(re.sub(r"\D", "", f.stem) or 0))
    if args.only:
        wanted = {x.strip() for x in args.only.split(",") if x.strip()}
        files = [f for f in files if f.stem in wanted]
    if not files:
        print(f"no instances in {args.dir}", file=sys.stderr)
        return 2
    known = best_known(args.dir)
    print(f"# time limit {args.time_limit:g} s, {args.workers} workers, seed {args.seed}, dir {args.dir}")
    head = f"{'instance':<11} {'objective':>9} {'best':>7} {'gap %':>7} {'lower':>7} {'seconds':>8} {'valid':>5}"
    print(head)
    print("-" * len(head), flush=True)
    gaps = []
    t_all = time.monotonic()
    for f in files:
        inp = load_curtois(f)
        try:
            res = solve(inp, args.time_limit, workers=args.workers, seed=args.seed, explain=False)
        except Exception as exc:  # keep the table going; the row says what broke
            print(f"{f.stem:<11} error: {exc!r}", flush=True)
            continue
        valid = False
        obj = None
        if res.roster is not None:
            rep = validate(inp, res.roster)
            valid, obj = rep.valid, rep.objective
        best = known.get(f.stem)
        gap = None
        if obj is not None and best:
            gap = 100.0 * (obj - best) / best
            gaps.append(gap)
        print(f"{f.stem:<11} {obj if obj is not None else '-':>9} {best if best is not None else '-':>7} "
              f"{f'{gap:.2f}' if gap is not None else '-':>7} "
              f"{res.lower_bound if res.lower_bound is not None else '-':>7} {res.seconds:>8.1f} "
              f"{'yes' if valid else 'NO':>5}", flush=True)
    if gaps:
        print(f"mean gap {sum(gaps) / len(gaps):.2f} % over {len(gaps)} instances, "
              f"{time.monotonic() - t_all:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
