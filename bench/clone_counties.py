"""A province's database in minutes, for the figures: copies the seeded county's regions, its
disputes and the figures' rollup into more counties by SQL, each under its own code, so a
province's dashboard can be measured over 100 counties without seeding them one by one (`anju seed
--counties 100` writes about 1,000 to 2,000 disputes a second here: 10,000,000 would take hours).

With `--whole`, every dispute is copied with the timeline rows the figures read (escalations and
reminders): from a seed of 100,000, 10,000,000 cases over 100 counties, about 8 to 20 s a county
here, so every figure, those counted from the disputes too, is measured. Without it only the open
disputes are copied (the overdue count reads them) beside the whole rollup: for a seed of
1,000,000, whose full copy took 96 s a county, a proxy for the figures of whole months only.
Parties, alerts and the rest of the timeline are not copied; grid events, tips and supervision
stay the first county's.

Usage (PostgreSQL only; a database seeded with `anju seed --cases N`, never a county's real data):
    ANJU_DATABASE_URL=... python bench/clone_counties.py --counties 100 --whole
    ANJU_DATABASE_URL=... python bench/report_figures.py --rollup-only   # adds the province's overview
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


def copy_county(cursor, source: str, code: str, index: int, whole: bool) -> None:
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
    only_open = "" if whole else "AND status = ANY(%s)"
    open_statuses = [] if whole else [sorted(str(status.value) for status in OPEN_STATUSES)]
    cursor.execute(
        f"""
        INSERT INTO disputes_dispute (id, number, region_id, handling_unit_id, merged_into_id,
            external_ref, {listed})
        SELECT id + {offset}, replace(number, %s, %s), {renamed("region_id", code)},
            {renamed("handling_unit_id", code)}, merged_into_id + {offset}, '', {listed}
        FROM disputes_dispute WHERE region_id LIKE %s AND id < {ID_STEP} {only_open}
        """,
        [source, code, f"{source}%", *open_statuses],
    )
    if whole:
        # The timeline rows the figures read (escalations for the days around a period's months,
        # reminders sent); the rest of a case's history is not read by any figure.
        entry_columns = [
            f.name
            for f in connection.introspection.get_table_description(cursor, "disputes_timelineentry")
            if f.name not in ("id", "dispute_id", "handling_unit_id")
        ]
        listed = ", ".join(entry_columns)
        cursor.execute(
            f"""
            INSERT INTO disputes_timelineentry (id, dispute_id, handling_unit_id, {listed})
            SELECT t.id + {offset}, t.dispute_id + {offset}, {renamed("t.handling_unit_id", code)}, {listed}
            FROM disputes_timelineentry t JOIN disputes_dispute d ON d.id = t.dispute_id
            WHERE d.region_id LIKE %s AND d.id < {ID_STEP} AND t.transition IN ('escalate', 'urge')
            """,
            [f"{source}%"],
        )
    cell_key = (
        "month, category, channel, origin_level, escalated_month, resolved_month, resolved_level, "
        "cases, seconds_to_resolve"
    )
    tally_key = "month, category, channel, cases, resolved, escalated"
    resolution_key = "month, category, origin_level, resolved_level, cases, seconds_to_resolve"
    for table, key in (
        ("reports_disputecell", cell_key),
        ("reports_disputetally", tally_key),
        ("reports_resolutiontally", resolution_key),
        ("reports_countycell", cell_key),
        ("reports_countytally", tally_key),
        ("reports_countyresolutiontally", resolution_key),
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
    parser.add_argument(
        "--whole",
        action="store_true",
        help="copy every dispute and its escalations and reminders, not only the open ones "
        "(for a seed of 100,000 a county: 10,000,000 cases over 100 counties)",
    )
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
            copy_county(cursor, args.county, code, index, args.whole)
        print(f"  {code}: {index}/{len(codes) - 1} copied, {time.monotonic() - started:.0f} s", flush=True)
    leaders(codes[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('disputes_dispute', 'id'), "
            "(SELECT max(id) FROM disputes_dispute))"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('disputes_timelineentry', 'id'), "
            "(SELECT max(id) FROM disputes_timelineentry))"
        )
        for table in (
            "regions_region",
            "disputes_dispute",
            "disputes_timelineentry",
            "reports_disputecell",
            "reports_disputetally",
            "reports_resolutiontally",
            "reports_countycell",
            "reports_countytally",
            "reports_countyresolutiontally",
        ):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SELECT count(*) FROM disputes_dispute")
        total = cursor.fetchone()[0]
        print(f"disputes: {total:,} in {len(codes)} counties, {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
