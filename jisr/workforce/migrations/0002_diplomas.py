"""Seed the list of diplomas in the social field.

ILLUSTRATIVE: decree 2.22.604 (21 March 2024) requires a diploma "on the official list", but the
annex holding that list is not in Jisr's references. The entries and their `on_official_list`
flags below are a plausible starting point, each with `verified=False`; correct them from the
annex (a new data migration) and set `verified=True`. See docs/workforce.md.
"""

from django.db import migrations

SOURCE = "Illustrative (decree 2.22.604's annex not in the references): check against the annex"
DIPLOMAS = (
    # code, French, Arabic, English, issued by, on the official list (illustrative)
    (
        "licence-pro-travail-social",
        "Licence professionnelle en travail social",
        "الإجازة المهنية في العمل الاجتماعي",
        "Professional bachelor's degree in social work",
        "Institut national de l'action sociale (INAS), universities",
        True,
    ),
    (
        "assistant-social",
        "Diplôme d'assistant social",
        "دبلوم المساعد الاجتماعي",
        "Social assistant diploma",
        "Institut national de l'action sociale (INAS)",
        True,
    ),
    (
        "master-travail-social",
        "Master en travail social",
        "الماستر في العمل الاجتماعي",
        "Master's degree in social work",
        "Universities",
        True,
    ),
    (
        "educateur-specialise",
        "Diplôme d'éducateur spécialisé",
        "دبلوم المربي المتخصص",
        "Specialised educator diploma",
        "Training institutes of the social sector",
        True,
    ),
    (
        "licence-sociologie",
        "Licence en sociologie",
        "الإجازة في علم الاجتماع",
        "Bachelor's degree in sociology",
        "Universities",
        False,
    ),
    (
        "licence-psychologie",
        "Licence en psychologie",
        "الإجازة في علم النفس",
        "Bachelor's degree in psychology",
        "Universities",
        False,
    ),
)


def seed(apps, schema_editor):
    Diploma = apps.get_model("workforce", "Diploma")
    for code, name_fr, name_ar, name_en, issued_by, official in DIPLOMAS:
        Diploma.objects.update_or_create(
            code=code,
            defaults={
                "name_fr": name_fr,
                "name_ar": name_ar,
                "name_en": name_en,
                "issued_by": issued_by,
                "on_official_list": official,
                "verified": False,
                "source": SOURCE,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("workforce", "Diploma").objects.filter(
        code__in=[row[0] for row in DIPLOMAS], verified=False
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
