"""A province's database in minutes, for the figures: copies the seeded county's regions, its open
disputes and the figures' rollup into more counties by SQL, each under its own code, so a province's
dashboard can be measured over 100 counties' figures without seeding them one by one (`anju seed`
writes about 1,000 disputes a second here: close to three hours for 10,000,000).

What is copied is what the dashboard's figures of whole months read: the rollup's rows (cells and
tallies, renamed to the copy's regions: what `anju rebuild-rollups` would count from copied cases)
and the open disputes (the overdue count reads them). Closed disputes, parties, alerts and the
timeline are not copied: a full copy of one county's 1,000,000 disputes and escalations took 96 s
here with their sixteen indexes (a test run beside it), some two and a half hours for 99. So the
copies hold each county's figures in full and about 7% of its dispute rows: figures counted from
the disputes (a period's days around its months, a township's or village's own figures) are not
measured by this database. Grid events, tips and supervision stay the first county's.

Usage (PostgreSQL only; a database seeded with `anju seed --cases N`, never a county's real data):
    ANJU_DATABASE_URL=... python bench/clone_counties.py --counties 100
    ANJU_DATABASE_URL=... python bench/report_figures.py   # adds the province's overview
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from anju.accounts.models import RoleAssignment, User  # noqa: E402
from anju.demo.seeding import DEMO_COUNTY_CODE, county_codes  # noqa: E402
from anju.disputes.choices import OPEN_STATUSES  # noqa: E402

# Copies' dispute ids are the original's plus this times the copy's number: unique without a lookup.
ID_STEP = 100_000_000


def renamed(column: str, code: str) -> str:
    """SQL for a region code column with the first county's six digits replaced by `code`."""
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE '{code}' || substr({column}, 7) END"


def copy_county(cursor, source: str, code: str, index: int) -> None:
    offset = index * ID_STEP
    cursor.execute(
        f"""
        INSERT INTO regions_region (code, name, level, grid_type, households, retired_on, created_at,
            updated_at, parent_id, bbox_east, bbox_north, bbox_south, bbox_west, boundary,
            boundary_updated_at)
        SELECT {renamed("code", code)}, CASE WHEN code = %s THEN name || %s ELSE name END, level,
            grid_type, households, retired_on, created_at, updated_at,
            CASE WHEN parent_id LIKE %s THEN {renamed("parent_id", code)} ELSE parent_id END,
            bbox_east, bbox_north, bbox_south, bbox_west, boundary, boundary_updated_at
        FROM regions_region WHERE code LIKE %s
        """,
        [source, f"（{index + 1}）", f"{source}%", f"{source}%"],
    )
    columns = [
        f.name
        for f in connection.introspection.get_table_description(cursor, "disputes_dispute")
        if f.name not in ("id", "number", "region_id", "handling_unit_id", "merged_into_id", "external_ref")
    ]
    listed = ", ".join(columns)
    cursor.execute(
        f"""
        INSERT INTO disputes_dispute (id, number, region_id, handling_unit_id, merged_into_id,
            external_ref, {listed})
        SELECT id + {offset}, replace(number, %s, %s), {renamed("region_id", code)},
            {renamed("handling_unit_id", code)}, merged_into_id + {offset}, '', {listed}
        FROM disputes_dispute WHERE region_id LIKE %s AND id < {ID_STEP} AND status = ANY(%s)
        """,
        [source, code, f"{source}%", sorted(str(status.value) for status in OPEN_STATUSES)],
    )
    for table, key in (
        (
            "reports_disputecell",
            "month, category, channel, origin_level, escalated_month, resolved_month, resolved_level, "
            "cases, seconds_to_resolve",
        ),
        ("reports_disputetally", "month, category, channel, cases, resolved, escalated"),
        (
            "reports_resolutiontally",
            "month, category, origin_level, resolved_level, cases, seconds_to_resolve",
        ),
    ):
        cursor.execute(
            f"INSERT INTO {table} (region, {key}) SELECT {renamed('region', code)}, {key} "
            f"FROM {table} WHERE region LIKE %s",
            [f"{source}%"],
        )


def leaders(codes: list[str]) -> None:
    """A county leader for each copy (county-leader-629902...), to time one county's figures with the
    copies' statistics: the first county alone holds closed cases, which the planner weighs."""
    for code in codes:
        user, _made = User.objects.get_or_create(username=f"county-leader-{code}")
        RoleAssignment.objects.get_or_create(user=user, role="leader", region_id=code)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--county", default=DEMO_COUNTY_CODE, help="the seeded county to copy")
    parser.add_argument("--leaders-only", action="store_true", help="only add the copies' county leaders")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("PostgreSQL only", file=sys.stderr)
        return 2
    codes = county_codes(args.county, args.counties)
    if args.leaders_only:
        leaders(codes[1:])
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM regions_region WHERE code = ANY(%s)", [codes[1:]])
        if cursor.fetchone()[0]:
            print("some of the counties are there already: start from a database with one", file=sys.stderr)
            return 2
    started = time.monotonic()
    for index, code in enumerate(codes[1:], start=1):
        with transaction.atomic(), connection.cursor() as cursor:
            copy_county(cursor, args.county, code, index)
        print(f"  {code}: {index}/{len(codes) - 1} copied, {time.monotonic() - started:.0f} s", flush=True)
    leaders(codes[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('disputes_dispute', 'id'), "
            "(SELECT max(id) FROM disputes_dispute))"
        )
        for table in (
            "regions_region",
            "disputes_dispute",
            "reports_disputecell",
            "reports_disputetally",
            "reports_resolutiontally",
        ):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SELECT count(*) FROM disputes_dispute")
        total = cursor.fetchone()[0]
        print(f"disputes: {total:,} in {len(codes)} counties, {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
