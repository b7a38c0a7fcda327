"""Local subtypes counties commonly use, each counted under a national category (DOMAIN.md).
A county edits, adds or retires them in the configuration pages."""

from django.db import migrations

DEFAULTS = [
    ("pasture_boundary", "草场边界", "forest_land"),
    ("wage_arrears", "劳资（拖欠工资）", "labour"),
    ("illegal_fundraising", "非法集资", "other"),
    ("homestead_boundary", "宅基地边界", "housing_homestead"),
    ("land_contract", "土地承包经营", "forest_land"),
    ("support_elderly", "赡养", "marriage_family"),
]


def forwards(apps, schema_editor):
    Subtype = apps.get_model("disputes", "Subtype")
    for code, name, category in DEFAULTS:
        Subtype.objects.get_or_create(code=code, defaults={"name": name, "category": category})


def backwards(apps, schema_editor):
    apps.get_model("disputes", "Subtype").objects.filter(code__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("disputes", "0002_case_file_extras")]
    operations = [migrations.RunPython(forwards, backwards)]
