"""Numbered ledger rows are keyed by their number within their own ledger: township and year
(ledger:629902100/2026/1) instead of the bare number (ledger:1), so that ledgers which restart
their numbers each year or township no longer collide. Disputes imported before keep matching their
rows: a file imported before this change, imported again, creates nothing."""

import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

PREFIX = "ledger:"
MAX_LENGTH = 64  # Dispute.external_ref
BATCH = 2000
# A row imported without a number is keyed by 40 hex digits of a digest of its content. A ledger
# number of exactly 40 lowercase hex digits is taken for a digest and left as it is: ledgers number
# their rows like 2026-001 or 12, and a digest that is not touched here keeps matching its row.
DIGEST = re.compile(r"ledger:[0-9a-f]{40}")
SCOPED = re.compile(r"ledger:(\d{6}|\d{9})/(\d{4})/(.+)", re.DOTALL)


def _convert(apps, new_ref) -> None:
    """Give each ledger-imported dispute the key new_ref(key, region, registered_at) returns (None:
    leave it as it is)."""
    Dispute = apps.get_model("disputes", "Dispute")
    imported = Dispute.objects.filter(external_ref__startswith=PREFIX).order_by("id")
    # Read first, then write: SQLite does not isolate a running query from writes to its table.
    rows = list(imported.values_list("id", "external_ref", "region_id", "registered_at"))
    # Every key there is or has been, so a new key never equals one still in the table (the unique
    # index is checked row by row); in the unlikely case of a clash the row keeps its key.
    taken = {ref for _id, ref, _region, _at in rows}
    changed = []
    for pk, ref, region, registered_at in rows:
        ref = new_ref(ref, region, registered_at)
        if ref is None or ref in taken:
            continue
        taken.add(ref)
        changed.append(Dispute(id=pk, external_ref=ref))
    Dispute.objects.bulk_update(changed, ["external_ref"], batch_size=BATCH)


def scope_refs(apps, schema_editor) -> None:
    county_tz = ZoneInfo(settings.TIME_ZONE)

    def new_ref(ref, region, registered_at):
        if DIGEST.fullmatch(ref):
            return None
        # The year as the import read it from the ledger: the date of registration in the county.
        township, year = region[:9], registered_at.astimezone(county_tz).year
        scoped = SCOPED.fullmatch(ref)
        if scoped and scoped[1] == township and int(scoped[2]) == year:
            # Already scoped: migrated, partly undone and migrated again. (An old ledger number
            # written exactly like its own scope and year is taken for one too.)
            return None
        ref = f"{PREFIX}{township}/{year}/{ref.removeprefix(PREFIX)}"
        # The old key allowed numbers of up to 57 characters, the new one 42. A longer number keeps
        # its old key; importing its file again reports that the number is too long.
        return ref if len(ref) <= MAX_LENGTH else None

    _convert(apps, new_ref)


def unscope_refs(apps, schema_editor) -> None:
    def old_ref(ref, region, registered_at):
        scoped = SCOPED.fullmatch(ref)
        return PREFIX + scoped[3] if scoped else None

    # Where two townships or years used the same number, the old key can hold only one of them: the
    # first imported takes it, the others keep the scoped key, and the old code refuses their rows
    # (as it always did) rather than count them as imported before.
    _convert(apps, old_ref)


class Migration(migrations.Migration):
    dependencies = [("disputes", "0004_fewer_indexes_on_registration")]
    operations = [migrations.RunPython(scope_refs, unscope_refs, elidable=False)]
