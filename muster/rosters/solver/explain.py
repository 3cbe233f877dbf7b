"""Why no roster exists, in words a community coordinator understands.

Every hard rule group (one person's days off, one shift's minimum headcount,
...) gets an assumption literal. CP-SAT names a sufficient set of them that
cannot hold together; deletion then shrinks it to a minimal set: dropping any
one rule of the set makes the rest satisfiable (within the time limit: if a
check runs out of time the rule is kept and the set is marked not minimal).
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from .build import build, run
from .context import Context, GroupKey, Region
from .model import RosterInput
from .problem import Problem
from .result import Conflict, Explanation
from .rules import HARD_RULES, rule_for_key
from .rules.words import names, plural

# rules that forbid single assignments, and how to say why someone is unavailable
_UNAVAILABLE = {
    "days_off": "off that day",
    "shift_max": "not allowed on this shift",
    "day_minutes": "the shift is longer than their daily limit",
    "night_consent": "do not do nights",
    "night_age": "over {age} and may not work nights",
}


def minimal_conflict(p: Problem, time_limit: float = 30.0, workers: int = 2, *,
                     region: Region | None = None, base: np.ndarray | None = None
                     ) -> tuple[list[GroupKey], bool] | None:
    """A minimal set of hard rule groups that cannot all hold, and whether it is proven minimal.

    None when the rules can all be met (or no answer came within the time).
    """
    t_end = time.monotonic() + time_limit
    ctx = build(p, region, base, explain=True)
    keys = list(ctx.assumptions)
    lits = [ctx.assumptions[k] for k in keys]
    by_index = {lit.index: k for k, lit in zip(keys, lits, strict=True)}
    # The first proof is the one that matters: any core it names is a true explanation, the
    # deletion below only makes it smaller. So it gets most of the time.
    t0 = time.monotonic()
    res = _check(ctx, lits, max(0.5, 0.8 * time_limit), workers)
    if res.status != "INFEASIBLE":
        return None
    # A trial with one rule fewer is about as hard as that first proof: a shorter limit than it
    # took (a busy machine) only ever times out and leaves the set unminimised.
    trial_limit = max(1.0, time_limit / 10, 1.5 * (time.monotonic() - t0))
    core = _core(res.solver, by_index) or keys
    minimal = True
    i = 0
    while i < len(core):
        left = t_end - time.monotonic()
        if left <= 0.05:
            minimal = False
            break
        trial = core[:i] + core[i + 1:]
        r = _check(ctx, [ctx.assumptions[k] for k in trial], min(left, trial_limit), workers)
        if r.status == "INFEASIBLE":
            smaller = _core(r.solver, by_index)
            core = [k for k in trial if k in set(smaller)] if smaller else trial
            # keep position i: the rule now at i has not been tried yet
            i = min(i, len(core))
        else:
            if r.status != "OPTIMAL" and r.status != "FEASIBLE":
                minimal = False
            i += 1
    return core, minimal


def _check(ctx: Context, lits: list, limit: float, workers: int):
    ctx.model.clear_assumptions()
    return run(ctx, limit, workers=workers, assumptions=lits or None)


def _core(solver: cp_model.CpSolver, by_index: dict[int, GroupKey]) -> list[GroupKey]:
    return [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]


def explain_infeasibility(inp: RosterInput, time_limit: float = 30.0, workers: int = 2) -> Explanation | None:
    """Plain-word explanation of a minimal set of conflicting hard rules, or None if there is none."""
    p = Problem.of(inp)
    found = minimal_conflict(p, time_limit, workers)
    if found is None:
        return None
    core, minimal = found
    return describe_conflict(p, core, minimal)


def describe_conflict(p: Problem, core: list[GroupKey], minimal: bool = True) -> Explanation:
    conflicts = [Conflict(rule=k[0], key=[str(x) if not isinstance(x, int) else x for x in k],
                          message=rule_for_key(k).describe(k, p)) for k in core]
    headline = [_cell_shortage(p, k, core) for k in core if k[0] in ("cover_min", "cover_skill", "night_mix")]
    headline = [h for h in headline if h]
    if headline:
        summary = "; ".join(headline) + "."
    else:
        summary = "These rules cannot all be met together: " + "; ".join(c.message for c in conflicts) + "."
    return Explanation(summary=summary[0].upper() + summary[1:], conflicts=conflicts, minimal=minimal)


def _unavailable(p: Problem, core: list[GroupKey], d: int, s: int) -> dict[int, list[str]]:
    """Employees the core's single-assignment rules keep off shift s on day d, with why."""
    why: dict[int, list[str]] = defaultdict(list)
    in_core = set(core)
    for rule in HARD_RULES:
        if not rule.applies(p):
            continue
        for e, dd, ss, key in rule.exclusions(p):
            if key in in_core and (dd is None or dd == d) and (ss is None or ss == s):
                why[e].append(key[0])
    return why


def _cell_shortage(p: Problem, key: GroupKey, core: list[GroupKey]) -> str:
    d, s = key[1], key[2]
    if key[0] == "cover_skill":
        need = p.cover[(d, s)].skills[key[3]]
        pool = [e for e, emp in enumerate(p.inp.employees) if key[3] in emp.skills]
        what = f"{need} with the skill '{key[3]}'"
    elif key[0] == "night_mix":
        need = 1
        limit = p.inp.night_needs_age_at_most
        assert limit is not None, "the night_mix rule is only built with an age limit"
        pool = [e for e, emp in enumerate(p.inp.employees) if emp.age is not None and emp.age <= limit]
        what = f"someone aged {limit} or under"
    else:
        need = p.cover[(d, s)].hard_min or 0
        pool = list(range(p.E))
        what = plural(need, "person").replace("persons", "people")
    why = _unavailable(p, core, d, s)
    free = [e for e in pool if e not in why]
    where = f"{p.inp.day_label(d)} {p.shift_label(s)}"
    qualifiers = []
    if any("night_age" in w for w in why.values()):
        qualifiers.append(f"aged {p.inp.no_night_over_age} or under")
    text = f"{where} needs {what}; only {len(free)} {'is' if len(free) == 1 else 'are'} available"
    if qualifiers:
        text += " and " + " and ".join(qualifiers)
    reasons: dict[str, list[str]] = defaultdict(list)
    for e, rules in why.items():
        if e in pool:
            for r in rules:
                reasons[r].append(p.emp_label(e))
    parts = []
    for r, who in reasons.items():
        phrase = _UNAVAILABLE.get(r, r).format(age=p.inp.no_night_over_age)
        parts.append(f"{names(who)} {phrase}" if r != "night_age" else f"{names(who)} are {phrase}")
    if parts:
        text += " (" + "; ".join(parts) + ")"
    others = [k for k in core if k != key and k[0] not in _UNAVAILABLE
              and k[0] not in ("cover_min", "cover_skill", "night_mix")]
    if others:
        text += ", given that " + "; ".join(rule_for_key(k).describe(k, p) for k in others)
    return text
