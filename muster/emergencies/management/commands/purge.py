"""`muster manage purge [--dry-run] [--batch N]`: purge what is past its retention, with progress."""

from django.core.management.base import BaseCommand

from muster.emergencies import purging


class Command(BaseCommand):
    help = "Delete or anonymise personal data past its retention (resumable; --dry-run only counts)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--batch", type=int, default=purging.BATCH)

    def handle(self, *args, dry_run=False, batch=purging.BATCH, **options):
        def progress(key: str, n: int) -> None:
            self.stdout.write(f"{key}: {n}", ending="\r")
            self.stdout.flush()

        run = purging.run(actor=None, dry_run=dry_run, batch=batch, progress=progress)
        self.stdout.write("")
        for key, row in run.report.get("types", {}).items():
            if dry_run:
                self.stdout.write(f"{key:32} due {row['due']:>9}  held {row['held']:>6}  ({row['days']} days)")
            else:
                self.stdout.write(f"{key:32} deleted {row['deleted']:>9}  anonymised {row['anonymised']:>9}  "
                                  f"held {row['held']:>6}  batches {row['batches']}")
        self.stdout.write(self.style.SUCCESS(f"purge run {run.pk}: {run.status}"))
