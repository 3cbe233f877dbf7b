"""Paging without COUNT(*): a million-row directory must not count itself on every page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Page:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(qs, page: str | int | None, size: int = 50) -> Page:
    try:
        number = max(1, min(int(page or 1), 10_000))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(qs[start : start + size + 1])
    return Page(items=rows[:size], number=number, has_next=len(rows) > size)
