"""Re-encrypting stored ID numbers under the first PII key (core.pii.rotate), in batches.

No downtime: while it runs every listed key decrypts, so reads and writes go on; each batch is
one short transaction, and each row is updated only if its cipher is still the one read (a
clerk's concurrent edit wins). Stateless and idempotent: rows already under the first key are
skipped, so an interrupted rotation is resumed by running it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from muster.core import pii
from muster.core.transactions import atomic
from muster.people.models import Person

BATCH = 2000


@dataclass
class Progress:
    total: int = 0  # rows with a cipher
    seen: int = 0
    rotated: int = 0
    current: int = 0  # already under the first key
    unreadable: int = 0  # no listed key opens it: left alone, reported


def pending() -> int:
    """Rows whose cipher the first key does not open (what is left to rotate, or unreadable)."""
    n = 0
    for token in Person.objects.exclude(id_cipher="").values_list("id_cipher", flat=True).iterator(chunk_size=BATCH):
        if pii.rotate(token) is not None or not pii.decrypt(token):
            n += 1
    return n


def rotate_all(*, batch: int = BATCH, progress: Callable[[Progress], None] | None = None) -> Progress:
    p = Progress(total=Person.objects.exclude(id_cipher="").count())
    last = 0
    while True:
        rows = list(Person.objects.filter(pk__gt=last).exclude(id_cipher="").order_by("pk")
                    .values_list("pk", "id_cipher")[:batch])
        if not rows:
            break
        last = rows[-1][0]
        with atomic():
            for pk, token in rows:
                new = pii.rotate(token)
                if new is None:
                    if pii.decrypt(token):
                        p.current += 1
                    else:
                        p.unreadable += 1
                    continue
                p.rotated += Person.objects.filter(pk=pk, id_cipher=token).update(id_cipher=new)
        p.seen += len(rows)
        if progress:
            progress(p)
    return p
