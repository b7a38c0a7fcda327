"""anju rotate-field-key: re-encrypt every encrypted field under the first key of ANJU_FIELD_KEYS.

Rotation: put the new key first (keep the old ones after it), run this, then drop the old keys.
Rows already under the first key are left alone, so the command can be stopped and run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from anju.audit.actions import record
from anju.core import fieldcrypt
from anju.core.commands import ProgressBar
from anju.core.scoping import SYSTEM

CHUNK = 500


class Command(BaseCommand):
    help = "Re-encrypt the encrypted fields (tips' informants) under the first key of ANJU_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="print a new key to put first, and stop")

    def handle(self, *args, **options):
        if options["new_key"]:
            self.stdout.write(fieldcrypt.new_key())
            return
        fieldcrypt.keys()  # refuses clearly when none is configured
        total = 0
        for model, names in fieldcrypt.encrypted_fields():
            bar = ProgressBar(self.stderr)
            changed = rotate_model(model, names, progress=bar)
            bar.finish()
            total += changed
            self.stdout.write(f"{model._meta.label}: {changed} rows re-encrypted")
        record(SYSTEM, "fieldcrypt.rotate", after={"rows": total})
        self.stdout.write(self.style.SUCCESS(f"done: {total} rows re-encrypted under the first key"))


def rotate_model(model, names: list[str], *, progress=None) -> int:
    """Re-encrypt the rows of one model whose tokens are not under the first key; the count."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(n).column for n in names]
    pk = model._meta.pk.column
    select = ", ".join(connection.ops.quote_name(c) for c in [pk, *columns])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  (the model's own table)
        rows = cursor.fetchone()[0]
    done = changed = 0
    last = None
    while True:
        with connection.cursor() as cursor:
            where = f" WHERE {connection.ops.quote_name(pk)} > %s" if last is not None else ""
            cursor.execute(
                f"SELECT {select} FROM {table}{where} ORDER BY {connection.ops.quote_name(pk)} LIMIT {CHUNK}",  # noqa: S608
                [last] if last is not None else [],
            )
            chunk = cursor.fetchall()
        if not chunk:
            break
        with transaction.atomic():
            for key, *tokens in chunk:
                stale = {
                    name: fieldcrypt.decrypt(token)
                    for name, token in zip(names, tokens, strict=True)
                    if token and not fieldcrypt.under_first_key(token)
                }
                if stale:
                    # The field encrypts plain text under the first key as it is written.
                    model._base_manager.filter(pk=key).update(**stale)
                    changed += 1
        last = chunk[-1][0]
        done += len(chunk)
        if progress is not None:
            progress(done, rows)
    return changed
