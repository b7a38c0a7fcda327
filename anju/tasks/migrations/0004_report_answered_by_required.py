import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0003: on PostgreSQL a table whose rows a migration has just updated cannot be altered
    in the same transaction (its foreign-key checks are still pending)."""

    dependencies = [
        ("tasks", "0003_report_workflow"),
    ]

    operations = [
        migrations.AlterField(
            model_name="matterreport",
            name="handling_unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="answered by",
            ),
        ),
    ]
