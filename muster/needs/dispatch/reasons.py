"""One-line, human reasons shown next to each proposed assignment."""

from __future__ import annotations

from .models import Need, Person


def distance_text(m: int) -> str:
    return f"{m} m" if m < 1000 else f"{m / 1000:.1f} km"


def reason(need: Need, person: Person, m: int) -> str:
    """Why this person for this need, e.g. ``"1.2 km, has medical, 2 shifts this week"``."""
    parts = [distance_text(m)]
    if need.skills:
        parts.append("has " + ", ".join(need.skills))
    if need.preferred_skills:
        preferred = [s for s in need.preferred_skills if s in person.skills]
        if preferred:
            parts.append("also " + ", ".join(preferred))
    if need.affiliations:
        shared = [a for a in need.affiliations if a in person.affiliations]
        if shared:
            parts.append("member of " + shared[0])
    if need.region is not None and person.home_region == need.region:
        parts.append("home community")
    if person.load is not None:
        parts.append(f"{person.load} shift{'' if person.load == 1 else 's'} this week")
    return ", ".join(parts)
