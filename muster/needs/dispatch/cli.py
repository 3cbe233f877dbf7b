"""``muster dispatch solve --input INSTANCE.json``: print the proposal as JSON.

Also runnable as ``python -m muster.needs.dispatch.cli --input X.json``.
Exit status: 0 on success, 2 when the input cannot be read or is invalid
(each problem printed to stderr with its field path), 1 if the solver fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from .flow import FlowError
from .models import Instance
from .solve import greedy, prepare, solve_detailed

_MAX_ERRORS_SHOWN = 20


def field_path(loc: tuple) -> str:
    """('needs', 0, 'start') -> 'needs[0].start'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def describe(err: ValidationError) -> list[str]:
    """One line per problem: the field path and what is wrong with it."""
    lines = []
    for e in err.errors(include_url=False):
        if e["type"] == "json_invalid":
            lines.append(f"not valid JSON: {e['ctx'].get('error', e['msg']) if e.get('ctx') else e['msg']}")
        else:
            lines.append(f"{field_path(tuple(e['loc']))}: {e['msg']}")
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="muster dispatch solve",
        description="Propose who reports to which need: fill the most places, then walk the least.",
    )
    parser.add_argument("--input", required=True, metavar="INSTANCE.json", help="instance file, or - for stdin")
    parser.add_argument("--output", default="-", metavar="FILE", help="where to write the proposal (default stdout)")
    parser.add_argument("--time-limit", type=float, default=30.0, metavar="SECONDS",
                        help="bound on the CP-SAT fallback for people with several needs (default 30)")
    parser.add_argument("--baseline", action="store_true", help="greedy nearest-first baseline instead of the optimum")
    parser.add_argument("--indent", type=int, default=None, help="pretty-print the JSON")
    parser.add_argument("--stats", action="store_true", help="print timings to stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``muster dispatch solve`` with ``argv`` (without the ``dispatch solve`` words)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return int(exc.code or 0)
    source = "<stdin>" if args.input == "-" else args.input
    t0 = time.perf_counter()
    try:
        text = sys.stdin.read() if args.input == "-" else Path(args.input).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {source}: {exc}", file=sys.stderr)
        return 2
    try:
        instance = Instance.model_validate_json(text)
    except ValidationError as exc:
        lines = describe(exc)
        print(f"error: invalid instance {source} ({len(lines)} problem{'s' if len(lines) != 1 else ''}):",
              file=sys.stderr)
        for line in lines[:_MAX_ERRORS_SHOWN]:
            print(f"  {line}", file=sys.stderr)
        if len(lines) > _MAX_ERRORS_SHOWN:
            print(f"  ... and {len(lines) - _MAX_ERRORS_SHOWN} more", file=sys.stderr)
        return 2
    t1 = time.perf_counter()
    try:
        if args.baseline:
            proposal = greedy(instance, prep=prepare(instance))
            stats = None
        else:
            proposal, stats = solve_detailed(instance, time_limit_s=args.time_limit)
    except FlowError as exc:
        print(f"error: solver failed: {exc}", file=sys.stderr)
        return 1
    out = proposal.model_dump_json(indent=args.indent)
    if args.output == "-":
        sys.stdout.write(out + "\n")
    else:
        Path(args.output).write_text(out + "\n", encoding="utf-8")
    if args.stats:
        print(f"parse {t1 - t0:.2f}s, solve {time.perf_counter() - t1:.2f}s, filled {proposal.filled}, "
              f"total_m {proposal.total_m}, status {proposal.status}", file=sys.stderr)
        if stats is not None:
            print(f"  {stats}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
