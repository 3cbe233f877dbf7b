from django.core.management.base import BaseCommand

from muster.notifications.delivery import flush_due


class Command(BaseCommand):
    help = "Deliver pending notifications whose retry time has come (run from cron when the worker cannot defer)."

    def handle(self, *args, **opts):
        self.stdout.write(f"{flush_due()} notification(s) tried")
