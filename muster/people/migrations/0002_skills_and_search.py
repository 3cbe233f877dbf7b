from django.db import migrations

from muster.people.catalogue import SKILLS



def seed(apps, schema_editor):
    Skill = apps.get_model("people", "Skill")
    for code, zh, en in SKILLS:
        Skill.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en})
    if schema_editor.connection.vendor == "postgresql":
        # Name search is `name LIKE '%x%'`: a trigram index keeps it fast at a million people.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS people_person_name_trgm ON people_person USING gin (name gin_trgm_ops)")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS people_person_phone_pattern ON people_person (phone varchar_pattern_ops)")


def unseed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS people_person_name_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS people_person_phone_pattern")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
