"""Pure rostering engine (CP-SAT). Imports no Django.

Public API, for the rosters app's adapter and background tasks:

- :class:`RosterInput` and its parts (:class:`ShiftType`, :class:`Employee`,
  :class:`Cover`, :class:`ShiftRequest`, :class:`PreviousRoster`,
  :class:`PairPreference`, :class:`Fairness`): what to roster;
- :func:`solve` (time limit, workers, seed, progress callback, hint) returning
  a :class:`SolveResult` (status, roster, objective, lower bound, per-rule
  penalties, validator verdict, explanation when infeasible);
- :func:`validate`: every hard rule a roster breaks, in words, and its cost;
- :func:`explain_infeasibility`: a minimal set of conflicting rules in words;
- :func:`load_curtois` / :func:`parse_curtois`: the benchmark adapter.
"""

from .curtois import load_curtois, parse_curtois
from .explain import explain_infeasibility
from .model import (
    Cover,
    Employee,
    Fairness,
    PairPreference,
    PreviousRoster,
    Roster,
    RosterInput,
    ShiftRequest,
    ShiftType,
)
from .result import (
    Conflict,
    Explanation,
    Penalty,
    PenaltyItem,
    Progress,
    SolveResult,
    SolveStatus,
    ValidationReport,
    Violation,
)
from .solve import solve
from .validate import validate

__all__ = [
    "Conflict", "Cover", "Employee", "Explanation", "Fairness", "PairPreference", "Penalty", "PenaltyItem",
    "PreviousRoster", "Progress", "Roster", "RosterInput", "ShiftRequest", "ShiftType", "SolveResult",
    "SolveStatus", "ValidationReport", "Violation", "explain_infeasibility", "load_curtois", "parse_curtois",
    "solve", "validate",
]
