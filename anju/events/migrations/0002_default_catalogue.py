"""The default catalogue of a rural county (anju.events.catalogue.DEFAULT_CATALOGUE), loaded once
where the county has none; administrators change it in the admin or by importing a sheet."""

from django.db import migrations


def load(apps, schema_editor):
    from anju.events.catalogue import load_default

    load_default(apps.get_model("events", "EventClass"), apps.get_model("events", "EventType"), apps.get_model("events", "ExtraField"))


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
