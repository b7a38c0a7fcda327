"""How fast does a county's Excel/CSV ledger (台账) import? Writes a ledger of N rows spread over the
seeded county's villages and grids, imports it with `anju import-disputes` (all rows or none, with
the progress bar), imports it again (nothing new), and prints rows/s beside a floor: the same
disputes, parties and timeline rows inserted with plain SQL in one transaction, in the same run.
Everything the run added is removed at the end, so the list benchmark is not skewed.

Usage (after `anju seed`, see bench/README.md):
    export ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench
    python bench/ledger_import.py [--rows 100000]

Target (issue 3): a 100,000-row file imports, with progress on the command line and in the page."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import tempfile
import time
from contextlib import redirect_stderr
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from cleanup import remove_cases_from  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from anju.accounts.models import User  # noqa: E402
from anju.disputes.models import Dispute  # noqa: E402
from anju.regions.models import Region  # noqa: E402

HEADERS = ["台账编号", "受理日期", "区划代码", "纠纷类别", "来源", "简要案由", "纠纷情况", "当事人",
           "涉及金额（元）", "涉及人数", "风险等级", "调解结果", "结案日期"]  # fmt: skip
CATEGORIES = ["邻里", "婚姻家庭", "劳动争议", "房屋宅基地", "合同", "山林土地", "损害赔偿"]
ROLES = ("applicant", "respondent")
RESULTS = [("化解", 12), ("调解中", 0), ("调解不成", 20)]


def write_ledger(path: Path, rows: int, places: list[str], run: str) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for i in range(rows):
            result, days = RESULTS[i % 3]
            registered = dt.date(2025, 1, 1) + dt.timedelta(days=i % 300)
            closed = (registered + dt.timedelta(days=days)).isoformat() if days else ""
            out.writerow([
                f"B{run}-{i:06d}", registered.isoformat(), places[i % len(places)], CATEGORIES[i % 7], "来访",
                f"台账纠纷{i}", "双方因琐事发生争执。", f"甲{i}（139{i:08d}）、乙{i}", str(i % 5000),
                str(2 + i % 5), "重大" if i % 97 == 0 else "一般", result, closed,
            ])  # fmt: skip


def _values(sql: str, rows: list[tuple], returning: str = "") -> tuple[str, list]:
    """One multi-row INSERT, as bulk_create sends it."""
    row = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    return sql + " VALUES " + ", ".join([row] * len(rows)) + returning, [v for r in rows for v in r]


def raw_floor(rows: int, places: list[str], user_id: int, run: str) -> float:
    """The rows an import writes (case, two parties, an 'imported' timeline row), as multi-row plain
    INSERTs of 2,000 cases in one transaction; rolled back afterwards."""
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, rows, 2000):
            batch = range(start, min(start + 2000, rows))
            cases = [
                (f"F{run}-{i}", places[i % len(places)], "village", places[i % len(places)][:12], "village",
                 "resolved", "walk_in", "neighbour", "x", "x", "", 2, "general", False, user_id, now, "", 1,
                 f"floor:{run}-{i}")
                for i in batch
            ]  # fmt: skip
            cursor.execute(
                *_values(
                    "INSERT INTO disputes_dispute (number, region_id, origin_level, handling_unit_id,"
                    " handling_level, status, channel, category, title, description, location,"
                    " people_involved, risk, may_turn_criminal, registered_by_id, registered_at,"
                    " resolved_level, version, external_ref)",
                    cases,
                    " RETURNING id",
                )
            )
            ids = [row[0] for row in cursor.fetchall()]
            parties = [(d, "person", role, "x", "13900000000", "", "") for d in ids for role in ROLES]
            cursor.execute(
                *_values(
                    "INSERT INTO disputes_party (dispute_id, kind, role, name, phone, id_number, address)",
                    parties,
                )
            )
            cursor.execute(
                *_values(
                    "INSERT INTO disputes_timelineentry (dispute_id, at, transition, from_status, to_status,"
                    " handling_unit_id, note)",
                    [(d, now, "imported", "", "resolved", places[0][:12], "") for d in ids],
                )
            )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return rows / elapsed


def import_file(path: Path, username: str) -> tuple[float, str]:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with redirect_stderr(err):
        call_command("import_disputes", str(path), "--as", username, stdout=out, stderr=err)
    return time.perf_counter() - started, out.getvalue().strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--as", dest="username", default="county-centre")
    args = parser.parse_args()
    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"no account {args.username}: seed first (anju seed)", file=sys.stderr)
        return 2
    places = list(
        Region.objects.filter(level__in=["village", "grid"], retired_on__isnull=True)
        .order_by("code")
        .values_list("code", flat=True)[:300]
    )
    run = str(int(time.time()))
    first_new = (Dispute.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"台账{args.rows}.csv"
        write_ledger(path, args.rows, places, run)
        size = path.stat().st_size / 1e6
        print(f"ledger import, {args.rows:,} rows ({size:.1f} MB CSV), {connection.vendor}")
        try:
            first, summary = import_file(path, args.username)
            print(f"  import:          {first:7.1f} s  {args.rows / first:8,.0f} rows/s   {summary}")
            again, summary = import_file(path, args.username)
            print(f"  import again:    {again:7.1f} s  {args.rows / again:8,.0f} rows/s   {summary}")
            floor = raw_floor(args.rows, places, user.pk, run)
            print(f"  raw SQL floor:   {args.rows / floor:7.1f} s  {floor:8,.0f} rows/s   (same rows, SQL)")
        finally:
            print(f"  removed the {remove_cases_from(first_new):,} cases this run added")
    return 0


if __name__ == "__main__":
    sys.exit(main())
