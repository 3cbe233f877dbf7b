"""Plain-word helpers for explanations."""

from __future__ import annotations

from ..problem import Problem


def day_list(p: Problem, days: list[int], limit: int = 6) -> str:
    labels = [p.inp.day_label(d) for d in days[:limit]]
    if len(days) > limit:
        labels.append(f"{len(days) - limit} more days")
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def names(items: list[str], limit: int = 6) -> str:
    shown = items[:limit]
    if len(items) > limit:
        shown.append(f"{len(items) - limit} others")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h" if not m else f"{h} h {m:02d}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
