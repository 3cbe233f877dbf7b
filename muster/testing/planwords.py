"""The planning engine's refusals in the coordinator's language.

`testing/planning` is pure (no Django, no catalogue) and explains in English for the command line;
a page says the same again from the option the engine names.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from muster.testing.planning.errors import PlanningError

WORDS = {
    "max_desks": _("No number of desks at each point keeps the wait within the target: add collection points, "
                   "lengthen the sampling hours or accept a longer wait."),
    "turnaround_hours": _("Even with any number of analysers the lab cannot return every result within the "
                          "turnaround target: allow more hours."),
    "max_analysers": _("The lab would need more analysers than it can have to meet the turnaround target: "
                       "allow more hours or send samples to another lab."),
}


def planning_error_words(exc: PlanningError) -> str:
    words = WORDS.get(exc.option)
    return str(words) if words is not None else exc.message
