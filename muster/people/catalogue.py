"""The seeded skill catalogue (a data migration loads it; tests that flush the database reload it)."""

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


def ensure_skills() -> None:
    from muster.people.models import Skill

    for code, zh, en in SKILLS:
        Skill.objects.get_or_create(code=code, defaults={"name_zh": zh, "name_en": en})
