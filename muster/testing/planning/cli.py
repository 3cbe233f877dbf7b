"""``muster plan pool|desks|lab``: the planning engine on the command line.

Prints one JSON object on stdout. Bad input prints a message naming the
option on stderr and exits with status 2. Figures are rounded for reading
(tests per person to 4 decimals, Erlangs to 2, mean wait to 1); the Python
API keeps full precision.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import PlanningError
from .lab import LabPlanInput, plan_lab
from .pooling import DEFAULT_MAX_POOL, DEFAULT_STAGES, PoolPlanInput, plan_pools
from .queueing import DEFAULT_MAX_DESKS, DeskPlanInput, plan_desks
from .simulation import SimulationInput, simulate_queue

PROG = "muster plan"

# Decimals per output key; keys not listed are printed as computed.
_DECIMALS = {
    "tests_per_person": 4,
    "entropy_lower_bound": 4,
    "saving_vs_individual": 4,
    "p_reached": 4,
    "p_positive": 4,
    "erlangs": 2,
    "erlangs_per_point": 2,
    "arrivals_per_minute": 2,
    "mean_wait_minutes": 1,
    "max_wait_minutes": 1,
    "p_wait": 4,
    "p_wait_over": 4,
    "utilisation": 4,
    "expected_tubes": 1,
    "expected_retests": 1,
    "expected_tests": 1,
    "expected_completion_hours": 2,
    "last_departure_hours": 2,
    "run_hours": 2,
    "duration_hours": 2,
    "staff_per_shift": 1,
    "staff": 1,
}


def to_json(value: Any, key: str | None = None) -> str:
    """JSON text with floats at fixed decimals by key (``"tests_per_person": 0.1980``),
    so the printed figures read the way the planning tables quote them."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {to_json(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(to_json(v, key) for v in value) + "]"
    if isinstance(value, float) and math.isfinite(value) and key in _DECIMALS:
        return f"{value:.{_DECIMALS[key]}f}"
    return json.dumps(value, ensure_ascii=False)


def _int_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers, got {text!r}") from None


