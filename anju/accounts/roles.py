"""Roles as scoping reads them (anju.core.scoping.Roles), answered from accounts' own tables."""

from __future__ import annotations

from functools import cache

from django.db import connection

from .choices import ROLE_PERMS
from .models import RoleAssignment


@cache
def _assignments_sql() -> str:
    table = connection.ops.quote_name(RoleAssignment._meta.db_table)
    return f"SELECT role, region_id FROM {table} WHERE user_id = %s ORDER BY region_id, role"  # noqa: S608


class AssignedRoles:
    perms = ROLE_PERMS

    def assignments(self, user_id) -> list[tuple[str, str]]:
        # Plain SQL: this runs on every signed-in request, and compiling the ORM query cost more
        # than the query itself.
        with connection.cursor() as cursor:
            cursor.execute(_assignments_sql(), [user_id])
            return [tuple(row) for row in cursor.fetchall()]
