from django.db import migrations


def forwards(apps, schema_editor):
    # Two-character searches match the end of a name ("秀英" in 张秀英) through
    # reverse(name) LIKE '英秀%'; trigram indexes cannot serve two characters.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS people_person_name_rev ON people_person (reverse(name) text_pattern_ops)")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS people_person_name_pattern ON people_person (name varchar_pattern_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS people_person_name_rev")
        schema_editor.execute("DROP INDEX IF EXISTS people_person_name_pattern")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_skills_and_search")]
    operations = [migrations.RunPython(forwards, backwards)]
