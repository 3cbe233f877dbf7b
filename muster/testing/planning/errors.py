"""The one error the planning engine raises for inputs it cannot plan for."""

from __future__ import annotations


class PlanningError(ValueError):
    """An input the engine cannot plan for, naming the option at fault.

    ``option`` is the input field name (``max_desks``, ``turnaround_hours``);
    the command line turns it into ``--max-desks`` so the operator knows which
    figure to change.
    """

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.message = message

    def __str__(self) -> str:
        return f"{self.option}: {self.message}"
