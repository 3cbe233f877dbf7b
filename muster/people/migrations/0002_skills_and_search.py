from django.db import migrations

SKILLS = [
    ("medical", "医护培训", "Medical training"),
    ("first_aid", "急救", "First aid"),
    ("car", "有车", "Has a car"),
    ("cantonese", "会说粤语", "Speaks Cantonese"),
    ("english", "会说英语", "Speaks English"),
    ("sign_language", "手语", "Sign language"),
    ("health_code_app", "会查健康码", "Can read the health-code app"),
    ("data_entry", "数据录入", "Data entry"),
    ("sampling", "核酸采样", "Swab sampling"),
    ("lab", "实验室检测", "Lab testing"),
    ("psychology", "心理疏导", "Counselling"),
    ("electrician", "电工", "Electrician"),
    ("driver_license", "驾驶证", "Driving licence"),
    ("building_knowledge", "熟悉楼门", "Knows the buildings"),
    ("publicity", "宣传", "Publicity"),
    ("night_ok", "可值夜班", "Can do night shifts"),
]


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
