"""How fast is the dispute list at a county's real volume? Prints the page's median and p95 render
time beside the floor: the same SQL run raw through the driver, in the same run.

Usage (PostgreSQL with the seeded county; the seed step takes a few minutes once):
    ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench anju migrate
    ANJU_DATABASE_URL=... anju seed --cases 1000000
    ANJU_DATABASE_URL=... python bench/disputes_list.py [--runs 50]

Target (issue 3): a filtered list page renders in under 50 ms at the median with 1,000,000 disputes."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from timing import seeded_runs, summary, timed  # noqa: E402

from anju.accounts.models import User  # noqa: E402
from anju.disputes import queries  # noqa: E402
from anju.disputes.forms import FilterForm  # noqa: E402
from anju.disputes.views import PAGE_SIZE  # noqa: E402
from anju.disputes.views import listed as listed_by_page  # noqa: E402


def main() -> int:
    runs = seeded_runs()
    if runs is None:
        return 2
    township = User.objects.filter(username__startswith="officer-").order_by("username").first()
    cases = [
        ("county leader, no filter", "county-leader", {}),
        ("leader, category + status", "county-leader", {"category": "neighbour", "status": "accepted"}),
        ("township officer, no filter", township.username, {}),
        ("county leader, overdue", "county-leader", {"overdue": "on"}),
        ("county leader, one village", "county-leader", {"region": "629901100201"}),
        # Deep in the list, both ways: a keyset page must cost the same on page 400 as on page 1.
        ("leader, page 400 onward (cursor)", "county-leader", {"cursor": DEEP}),
        ("leader, page 400 back (before)", "county-leader", {"before": DEEP}),
        ("leader, category, page 400 back", "county-leader", {"category": "neighbour", "before": DEEP}),
    ]
    print(f"{'list page (50 rows)':42} {'page through Django':36} {'raw SQL floor':36}")
    for label, username, params in cases:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        params = {k: deep_cursor(user, params) if v is DEEP else v for k, v in params.items()}
        sql, sql_params = page_sql(user, params)

        def page(client=client, params=params):
            response = client.get("/disputes/", params)
            assert response.status_code == 200, response.status_code

        def raw(sql=sql, sql_params=sql_params):
            with connection.cursor() as cursor:
                cursor.execute(sql, sql_params)
                cursor.fetchall()

        print(f"{label:42} {summary(timed(page, runs)):36} {summary(timed(raw, runs)):36}")
    return 0


DEEP = object()  # stands for the cursor 400 pages into the list the case filters


def listed(user, params: dict):
    """The cases the page lists for these query parameters, read through the page's own form and
    helpers, so the floor below is the SQL the page runs, not a copy of it."""
    form = FilterForm(params)
    assert form.is_valid(), form.errors
    return listed_by_page(user, queries.Filters.from_form(form))


def page_sql(user, params: dict) -> tuple[str, tuple]:
    after, before = queries.decode_cursors(params.get("cursor"), params.get("before"))
    rows = queries.page_query(listed(user, params), after=after, before=before, size=PAGE_SIZE)
    return rows.query.sql_with_params()


def deep_cursor(user, params: dict) -> str:
    """The cursor of the 20,000th row, as the pager would have given it out on page 400. The OFFSET
    that finds it runs once here, never on a page."""
    first = {k: v for k, v in params.items() if k not in ("cursor", "before")}
    newest_first = listed(user, first).order_by("-registered_at", "-id")
    row = newest_first[400 * PAGE_SIZE - 1]
    return queries.encode_cursor((row.registered_at, row.pk))


if __name__ == "__main__":
    sys.exit(main())
