"""Where does the time of the dashboard's figures go? Captures the statements of one
`catalogue.values` call (the county leader, this year) and runs each raw, slowest first, so the
statement to index or rewrite is named rather than guessed (bench/README.md).

Usage (PostgreSQL with the seeded county; see bench/README.md):
    export ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench
    python bench/report_statements.py [--runs 3] [--top 12]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from timing import load_average  # noqa: E402

from anju.accounts.models import User  # noqa: E402
from anju.reports import catalogue  # noqa: E402
from anju.reports.periods import YEAR, Period  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="raw runs of each statement (median shown)")
    parser.add_argument("--top", type=int, default=12, help="statements shown, slowest first")
    options = parser.parse_args()
    today = timezone.localdate()
    year = Period(YEAR, dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1))
    leader = User.objects.get(username="county-leader")
    catalogue.values(leader, year)  # warm the caches as a running server has them
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        catalogue.values(leader, year)
        call = (time.perf_counter() - started) * 1000
    rows = []
    for query in queries.captured_queries:
        samples = []
        for _ in range(options.runs):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(query["sql"])
                cursor.fetchall()
                samples.append((time.perf_counter() - started) * 1000)
        rows.append((statistics.median(samples), query["sql"]))
    print(f"one call {call:.0f} ms, {len(rows)} statements, load average {load_average()}")
    for ms, sql in sorted(rows, reverse=True)[: options.top]:
        print(f"{ms:7.1f} ms  {sql[:300]}")
    print(f"all statements raw: {sum(ms for ms, _ in rows):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
