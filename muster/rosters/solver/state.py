"""The search's state, shared by its phases: the best valid roster so far, the bound, the deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .build import static_allowed
from .problem import Problem
from .result import Progress
from .validate import validate

ProgressCallback = Callable[[Progress], bool | None]

# The sub-models' CP-SAT search (rolling horizon, neighbourhoods): the LP search with every cut.
SUB_PARAMS: dict = {"subsolvers": ["max_lp"]}


@dataclass
class State:
    p: Problem
    t0: float
    deadline: float
    best: np.ndarray | None = None
    best_obj: int | None = None
    bound: int | None = None
    optimal: bool = False
    on_progress: ProgressCallback | None = None
    stopped: bool = False
    hint: np.ndarray | None = None  # guide for the first search when there is no valid roster yet
    lp_pref: np.ndarray | None = None  # x[e, d, s] of the linear relaxation, when solved
    lns_totals: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)

    @property
    def incumbent(self) -> np.ndarray:
        """The best roster so far: the improving phases run only once construction found one."""
        if self.best is None:
            raise RuntimeError("no roster to improve yet")
        return self.best

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def offer(self, a: np.ndarray, phase: str) -> bool:
        """Keep `a` if it is valid and no worse than the best; True if strictly better."""
        rep = validate(self.p.inp, self.p.to_roster(a))
        if not rep.valid:
            self.stats["rejected_invalid"] = self.stats.get("rejected_invalid", 0) + 1
            return False
        if self.best_obj is not None and rep.objective > self.best_obj:
            return False
        better = self.best_obj is None or rep.objective < self.best_obj
        self.best, self.best_obj = a.copy(), rep.objective
        if better:
            self.report(phase)
        return better

    def report(self, phase: str) -> None:
        if self.on_progress is None or self.best_obj is None:
            return
        msg = Progress(seconds=round(self.elapsed(), 3), objective=self.best_obj, lower_bound=self.bound,
                       phase=phase)
        if self.on_progress(msg) is False:
            self.stopped = True

    def done(self) -> bool:
        if self.bound is not None and self.best_obj is not None and self.best_obj <= self.bound:
            self.optimal = True
        return self.optimal or self.stopped or self.left() <= 0.05


def model_size(p: Problem) -> int:
    return int(static_allowed(p).sum())
