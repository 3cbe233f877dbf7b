"""Re-mask stored resident ID numbers: region and check digit only (see core.pii.mask).

The old mask `110105********1234` is rewritten from what is stored, without the PII key:
its first six and last character are exactly what the new mask keeps. One UPDATE, so a
city's registry is re-masked in seconds on SQLite and PostgreSQL alike.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr


def remask(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    (Person.objects.using(schema_editor.connection.alias)
     .annotate(n=Length("id_masked"))
     .filter(id_type="resident", n=18, id_masked__regex=r"^.{6}\*{8}.{4}$")
     .update(id_masked=Concat(Substr("id_masked", 1, 6), Value("*" * 11), Substr("id_masked", 18, 1))))


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0004_person_name_region"),
    ]

    operations = [
        migrations.RunPython(remask, migrations.RunPython.noop, elidable=True),
    ]
