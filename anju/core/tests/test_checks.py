"""The system check that keeps every regional model on the scoped manager."""

import pytest
from django.db import models
from django.test.utils import isolate_apps

from anju.core.checks import scoping_errors
from anju.core.scoping import ScopedManager
from anju.regions.models import Region


@isolate_apps("anju.core")
def test_a_model_with_a_region_and_a_plain_manager_fails_the_check():
    class Leaky(models.Model):
        region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "core"

    errors = scoping_errors([Leaky])
    assert [e.id for e in errors] == ["anju.E001"]


@isolate_apps("anju.core")
def test_a_scoped_model_passes():
    class Tidy(models.Model):
        region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
        objects = ScopedManager()
        scope_perm = "case"
        scope_path = "region__code"

        class Meta:
            app_label = "core"

    assert scoping_errors([Tidy]) == []


def test_the_project_passes_its_own_checks():
    from django.core.management import call_command

    call_command("check", "--fail-level", "WARNING")


@pytest.mark.django_db
def test_subtree_filter_uses_the_code_index(cast):
    """Prefix queries must be index range scans on both databases, not table scans."""
    from django.db import connection

    queryset = Region.objects.visible_to(cast.officer_a, "view")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "USING INDEX" in plan or "USING PRIMARY KEY" in plan, plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan, plan
