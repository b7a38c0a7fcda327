"""The hash chain's seal on every audit row, and TRUNCATE refused.

A row's seal (`seq`, `chain_hash`) is written once, after the row committed (anju/audit/chain.py);
the triggers now let exactly that change through and refuse every other. PostgreSQL also refuses
TRUNCATE, which empties a table without firing DELETE triggers (so does Django's flush between
transactional tests, of which the suite has none: one would have to flush as a superuser with
`SET LOCAL session_replication_role = replica`, which switches triggers off). SQLite has no
TRUNCATE, and still allows DELETE (the test runner empties tables with it); its triggers refuse any
UPDATE but the seal, and a row removed there shows as a gap in the chain.
"""

from django.conf import settings
from django.db import migrations, models

TABLES = {"audit_auditevent": "AuditEvent", "audit_accessrecord": "AccessRecord"}
SEAL = ("seq", "chain_hash")

# The seal may be given once: from no place to a place and a hash, with nothing else changed.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION anju_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.chain_hash IS NOT NULL
           AND to_jsonb(NEW) - 'seq' - 'chain_hash' = to_jsonb(OLD) - 'seq' - 'chain_hash' THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""

PG_FUNCTION_BEFORE = """
CREATE OR REPLACE FUNCTION anju_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only (%)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _sqlite_trigger(apps, table: str, allow_seal: bool) -> str:
    condition = ""
    if allow_seal:
        model = apps.get_model("audit", TABLES[table])
        same = " AND ".join(
            f'NEW."{f.column}" IS OLD."{f.column}"' for f in model._meta.concrete_fields if f.name not in SEAL
        )
        condition = f"WHEN NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.chain_hash IS NOT NULL AND {same}) "
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} {condition}"
        "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
    )


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION anju_audit_append_only();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")
            schema_editor.execute(_sqlite_trigger(apps, table, allow_seal=True))


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
        schema_editor.execute(PG_FUNCTION_BEFORE, params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")
            schema_editor.execute(_sqlite_trigger(apps, table, allow_seal=False))


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='accessrecord',
            name='chain_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name='chain hash'),
        ),
        migrations.AddField(
            model_name='accessrecord',
            name='seq',
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name='place in the chain'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name='chain hash'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name='place in the chain'),
        ),
        migrations.AddIndex(
            model_name='accessrecord',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='access_unsealed'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unsealed'),
        ),
        migrations.AddConstraint(
            model_name='accessrecord',
            constraint=models.UniqueConstraint(condition=models.Q(('seq__isnull', False)), fields=('seq',), name='access_chain_place'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(condition=models.Q(('seq__isnull', False)), fields=('seq',), name='audit_chain_place'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
