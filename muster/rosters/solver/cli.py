"""`muster roster solve-curtois FILE [--time-limit SECONDS] [--workers N] [--seed N]`.

Solves one Curtois & Qu benchmark instance with the rostering engine and
prints one JSON object: instance, status, objective, lower bound, seconds,
the roster (one shift id or "" per staff member per day) and the verdict of
the independent validator.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .curtois import load_curtois
from .solve import solve
from .validate import validate


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="muster roster solve-curtois",
                                 description="Solve a Curtois & Qu shift scheduling benchmark instance.")
    ap.add_argument("file", help="instance file, e.g. Instance1.txt")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    ap.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    ap.add_argument("--seed", type=int, default=0)
    return ap


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    path = Path(args.file)
    if not path.exists():
        print(json.dumps({"error": f"no such file: {path}"}), file=sys.stderr)
        return 2
    inp = load_curtois(path)
    res = solve(inp, args.time_limit, workers=args.workers, seed=args.seed, explain=False)
    out: dict = {
        "instance": path.stem,
        "status": res.status.value,
        "objective": res.objective,
        "lower_bound": res.lower_bound,
        "seconds": round(res.seconds, 2),
        "roster": res.roster,
    }
    if res.roster is not None:
        # checked again here, independently of the solver, before anything is printed
        report = validate(inp, res.roster)
        out["valid"] = report.valid
        out["violations"] = [v.message for v in report.violations]
        out["objective"] = report.objective
    else:
        out["valid"] = False
        out["violations"] = []
    print(json.dumps(out))
    return 0 if out["valid"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
