"""The database cache's table (settings.CACHES without REDIS_URL): the public pages' throttle counters live there.

`createcachetable` is idempotent and skips caches that are not database caches, so this runs
the same on a fresh database, an existing one, and with Redis configured.
"""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create, migrations.RunPython.noop),
    ]