def _option(field: str) -> str:
    return "--" + field.replace("_", "-")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors come back as exit codes, not process exits."""

    def exit(self, status: int = 0, message: str | None = None) -> Any:
        if message:
            self._print_message(message, sys.stderr)
        raise _Exit(status)


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _add_pool_options(parser: argparse.ArgumentParser, *, prevalence_required: bool = True) -> None:
    parser.add_argument(
        "--prevalence",
        type=float,
        required=prevalence_required,
        help="expected share of positives, in (0, 1)",
    )
    parser.add_argument(
        "--max-pool",
        type=int,
        default=DEFAULT_MAX_POOL,
        help=f"largest first-round pool the lab may run (default {DEFAULT_MAX_POOL})",
    )
    parser.add_argument(
        "--stages",
        type=int,
        default=DEFAULT_STAGES,
        help=f"most testing rounds, the last single tubes; 2 = Dorfman (default {DEFAULT_STAGES})",
    )
    parser.add_argument(
        "--allowed", type=_int_list, default=None, help="lab-approved first-round ratios, e.g. 1,5,10,20"
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``muster plan`` argument parser with its three subcommands."""
    parser = _Parser(prog=PROG, description="Plan pooled testing, sampling desks and lab capacity.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    pool = sub.add_parser("pool", help="cheapest pool sizes for a prevalence")
    _add_pool_options(pool)

    desks = sub.add_parser("desks", help="desks for a population and a window (Erlang C)")
    desks.add_argument("--people", type=int, required=True, help="people to sample")
    desks.add_argument("--hours", type=float, required=True, help="sampling window in hours")
    desks.add_argument("--service-seconds", type=float, default=30, help="mean swab time (default 30)")
    desks.add_argument("--max-mean-wait-minutes", type=float, default=5, help="target mean wait (default 5)")
    desks.add_argument(
        "--wait-over-minutes",
        type=float,
        default=10,
        help="report the chance of waiting over this (default 10)",
    )
    desks.add_argument("--max-p-wait-over", type=float, default=None, help="cap on that chance, e.g. 0.05")
    desks.add_argument(
        "--points", type=int, default=1, help="collection points sharing the people (default 1)"
    )
    desks.add_argument(
        "--max-desks",
        type=int,
        default=DEFAULT_MAX_DESKS,
        help=f"most desks per point (default {DEFAULT_MAX_DESKS})",
    )
    desks.add_argument("--simulate", action="store_true", help="also simulate the queue to check Erlang C")
    desks.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    desks.add_argument("--customers", type=int, default=50_000, help="simulated arrivals (default 50000)")

    lab = sub.add_parser("lab", help="analysers and staff for a turnaround target")
    who = lab.add_mutually_exclusive_group(required=True)
    who.add_argument("--people", type=int, help="people sampled")
    who.add_argument("--tubes", type=int, help="first-round tubes received")
    _add_pool_options(lab)
    lab.add_argument(
        "--pool-sizes",
        type=_int_list,
        default=None,
        help="the lab's scheme, e.g. 10 or 27,9,3 (1 = single tubes)",
    )
    lab.add_argument(
        "--turnaround-hours", type=float, default=24, help="deadline for the last result (default 24)"
    )
    lab.add_argument("--runs-per-day", type=float, default=13, help="runs per analyser per day (default 13)")
    lab.add_argument("--tubes-per-run", type=int, default=96, help="tubes per run (default 96)")
    lab.add_argument("--staff-per-analyser-shift", type=float, default=2, help="staff per analyser per shift")
    lab.add_argument("--shift-hours", type=float, default=8, help="shift length (default 8)")
    lab.add_argument("--transport-hours", type=float, default=0, help="lead time before the first run")
    lab.add_argument(
        "--analysers", type=int, default=None, help="fixed analyser count: report its completion time"
    )
    lab.add_argument("--max-analysers", type=int, default=1000, help="search cap (default 1000)")
    return parser


def _make(model: type[BaseModel], args: argparse.Namespace, **extra: Any) -> Any:
    fields = {name: getattr(args, name) for name in model.model_fields if hasattr(args, name)}
    fields.update(extra)
    return model(**{k: v for k, v in fields.items() if v is not None})


def _run_pool(args: argparse.Namespace) -> dict[str, Any]:
    plan = plan_pools(_make(PoolPlanInput, args))
    out = plan.model_dump()
    out["saving_vs_individual"] = 1 - plan.tests_per_person
    return out


def _run_desks(args: argparse.Namespace) -> dict[str, Any]:
    inp: DeskPlanInput = _make(DeskPlanInput, args)
    plan = plan_desks(inp)
    out = plan.model_dump()
    if args.simulate:
        sim = simulate_queue(
            SimulationInput(
                people=inp.people,
                hours=inp.hours * inp.points,  # one point's share of the arrival rate
                service_seconds=inp.service_seconds,
                desks=plan.desks_per_point,
                customers=args.customers,
                warmup=args.customers // 10,
                wait_over_minutes=inp.wait_over_minutes,
                seed=args.seed,
            )
        )
        out["simulation"] = sim.model_dump()
    return out


def _run_lab(args: argparse.Namespace) -> dict[str, Any]:
    return plan_lab(_make(LabPlanInput, args)).model_dump()


_COMMANDS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "pool": _run_pool,
    "desks": _run_desks,
    "lab": _run_lab,
}


def _fail(command: str, message: str) -> int:
    print(f"{PROG} {command}: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    """Run ``muster plan <pool|desks|lab> [options]``; ``argv`` starts at the
    subcommand. Prints JSON, returns 0; on bad input prints the option at
    fault on stderr and returns 2."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except _Exit as done:
        return done.status
    try:
        out = _COMMANDS[args.command](args)
    except ValidationError as exc:
        messages = []
        for error in exc.errors():
            fields = [str(part) for part in error["loc"] if isinstance(part, str)]
            where = _option(fields[0]) if fields else "input"
            text = error["msg"].removeprefix("Value error, ")
            if fields and "input" in error and not isinstance(error["input"], dict):
                text += f" (got {error['input']!r})"
            messages.append(f"{where}: {text}")
        return _fail(args.command, "; ".join(messages))
    except PlanningError as exc:
        return _fail(args.command, f"{_option(exc.option)}: {exc.message}")
    print(to_json(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
