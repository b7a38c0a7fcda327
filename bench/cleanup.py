"""Putting the benchmark database back as `anju seed` left it, so one script does not skew another."""

from __future__ import annotations

from django.db import connection, transaction

from anju.disputes.models import Dispute

TABLES = ("disputes_dispute", "disputes_party", "disputes_timelineentry", "disputes_alert")


def remove_cases_from(first_id: int) -> int:
    """Remove the cases a run added (from `first_id` on) and their rows; audit rows stay, they are
    append-only. On PostgreSQL the tables are vacuumed too: the dead index entries left behind
    slowed the list benchmark's filtered pages by a fifth."""
    with transaction.atomic():
        _, removed = Dispute.objects.filter(id__gte=first_id).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
    return removed.get(Dispute._meta.label, 0)
