"""How much Python does one county dashboard cost? The CPU time (time.process_time) and the
statements of `catalogue.values` for a county leader, for a quarter (with the one before and last
year's: three periods), this year (with last year: two) and three years (three overlapping ones).
CPU time leaves out the database's own work and most of the machine's load; wall time is printed
beside it. To compare two versions, run the script with each first on PYTHONPATH, in turns:

    ANJU_DATABASE_URL=... PYTHONPATH=/path/to/base python bench/dashboard_cpu.py --runs 11
    ANJU_DATABASE_URL=... python bench/dashboard_cpu.py --runs 11

The database is a seeded county (bench/README.md): `anju seed --cases 200000 --events 50000`."""

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
from timing import seeded_runs  # noqa: E402

import anju  # noqa: E402
from anju.accounts.models import User  # noqa: E402
from anju.reports import catalogue  # noqa: E402
from anju.reports.periods import RANGE, YEAR, Period, parse  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--leader", default="county-leader", help="the county leader whose dashboard is computed"
    )
    runs = seeded_runs(11, parser)
    if runs is None:
        return 2
    leader = User.objects.get(username=parser.parse_args().leader)
    today = timezone.localdate()
    periods = {
        "quarter": parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}"),
        "this year": Period(YEAR, dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1)),
        "three years": Period(RANGE, dt.date(today.year - 2, 1, 1), today + dt.timedelta(days=1)),
    }
    print(f"anju from {os.path.dirname(anju.__file__)}; load average {os.getloadavg()[0]:.1f}")
    for label, period in periods.items():
        catalogue.values(leader, period)  # warm, as a running server is
        with CaptureQueriesContext(connection) as queries:
            catalogue.values(leader, period)
        cpu, wall = [], []
        for _ in range(runs):
            started, used = time.perf_counter(), time.process_time()
            catalogue.values(leader, period)
            cpu.append((time.process_time() - used) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        print(
            f"{label:12} CPU median {statistics.median(cpu):6.1f} ms   wall median "
            f"{statistics.median(wall):6.1f} ms   {len(queries.captured_queries)} statements"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
