"""How fast are a county's dispute figures at its real volume? Times `GET /api/reports/disputes`
and the dashboard's figures (`catalogue.values`: the period, the previous one and last year's)
for this year so far and for three years, each beside its floor in the same run: the statements
that read disputes, their timeline and the rollup, captured from one call and run raw through the
driver. Each is measured twice: reading the rollup (anju.reports.rollup), and counting from the
disputes alone (the rollup's state row set aside for the run, as on a database never rebuilt).

Usage (PostgreSQL with the seeded county; see bench/README.md):
    ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench anju migrate
    ANJU_DATABASE_URL=... anju seed --cases 1000000
    ANJU_DATABASE_URL=... python bench/report_figures.py [--runs 15]
    ANJU_DATABASE_URL=... python bench/report_figures.py --rollup-only   # a province's (clone_counties.py)

Target (issue 13): with 1,000,000 disputes the county dashboard's figures under 100 ms at the
median and within 2x their floor; with 100 counties in one database, one county's under 200 ms and
the province's overview under 1 s."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from timing import load_average, seeded_runs, summary, timed_together  # noqa: E402

from anju.accounts.models import User  # noqa: E402
from anju.core.scoping import SYSTEM  # noqa: E402
from anju.reports import catalogue, rollup  # noqa: E402
from anju.reports.models import RollupState  # noqa: E402
from anju.reports.periods import RANGE, YEAR, Period  # noqa: E402

URL = "/api/reports/disputes"
# The API's figures read these; the rest of an API call is the session, the account and its roles.
FIGURE_TABLES = (
    "disputes_dispute",
    "disputes_timelineentry",
    "reports_disputecell",
    "reports_disputetally",
    "reports_resolutiontally",
    "reports_rollupstate",
)


def captured(fn, tables=FIGURE_TABLES) -> tuple[list[str], int]:
    """The statements of one call that read `tables` (all of them when None), and how many it ran."""
    with CaptureQueriesContext(connection) as queries:
        fn()
    ours = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"] and (tables is None or any(t in q["sql"] for t in tables))
    ]
    return ours, len(queries.captured_queries)


def raw(statements: list[str]):
    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return run


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rollup-only",
        action="store_true",
        help="time the figures read through the rollup only, not counted from the disputes (for a "
        "province's database, where counting the disputes takes minutes)",
    )
    parser.add_argument("--leader", default="county-leader", help="the county leader whose figures are timed")
    runs = seeded_runs(15, parser)
    if runs is None:
        return 2
    options = parser.parse_args()
    rollup_only = options.rollup_only
    if not rollup.usable():
        print("the rollup is not built: run `anju rebuild-rollups` first", file=sys.stderr)
        return 2
    today = timezone.localdate()
    year = Period(YEAR, dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1))
    three = Period(RANGE, dt.date(today.year - 2, 1, 1), today + dt.timedelta(days=1))
    leader = User.objects.get(username=options.leader)
    client = Client()
    client.force_login(leader)
    counties = {
        code[:6] for code in rollup.cells_in_scope(SYSTEM).values_list("region", flat=True).distinct()
    }

    def api(params):
        def call():
            response = client.get(URL, params)
            assert response.status_code == 200, response.status_code

        return call

    # The dashboard's floor is every statement of its call: each reads a figure (disputes, grid events,
    # tips, supervision), and nothing else runs there.
    cases = [
        ("API, this year so far", api({}), FIGURE_TABLES),
        ("API, three years", api({"date_from": three.start.isoformat()}), FIGURE_TABLES),
        ("dashboard figures, this year", lambda: catalogue.values(leader, year), None),
        ("dashboard figures, three years", lambda: catalogue.values(leader, three), None),
    ]
    if len(counties) > 1:
        cases.append(
            (
                f"province overview ({len(counties)} counties), this year",
                lambda: catalogue.values(SYSTEM, year),
                None,
            )
        )
    print(f"load average at the start: {load_average()}")
    print(f"{'county leader':46} {'read':9} {'call':34} {'floor: its statements raw':34} x floor")
    for label, fn, tables in cases:
        for mode in ("rollup",) if rollup_only else ("rollup", "disputes"):
            with transaction.atomic():
                if mode == "disputes":
                    RollupState.objects.all().delete()  # put back by the rollback below
                statements, all_statements = captured(fn, tables)
                call, floor = timed_together([fn, raw(statements)], runs)
                ratio = statistics.median(call) / statistics.median(floor)
                print(f"{label:46} {mode:9} {summary(call):34} {summary(floor):34} {ratio:4.1f}")
                print(f"{'':56} {all_statements} statements, {len(statements)} of them the figures'")
                transaction.set_rollback(True)
    print(f"load average at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
