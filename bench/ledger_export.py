"""How fast does a whole county's dispute ledger export? Streams the seeded county's disputes (or
the first --rows of them) through the ledger export, to .xlsx and .csv, and prints rows/s, seconds
and peak memory beside a floor measured in the same run: the same rows read with one raw SQL
cursor and written as plain CSV with no labels, masking or escaping.

Usage (after `anju seed --cases N`, see bench/README.md):
    export ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench
    python bench/ledger_export.py [--rows 200000] [--formats xlsx,csv]

Target (issue 9): 1,000,000 disputes to XLSX in under 2 minutes, memory not growing with the rows."""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.db import connection  # noqa: E402

from anju.core.scoping import SYSTEM  # noqa: E402
from anju.disputes import ledger, queries  # noqa: E402
from anju.disputes.models import Dispute  # noqa: E402


class PeakMemory:
    """The resident set's peak while a block runs, sampled every 50 ms from /proc (ru_maxrss only
    ever grows, so it cannot tell one measurement from the one before)."""

    def __init__(self):
        self.peak = 0
        self.running = False

    @staticmethod
    def rss() -> int:
        try:
            with open("/proc/self/statm") as handle:
                return int(handle.read().split()[1]) * resource.getpagesize()
        except OSError:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.05)

    def __enter__(self):
        self.start = self.rss()
        self.peak = self.start
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def limited(rows: int | None):
    disputes = queries.filtered(SYSTEM, queries.Filters())
    if rows:
        # The first N disputes in the export's own order: the same rows for the export and the floor.
        last = (
            ledger.export_queryset(disputes)
            .order_by("registered_at", "id")
            .values_list("registered_at", flat=True)[rows - 1 : rows]
        )
        bound = list(last)
        if bound:
            disputes = disputes.filter(registered_at__lte=bound[0])
    return disputes


def export(disputes, fmt: str, path: Path) -> tuple[int, float, int]:
    with PeakMemory() as memory:
        started = time.perf_counter()
        with path.open("wb") as out:
            for chunk in ledger.export_chunks(disputes, fmt):
                out.write(chunk)
        seconds = time.perf_counter() - started
    count = ledger.export_queryset(disputes).count()
    return count, seconds, memory.peak - memory.start


def floor(disputes, path: Path) -> tuple[int, float, int]:
    """The same disputes with their region, township and party names, read by one server-side
    cursor and written as bare CSV."""
    query = ledger.export_queryset(disputes).order_by("registered_at", "id").values_list("id")
    inner, params = query.query.sql_with_params()
    sql = f"""
        SELECT d.number, d.registered_at, t.name, r.name, d.region_id, d.category, d.channel, d.title,
               d.description,
               (SELECT string_agg(p.name, '、') FROM disputes_party p WHERE p.dispute_id = d.id),
               d.amount, d.people_involved, d.risk, d.mediator_name, d.status, d.resolved_at,
               d.resolved_level, u.name, d.remarks
        FROM disputes_dispute d
        JOIN regions_region r ON r.code = d.region_id
        LEFT JOIN regions_region t ON t.code = substr(d.region_id, 1, 9)
        JOIN regions_region u ON u.code = d.handling_unit_id
        WHERE d.id IN ({inner})
        ORDER BY d.registered_at, d.id
    """
    count = 0
    with PeakMemory() as memory:
        started = time.perf_counter()
        with (
            path.open("w", encoding="utf-8", newline="") as out,
            connection.connection.cursor(name="ledger_floor") as cursor,
        ):
            writer = csv.writer(out)
            cursor.itersize = 5000
            cursor.execute(sql, params)
            for row in cursor:
                writer.writerow(row)
                count += 1
        seconds = time.perf_counter() - started
    return count, seconds, memory.peak - memory.start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="export only the first N disputes (default: all)")
    parser.add_argument("--formats", default="xlsx,csv")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("this benchmark needs PostgreSQL (ANJU_DATABASE_URL)", file=sys.stderr)
        return 2
    total = Dispute.objects.count()
    if not total:
        print("no disputes: run `anju seed --cases N` first", file=sys.stderr)
        return 2
    disputes = limited(args.rows)
    print(f"{total:,} disputes in the database; exporting {args.rows or total:,}")
    with tempfile.TemporaryDirectory() as folder, connection.cursor():
        connection.ensure_connection()
        figures = []
        with connection.connection.transaction():
            rows, seconds, memory = floor(disputes, Path(folder) / "floor.csv")
        figures.append(("floor: raw SQL to bare CSV", rows, seconds, memory))
        for fmt in args.formats.split(","):
            path = Path(folder) / f"ledger.{fmt}"
            rows, seconds, memory = export(disputes, fmt, path)
            figures.append(
                (f"ledger export to .{fmt} ({path.stat().st_size / 2**20:,.0f} MB)", rows, seconds, memory)
            )
        print(f"{'':<44} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'peak MB':>8} {'x floor':>8}")
        base = figures[0][2]
        for name, rows, seconds, memory in figures:
            print(
                f"{name:<44} {rows:>10,} {seconds:>8.1f} {rows / seconds:>9,.0f} {memory / 2**20:>8.1f} "
                f"{seconds / base:>8.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
