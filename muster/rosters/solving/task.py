"""The background solve: queued by `roster_request`, run by the worker (inline in tests and the demo).

A roster never stays "solving" for ever: any error fails it with the reason, and a worker that dies
mid-solve is caught by the periodic job (`rosters.jobs.abandoned_solves_fail`).
"""

from __future__ import annotations

import logging
import threading
import time

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from muster.rosters.models import Roster
from muster.rosters.solving import store
from muster.rosters.solving.build import Built, build_input, days_around, published_grid
from muster.rosters.solving.plan import left_out
from muster.rosters.solving.words import conflict_words, violation_words

log = logging.getLogger("muster.rosters")


def enqueue(roster_id: int) -> None:
    solve_roster.enqueue(roster_id)


@task()
def solve_roster(roster_id: int) -> str:
    """Solve a queued roster; the worker runs it, tests run it inline."""
    return run(roster_id)


def run(roster_id: int) -> str:
    """Claim a queued roster and solve it; returns its status afterwards ("skipped" if somebody else took it)."""
    if not Roster.objects.filter(pk=roster_id, status=Roster.Status.QUEUED).update(status=Roster.Status.SOLVING,
                                                                                    started_at=timezone.now()):
        return "skipped"
    roster = Roster.objects.select_related("post").get(pk=roster_id)
    try:
        _run(roster)
    except Exception as exc:  # the roster must never stay "solving" for ever
        log.exception("roster %s: solve failed", roster_id)
        store.failed(roster_id, [_("The solver stopped with an error: %(e)s") % {"e": exc}], finished_at=timezone.now())
    return Roster.objects.get(pk=roster_id).status


def _run(roster: Roster) -> None:
    from muster.rosters.solver.solve import solve
    from muster.rosters.solver.validate import validate

    post = roster.post
    previous = published_grid(post, roster.start, 7 * roster.weeks)
    built = build_input(post, roster.start, roster.weeks, previous or None, **days_around(post, roster.start, roster.weeks))
    trail: list[dict] = []
    last = [0.0]
    home = threading.get_ident()

    def on_progress(p) -> None:
        trail.append({"seconds": p.seconds, "objective": p.objective, "lower_bound": p.lower_bound, "phase": p.phase})
        now = time.monotonic()
        # CP-SAT calls back from its own threads; only the task's thread may use its DB connection.
        if threading.get_ident() == home and now - last[0] > 0.5:
            last[0] = now
            store.progress(roster.pk, trail[-50:], p.objective, p.lower_bound)

    result = solve(built.inp, time_limit=float(roster.time_limit), workers=2, seed=roster.pk,
                   on_progress=on_progress, hint=_hint(built, previous))
    done = {"finished_at": timezone.now(), "engine_status": str(result.status), "seconds": result.seconds, "progress": trail[-50:],
            "left_out": left_out(built.plan)}
    if result.roster is None:
        problems = []
        if result.status == "INFEASIBLE" and result.explanation is None:
            # The solve used up its time proving there is no roster; give the explanation its own budget.
            from muster.rosters.solver.explain import explain_infeasibility

            # At least 20 s: on a busy machine proving the conflict alone took 2-5 s, and without
            # that proof the coordinator is told only that the rules conflict, not which.
            result.explanation = explain_infeasibility(built.inp, time_limit=max(20.0, float(roster.time_limit)))
        if result.explanation is not None:
            problems += conflict_words(built, result.explanation)
        if not problems:
            problems = ([_("The rules cannot all be met together.")] if result.status == "INFEASIBLE" else
                        [_("No roster was found within the time limit of %(s)d seconds; try a longer limit.") % {"s": roster.time_limit}])
        store.failed(roster.pk, problems, **done)
        return
    # The engine validated its roster; check again here so that nothing broken is ever stored.
    report = validate(built.inp, result.roster)
    if not report.valid:
        store.failed(roster.pk, violation_words(built, report.violations[:10]), **done)
        return
    store.ready(roster, built, result, report, previous, **done)


def _hint(built: Built, previous: dict[str, list[str]]):
    if not previous:
        return None
    # Only a hint: the engine validates it and ignores it when it breaks a rule now.
    return {e.id: list(previous.get(e.id, [""] * built.plan.days)) for e in built.inp.employees}
