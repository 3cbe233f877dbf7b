"""Largest-remainder (Hamilton) apportionment: split a total over parts in proportion to weights."""

from __future__ import annotations

from collections.abc import Sequence


def largest_remainder(total: int, weights: Sequence[int | float]) -> list[int]:
    """Integer shares summing to `total`, each the floor of its quota plus one for the largest remainders.

    Ties go to the larger weight, then to the earlier part, so the result is deterministic.
    All-zero weights split the total evenly.
    """
    if total < 0:
        raise ValueError("total must be non-negative")
    if not weights:
        if total:
            raise ValueError("no parts to share among")
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative")
    ws = list(weights) if sum(weights) > 0 else [1] * len(weights)
    whole = sum(ws)
    # Exact integer arithmetic: quota_i = total * w_i / whole.
    if all(float(w).is_integer() for w in ws):
        num = [int(total * int(w)) for w in ws]
        den = int(whole)
        floors = [n // den for n in num]
        rems = [n - f * den for n, f in zip(num, floors, strict=True)]
    else:
        quotas = [total * w / whole for w in ws]
        floors = [int(q) for q in quotas]
        rems = [q - f for q, f in zip(quotas, floors, strict=True)]
    left = total - sum(floors)
    order = sorted(range(len(ws)), key=lambda i: (-rems[i], -ws[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors
