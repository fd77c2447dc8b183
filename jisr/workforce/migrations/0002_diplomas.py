"""Seed the list of diplomas in the social field (`jisr.workforce.diploma_list`, illustrative until
checked against decree 2.22.604's annex; see docs/workforce.md)."""

from django.db import migrations

from jisr.workforce import diploma_list
from jisr.workforce.diploma_list import DIPLOMAS


def seed(apps, schema_editor):
    diploma_list.seed(apps.get_model("workforce", "Diploma"))


def unseed(apps, schema_editor):
    apps.get_model("workforce", "Diploma").objects.filter(
        code__in=[row[0] for row in DIPLOMAS], verified=False
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
