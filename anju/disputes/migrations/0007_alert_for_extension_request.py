"""An alert knows the request for more time it asks about, so deciding the request clears it.
Alerts written before are linked to their request (written in the same transaction, so within
seconds of it) and, where the request is decided already, cleared as of the decision."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

SAME_WRITE = dt.timedelta(seconds=5)


def link_existing(apps, schema_editor):
    Alert = apps.get_model("disputes", "Alert")
    ExtensionRequest = apps.get_model("disputes", "ExtensionRequest")
    for request in ExtensionRequest.objects.iterator():
        alerts = Alert.objects.filter(
            extension__isnull=True,
            dispute_id=request.dispute_id,
            unit_id=request.approver_unit_id,
            created_at__gte=request.requested_at - SAME_WRITE,
            created_at__lte=request.requested_at + SAME_WRITE,
        )
        alerts.update(extension=request)
        if request.decision != "pending":
            Alert.objects.filter(extension=request, acknowledged_at__isnull=True).update(
                acknowledged_by_id=request.decided_by_id, acknowledged_at=request.decided_at
            )


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0006_open_cases_by_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="extension",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="alerts",
                to="disputes.extensionrequest",
                verbose_name="extension request",
            ),
        ),
        migrations.RunPython(link_existing, migrations.RunPython.noop),
    ]
