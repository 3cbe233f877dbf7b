"""Which emergency new work belongs to: asked by the domains, answered by the emergencies app.

A campaign, a need, a post or a quarantine case is created for the emergency whose purpose
allows collecting its data (PIPL art. 6: use bound to the stated purpose); retention and the
emergency's own page count the work through that link. The domains ask this registry, which
sits below them, so none of them imports the emergencies app (GUIDE.md §4, convention 11).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_resolver: Callable[[Any], int | None] | None = None


def register(resolver: Callable[[Any], int | None]) -> None:
    """Install the answer: region -> id of the active emergency covering it, or None."""
    global _resolver
    _resolver = resolver


def emergency_for(region) -> int | None:
    """The id of the active emergency whose region covers `region` (the most local one), if any."""
    return _resolver(region) if _resolver is not None and region is not None else None
