from django.db import migrations


def forwards(apps, schema_editor):
    # Subtree filters are `path LIKE '/1/2/%'`; under a non-C collation PostgreSQL
    # only uses an index for them with the pattern operator class.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS geo_region_path_pattern ON geo_region (path varchar_pattern_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS geo_region_path_pattern")


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
