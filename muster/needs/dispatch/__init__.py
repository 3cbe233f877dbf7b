"""Muster's dispatch engine: who reports to which need (pure Python, no Django).

Public API::

    from muster.needs.dispatch import Instance, solve, PeopleIndex, suggest, validate

    proposal = solve(Instance.model_validate(data))          # -> Proposal
    index = PeopleIndex.build(instance.people, max_km=5)     # once
    top = suggest(need, index, k=20)                         # -> list[Suggestion]
    assert validate(instance, proposal) == []

See README.md beside this file for the model, the objective and its terms.
"""

from .geo import EARTH_RADIUS_M, haversine_m
from .index import PeopleIndex
from .models import Assignment, Instance, Need, Person, Proposal, Unfilled, Weights
from .solve import SolveStats, greedy, solve, solve_detailed
from .suggest import Suggestion, suggest
from .validate import objective, validate

__all__ = [
    "EARTH_RADIUS_M",
    "Assignment",
    "Instance",
    "Need",
    "PeopleIndex",
    "Person",
    "Proposal",
    "SolveStats",
    "Suggestion",
    "Unfilled",
    "Weights",
    "greedy",
    "haversine_m",
    "objective",
    "solve",
    "solve_detailed",
    "suggest",
    "validate",
]
