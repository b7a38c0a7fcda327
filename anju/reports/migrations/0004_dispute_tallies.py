from django.db import migrations, models
from django.db.models import Q, Sum


def tally_the_cells(apps, schema_editor):
    """A rollup built before the tallies is summed into them here, so its figures stay right without a
    rebuild."""
    cell = apps.get_model("reports", "DisputeCell")
    tally = apps.get_model("reports", "DisputeTally")
    resolution = apps.get_model("reports", "ResolutionTally")
    tallies = (
        cell.objects.values("month", "region", "category", "channel")
        .annotate(
            n=Sum("cases"),
            r=Sum("cases", filter=Q(resolved_month__gt=0), default=0),
            e=Sum("cases", filter=Q(escalated_month__gt=0), default=0),
        )
        .order_by()
    )
    tally.objects.bulk_create(
        (
            tally(
                month=t["month"],
                region=t["region"],
                category=t["category"],
                channel=t["channel"],
                cases=t["n"],
                resolved=t["r"],
                escalated=t["e"],
            )
            for t in tallies.iterator()
        ),
        batch_size=2000,
    )
    resolutions = (
        cell.objects.filter(resolved_month__gt=0)
        .values("month", "region", "category", "origin_level", "resolved_level")
        .annotate(n=Sum("cases"), s=Sum("seconds_to_resolve"))
        .order_by()
    )
    resolution.objects.bulk_create(
        (
            resolution(
                month=r["month"],
                region=r["region"],
                category=r["category"],
                origin_level=r["origin_level"],
                resolved_level=r["resolved_level"],
                cases=r["n"],
                seconds_to_resolve=r["s"],
            )
            for r in resolutions.iterator()
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_dispute_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="DisputeTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region", models.CharField(max_length=9)),
                ("month", models.PositiveIntegerField()),
                ("category", models.CharField(max_length=30)),
                ("channel", models.CharField(max_length=20)),
                ("cases", models.IntegerField()),
                ("resolved", models.IntegerField()),
                ("escalated", models.IntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="ResolutionTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region", models.CharField(max_length=9)),
                ("month", models.PositiveIntegerField()),
                ("category", models.CharField(max_length=30)),
                ("origin_level", models.CharField(max_length=10)),
                ("resolved_level", models.CharField(max_length=10)),
                ("cases", models.IntegerField()),
                ("seconds_to_resolve", models.BigIntegerField()),
            ],
        ),
        migrations.AddIndex(
            model_name="disputecell",
            index=models.Index(fields=["resolved_month", "month"], name="dispute_cell_resolved"),
        ),
        migrations.AddIndex(
            model_name="disputecell",
            index=models.Index(fields=["escalated_month", "month"], name="dispute_cell_escalated"),
        ),
        migrations.AddConstraint(
            model_name="disputetally",
            constraint=models.UniqueConstraint(
                fields=("month", "region", "category", "channel"), name="dispute_tally_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="resolutiontally",
            constraint=models.UniqueConstraint(
                fields=("month", "region", "category", "origin_level", "resolved_level"),
                name="resolution_tally_key",
            ),
        ),
        migrations.RunPython(tally_the_cells, migrations.RunPython.noop),
    ]
