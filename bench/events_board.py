"""How fast is the grid events' dispatch board (/events/board/) at a county's real volume? Prints the
page's median and p95 beside its floor: the page's own reads of events, taken from one render of it
and run raw through the driver, timed in turns with the page (bench/timing.py `timed_together`).
The map on the board asks for its points afterwards (/events/map.json): timed the same way.

Usage (PostgreSQL with the seeded county and its events):
    ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench anju seed --events 1000000
    ANJU_DATABASE_URL=... python bench/events_board.py [--runs 50]

Target (issue 12): the board under 50 ms at the median."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from timing import load_average, summary, timed_together  # noqa: E402

from anju.accounts.models import User  # noqa: E402
from anju.demo.testing import pass_second_factor  # noqa: E402
from anju.events.models import Event  # noqa: E402

PAGES = ("/events/board/", "/events/map.json")


def own_queries(client: Client, url: str) -> tuple[list[str], int]:
    """The SQL of the page's reads of events as the driver sent it, and how many statements the
    whole page ran (the session, the account, its roles and the navigation's counts besides)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    ours = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"] and q["sql"].lstrip().startswith("SELECT") and '"events_event"' in q["sql"]
    ]
    return ours, len(captured.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    total = Event.objects.count()
    print(f"database: {connection.vendor}, events: {total:,}")
    if total < 1000:
        print("seed first: anju seed --events 1000000", file=sys.stderr)
        return 2
    township = User.objects.filter(username__startswith="officer-").order_by("username").first()
    people = [
        (f"township officer ({township.username})", township),
        ("county centre operator", User.objects.get(username="county-centre")),
    ]
    print(f"load average before: {load_average()}")
    for label, user in people:
        client = Client()
        client.force_login(user)
        pass_second_factor(client)
        for url in PAGES:
            statements, all_statements = own_queries(client, url)

            def page(client=client, url=url):
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            def raw(statements=statements):
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
                        cursor.fetchall()

            through, floor = timed_together([page, raw], args.runs)
            # This process's own CPU for a page (Django, the template, the driver), which the load
            # of a shared machine does not lengthen the way it lengthens the wall-clock time.
            started = time.process_time()
            for _ in range(args.runs):
                page()
            cpu = (time.process_time() - started) * 1000 / args.runs
            print(f"{label}, {url}")
            print(f"  through Django: {summary(through)}   (target for the board: median under 50 ms)")
            print(f"  raw SQL floor:  {summary(floor)}   ({len(statements)} reads of events)")
            print(f"  the page's own CPU in this process: {cpu:.1f} ms (Python: Django, template, driver)")
            print(
                f"  {all_statements} statements in all; median / floor median "
                f"{statistics.median(through) / statistics.median(floor):.1f}"
            )
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
