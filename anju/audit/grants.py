"""The grants of the database role the site and its workers run as, when a county runs anju with two
roles (README, "Running it for real"): the owner creates the tables and runs the migrations; the
site's role may read and write rows but not change the schema, not TRUNCATE, and on the audit tables
only add rows and give them their seal. Computed from the installed models, so a table added by a
later release is granted by running `anju db-grants` again after `anju migrate`."""

from __future__ import annotations

import re

from django.apps import apps
from django.db import connection

from .models import AppendOnly

ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ROW_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"


def _tables() -> list[tuple[str, type | None]]:
    existing = set(connection.introspection.table_names())
    seen: dict[str, type] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table in existing:
            seen.setdefault(meta.db_table, model)
    return sorted(seen.items())


def site_grants(role: str) -> list[str]:
    """The statements, in order, that give `role` what the site and the workers need and no more."""
    quote = connection.ops.quote_name
    who = quote(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        statements = [
            f"GRANT CONNECT ON DATABASE {quote(database)} TO {who};",
            f"GRANT USAGE ON SCHEMA {quote(schema)} TO {who};",
        ]
        sequences = []
        for table, model in _tables():
            if issubclass(model, AppendOnly):
                seal = ", ".join(quote(model._meta.get_field(name).column) for name in model.seal_fields)
                statements.append(f"GRANT SELECT, INSERT ON {quote(table)} TO {who};")
                statements.append(f"GRANT UPDATE ({seal}) ON {quote(table)} TO {who};")
            else:
                statements.append(f"GRANT {ROW_RIGHTS} ON {quote(table)} TO {who};")
            sequences += [s["name"] for s in connection.introspection.get_sequences(cursor, table)]
    statements += [f"GRANT USAGE, SELECT ON SEQUENCE {quote(name)} TO {who};" for name in sorted(sequences)]
    return statements
