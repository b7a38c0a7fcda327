"""Timelines and alerts for several kinds of case: one table per kind, or one shared table with a
kind column? Builds both shapes side by side in a scratch schema from the seeded disputes (each
dispute's rows plus `--events` times as many rows of a second kind, grid events, the kind expected
to be the most numerous), then times the reads each shape must serve:

- the case page: one case's timeline, oldest first;
- the county feed: the newest 50 rows across kinds, for one township and for the whole county;
- a unit's day: the open alerts of one unit across kinds.

Usage (PostgreSQL with the seeded county, see bench/README.md):
    ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench python bench/timeline_tables.py

The scratch schema `kernel_exp` is dropped at the end (`--keep` keeps it for EXPLAIN by hand)."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from urllib.parse import unquote, urlparse

import psycopg

SCHEMA = "kernel_exp"


def connect() -> psycopg.Connection:
    url = urlparse(os.environ.get("ANJU_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anju_bench"))
    return psycopg.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or None,
        dbname=unquote(url.path.strip("/")),
        autocommit=True,
        prepare_threshold=0,
    )


def build(conn: psycopg.Connection, events: int) -> None:
    offset = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM disputes_dispute").fetchone()[0]
    steps = [
        f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE",
        f"CREATE SCHEMA {SCHEMA}",
        # The second kind's cases: each dispute again `events` times, under other ids.
        f"""CREATE TABLE {SCHEMA}.event AS
            SELECT d.id + {offset} * k AS id, d.region_id, d.handling_unit_id
            FROM disputes_dispute d, generate_series(1, {events}) k""",
        f"ALTER TABLE {SCHEMA}.event ADD PRIMARY KEY (id)",
        # Per kind: a copy of the disputes' timeline (so the real table keeps its own indexes) and
        # the events' own timeline, each with a key to its case.
        f"""CREATE TABLE {SCHEMA}.dispute_timeline AS
            SELECT id, dispute_id, at, actor_id, transition, from_status, to_status, handling_unit_id, note
            FROM disputes_timelineentry""",
        f"""CREATE TABLE {SCHEMA}.event_timeline AS
            SELECT t.id + (SELECT max(id) FROM disputes_timelineentry) * k AS id,
                   t.dispute_id + {offset} * k AS event_id, t.at, t.actor_id, t.transition,
                   t.from_status, t.to_status, t.handling_unit_id, t.note
            FROM disputes_timelineentry t, generate_series(1, {events}) k""",
        f"CREATE INDEX ON {SCHEMA}.dispute_timeline (dispute_id)",
        f"CREATE INDEX ON {SCHEMA}.dispute_timeline (at)",
        f"CREATE INDEX ON {SCHEMA}.event_timeline (event_id)",
        f"CREATE INDEX ON {SCHEMA}.event_timeline (at)",
        # One table: every kind's rows with a kind column and the case's region copied onto each
        # row (scoping cannot join through a case whose table depends on the kind).
        f"""CREATE TABLE {SCHEMA}.timeline AS
            SELECT 1::smallint AS kind, t.dispute_id AS case_id, d.region_id AS region_code, t.at,
                   t.actor_id, t.transition, t.from_status, t.to_status, t.handling_unit_id, t.note
            FROM {SCHEMA}.dispute_timeline t JOIN disputes_dispute d ON d.id = t.dispute_id
            UNION ALL
            SELECT 2::smallint, t.event_id, e.region_id, t.at, t.actor_id, t.transition,
                   t.from_status, t.to_status, t.handling_unit_id, t.note
            FROM {SCHEMA}.event_timeline t JOIN {SCHEMA}.event e ON e.id = t.event_id""",
        f"ALTER TABLE {SCHEMA}.timeline ADD COLUMN id bigserial PRIMARY KEY",
        f"CREATE INDEX ON {SCHEMA}.timeline (kind, case_id)",
        f"CREATE INDEX ON {SCHEMA}.timeline (at)",
        f"CREATE INDEX ON {SCHEMA}.timeline (region_code varchar_pattern_ops, at)",
        # Alerts the same two ways.
        f"""CREATE TABLE {SCHEMA}.dispute_alert AS
            SELECT id, dispute_id, unit_id, reason, created_at, acknowledged_at FROM disputes_alert""",
        f"""CREATE TABLE {SCHEMA}.event_alert AS
            SELECT a.id * 10 + k AS id, a.dispute_id + {offset} * k AS event_id, a.unit_id, a.reason,
                   a.created_at, a.acknowledged_at
            FROM disputes_alert a, generate_series(1, {events}) k""",
        f"CREATE INDEX ON {SCHEMA}.dispute_alert (unit_id) WHERE acknowledged_at IS NULL",
        f"CREATE INDEX ON {SCHEMA}.event_alert (unit_id) WHERE acknowledged_at IS NULL",
        f"""CREATE TABLE {SCHEMA}.alert AS
            SELECT 1::smallint AS kind, dispute_id AS case_id, unit_id, reason, created_at, acknowledged_at
            FROM {SCHEMA}.dispute_alert
            UNION ALL
            SELECT 2::smallint, event_id, unit_id, reason, created_at, acknowledged_at
            FROM {SCHEMA}.event_alert""",
        f"CREATE INDEX ON {SCHEMA}.alert (unit_id) WHERE acknowledged_at IS NULL",
        f"ANALYZE {SCHEMA}.event",
        f"ANALYZE {SCHEMA}.dispute_timeline",
        f"ANALYZE {SCHEMA}.event_timeline",
        f"ANALYZE {SCHEMA}.timeline",
        f"ANALYZE {SCHEMA}.dispute_alert",
        f"ANALYZE {SCHEMA}.event_alert",
        f"ANALYZE {SCHEMA}.alert",
    ]
    for sql in steps:
        started = time.perf_counter()
        conn.execute(sql)
        print(f"  {time.perf_counter() - started:6.1f} s  {' '.join(sql.split())[:90]}", flush=True)


def timed(conn, sql: str, params_for, runs: int) -> list[float]:
    conn.execute(sql, params_for()).fetchall()
    samples = []
    for _ in range(runs):
        params = params_for()
        started = time.perf_counter()
        conn.execute(sql, params).fetchall()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    return f"median {statistics.median(samples):6.2f} ms  p95 {ordered[int(len(ordered) * 0.95) - 1]:6.2f} ms"


COLUMNS = "at, actor_id, transition, from_status, to_status, note"


def measure(conn: psycopg.Connection, runs: int) -> None:
    ids = [r[0] for r in conn.execute("SELECT id FROM disputes_dispute TABLESAMPLE SYSTEM (1) LIMIT 2000")]
    township = conn.execute(
        "SELECT code FROM regions_region WHERE level = 'township' ORDER BY code LIMIT 1"
    ).fetchone()[0]
    unit = conn.execute(
        f"SELECT unit_id FROM {SCHEMA}.dispute_alert WHERE acknowledged_at IS NULL "
        "GROUP BY unit_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    case = lambda: [random.choice(ids)]  # noqa: E731
    prefix = [township + "%"]
    feed = f"SELECT {COLUMNS} FROM ("
    queries = [
        (
            "case page: one case's timeline",
            f"SELECT {COLUMNS} FROM {SCHEMA}.dispute_timeline WHERE dispute_id = %s ORDER BY at, id",
            f"SELECT {COLUMNS} FROM {SCHEMA}.timeline WHERE kind = 1 AND case_id = %s ORDER BY at, id",
            case,
        ),
        (
            f"county feed, township {township}: newest 50",
            feed
            + f"""(SELECT t.{COLUMNS.replace(", ", ", t.")} FROM {SCHEMA}.dispute_timeline t
                  JOIN disputes_dispute c ON c.id = t.dispute_id
                  WHERE c.region_id LIKE %s ORDER BY t.at DESC LIMIT 50)
                 UNION ALL
                 (SELECT t.{COLUMNS.replace(", ", ", t.")} FROM {SCHEMA}.event_timeline t
                  JOIN {SCHEMA}.event c ON c.id = t.event_id
                  WHERE c.region_id LIKE %s ORDER BY t.at DESC LIMIT 50)) feed
                 ORDER BY at DESC LIMIT 50""",
            f"SELECT {COLUMNS} FROM {SCHEMA}.timeline WHERE region_code LIKE %s ORDER BY at DESC LIMIT 50",
            None,
        ),
        (
            "county feed, whole county: newest 50",
            feed
            + f"""(SELECT {COLUMNS} FROM {SCHEMA}.dispute_timeline ORDER BY at DESC LIMIT 50)
                 UNION ALL
                 (SELECT {COLUMNS} FROM {SCHEMA}.event_timeline ORDER BY at DESC LIMIT 50)) feed
                 ORDER BY at DESC LIMIT 50""",
            f"SELECT {COLUMNS} FROM {SCHEMA}.timeline ORDER BY at DESC LIMIT 50",
            lambda: [],
        ),
        (
            f"a unit's day: open alerts of {unit}",
            f"""SELECT reason, created_at FROM {SCHEMA}.dispute_alert
                WHERE unit_id = %s AND acknowledged_at IS NULL
                UNION ALL
                SELECT reason, created_at FROM {SCHEMA}.event_alert
                WHERE unit_id = %s AND acknowledged_at IS NULL""",
            f"SELECT reason, created_at FROM {SCHEMA}.alert WHERE unit_id = %s AND acknowledged_at IS NULL",
            None,
        ),
    ]
    print(f"\n{'read':45} {'one table per kind':34} {'one shared table':34}")
    for label, per_kind, shared, params in queries:
        if params is None:
            one = [unit] if "alert" in per_kind else prefix
            per_kind_params, shared_params = (lambda one=one: one * 2), (lambda one=one: one)
        else:
            per_kind_params = shared_params = params
        a = timed(conn, per_kind, per_kind_params, runs)
        b = timed(conn, shared, shared_params, runs)
        print(f"{label:45} {summary(a):34} {summary(b):34}")
    sizes = conn.execute(
        f"""SELECT pg_total_relation_size('{SCHEMA}.dispute_timeline')
                   + pg_total_relation_size('{SCHEMA}.event_timeline'),
                   pg_total_relation_size('{SCHEMA}.timeline')"""
    ).fetchone()
    print(
        f"{'timeline size (rows, indexes)':45} {sizes[0] / 2**20:8.0f} MB{'':25} {sizes[1] / 2**20:8.0f} MB"
    )
    rows = conn.execute(f"SELECT count(*) FROM {SCHEMA}.timeline").fetchone()[0]
    print(f"timeline rows in all: {rows:,}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--events", type=int, default=2, help="rows of the second kind per dispute row")
    parser.add_argument("--keep", action="store_true", help=f"keep the scratch schema {SCHEMA}")
    args = parser.parse_args()
    with connect() as conn:
        total = conn.execute("SELECT count(*) FROM disputes_dispute").fetchone()[0]
        print(f"disputes: {total:,}; building both shapes with {args.events}x as many event rows")
        if total < 1000:
            print("seed first: anju seed --cases 1000000", file=sys.stderr)
            return 2
        build(conn, args.events)
        try:
            measure(conn, args.runs)
        finally:
            if not args.keep:
                conn.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
