from django.db import migrations

ROLES = [
    ("gate_duty", "卡口值守", "Gate duty"),
    ("publicity", "宣传", "Publicity"),
    ("cleaning", "环境消杀", "Cleaning"),
    ("persuasion", "劝导", "Persuasion"),
    ("errands", "代购跑腿", "Errands"),
    ("contact_screening", "密接排查", "Contact screening"),
    ("door_knocking", "敲门行动", "Door-knocking"),
    ("sampling_order", "采样点秩序", "Sampling-site order"),
    ("kit_preparation", "试剂盒分装", "Test-kit preparation"),
    ("data_entry", "数据录入", "Data entry"),
]


def seed(apps, schema_editor):
    NeedRole = apps.get_model("needs", "NeedRole")
    for i, (code, zh, en) in enumerate(ROLES):
        NeedRole.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en, "order": (i + 1) * 10})


class Migration(migrations.Migration):
    dependencies = [("needs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
