"""How fast is "My work" (/disputes/work/) at a county's real volume? Prints the page's median and
p95 render time beside the floor: the page's own case and alert queries, taken from one render of
it and run raw through the driver, in the same run.

Usage (PostgreSQL with the seeded county, see bench/disputes_list.py):
    ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench python bench/work_queue.py [--runs 50]

The page reads three lists (to accept, to mediate, to visit: the first cases of each and, for a
longer one, its count) and the unacknowledged alerts of the person's units. A township officer
accepts what the township handles; the county centre's operator accepts county cases and reads
the alerts addressed to the county."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from timing import seeded_runs, summary, timed  # noqa: E402

from anju.accounts.models import User  # noqa: E402

URL = "/disputes/work/"
# The page's own reads: its lists and counts of cases and its alerts. Not the session, the account
# and its roles, which every page reads the same way.
CASE_TABLES = ("disputes_dispute", "disputes_alert")


def page_queries(client: Client) -> tuple[list[str], int]:
    """The SQL of the page's case and alert reads, as the driver sent it, and how many statements
    the whole page ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
        assert response.status_code == 200, response.status_code
    # Statements bound on the server (core/rows.py) come without their SQL text; none reads cases.
    ours = [
        q["sql"] for q in captured.captured_queries if q["sql"] and any(t in q["sql"] for t in CASE_TABLES)
    ]
    return ours, len(captured.captured_queries)


def main() -> int:
    runs = seeded_runs()
    if runs is None:
        return 2
    township = User.objects.filter(username__startswith="officer-").order_by("username").first()
    cases = [
        (f"township officer ({township.username})", township.username),
        ("county centre operator", "county-centre"),
    ]
    print(f"{'my work':42} {'page through Django':36} {'raw SQL floor':36}")
    for label, username in cases:
        client = Client()
        client.force_login(User.objects.get(username=username))
        statements, all_statements = page_queries(client)

        def page(client=client):
            response = client.get(URL)
            assert response.status_code == 200, response.status_code

        def raw(statements=statements):
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        print(f"{label:42} {summary(timed(page, runs)):36} {summary(timed(raw, runs)):36}")
        print(f"{'':42} {all_statements} statements, {len(statements)} of them cases and alerts (the floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
