"""`muster manage pii_rotate [--batch N] [--check]`: re-encrypt ID numbers under the newest key."""


from django.conf import settings
from django.core.management.base import BaseCommand

from muster.people import rotation


class Command(BaseCommand):
    help = "Re-encrypt stored ID numbers under the first key of MUSTER_PII_KEYS (resumable; --check only counts)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=rotation.BATCH)
        parser.add_argument("--check", action="store_true", help="only count the numbers not yet under the first key")

    def handle(self, *args, batch=rotation.BATCH, check=False, **options):
        keys = list(getattr(settings, "PII_KEYS", [settings.PII_KEY]))
        if check:
            left = rotation.pending()
            self.stdout.write(f"{left} ID numbers not under the first key")
            return
        if len(keys) < 2:
            self.stdout.write("Only one key is listed (MUSTER_PII_KEYS=\"new,old\" to rotate); checking that every number opens with it.")

        def show(p: rotation.Progress) -> None:
            pct = 100 * p.seen // p.total if p.total else 100
            self.stdout.write(f"{p.seen}/{p.total} ({pct}%) rotated {p.rotated}, already current {p.current}, "
                              f"unreadable {p.unreadable}")

        p = rotation.rotate_all(batch=batch, progress=show)
        self.stdout.write(self.style.SUCCESS(f"done: {p.rotated} re-encrypted, {p.current} already under the first key, "
                                             f"{p.unreadable} that no listed key opens"))
        if p.unreadable == 0 and len(keys) > 1:
            lookup_set = settings.PII_LOOKUP_KEY_SET
            self.stdout.write("The old key(s) may now be removed from MUSTER_PII_KEYS"
                              + ("." if lookup_set else ", after setting MUSTER_PII_LOOKUP_KEY to the oldest key "
                                 "(the look-up hashes are keyed by it)."))
