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
        # Per kind: the disputes' timeline and the events' own, each with a key to its case. A seeded
        # case has one row (its registration); a case worked to its end has about five, so each
        # row is written five times, two days apart, as registration, acceptance, sessions and close.
        f"""CREATE TABLE {SCHEMA}.dispute_timeline AS
            SELECT t.id * 5 + s AS id, t.dispute_id, t.at + s * interval '2 days' AS at, t.actor_id,
                   t.transition, t.from_status, t.to_status, t.handling_unit_id, t.note
            FROM disputes_timelineentry t, generate_series(0, 4) s""",
        f"""CREATE TABLE {SCHEMA}.event_timeline AS
            SELECT t.id + (SELECT max(id) FROM {SCHEMA}.dispute_timeline) * k AS id,
                   t.dispute_id + {offset} * k AS event_id, t.at - k * interval '1 hour' AS at,
                   t.actor_id, t.transition, t.from_status, t.to_status, t.handling_unit_id, t.note
            FROM {SCHEMA}.dispute_timeline t, generate_series(1, {events}) k""",
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
        # Alerts the same two ways: one for every third case, to its handling unit, one in twenty
        # still waiting to be seen (the seed writes none).
        f"""CREATE TABLE {SCHEMA}.dispute_alert AS
            SELECT id, id AS dispute_id, handling_unit_id AS unit_id, 'alert'::varchar(200) AS reason,
                   registered_at AS created_at,
                   CASE WHEN id % 20 = 0 THEN NULL ELSE registered_at END AS acknowledged_at
            FROM disputes_dispute WHERE id % 3 = 0""",
        f"""CREATE TABLE {SCHEMA}.event_alert AS
            SELECT a.id * 10 + k AS id, a.dispute_id + {offset} * k AS event_id, a.unit_id, a.reason,
                   a.created_at, a.acknowledged_at
            FROM {SCHEMA}.dispute_alert a, generate_series(1, {events}) k""",
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
    village = conn.execute(
        "SELECT region_id FROM disputes_dispute WHERE length(region_id) >= 12 "
        "GROUP BY region_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0][:12]
    case = lambda: [random.choice(ids)]  # noqa: E731
    cols = "t." + COLUMNS.replace(", ", ", t.")

    def feed_per_kind(where: str) -> str:
        return f"""SELECT {COLUMNS} FROM (
            (SELECT {cols} FROM {SCHEMA}.dispute_timeline t JOIN disputes_dispute c ON c.id = t.dispute_id
             {where} ORDER BY t.at DESC LIMIT 50)
            UNION ALL
            (SELECT {cols} FROM {SCHEMA}.event_timeline t JOIN {SCHEMA}.event c ON c.id = t.event_id
             {where} ORDER BY t.at DESC LIMIT 50)) feed ORDER BY at DESC LIMIT 50"""

    def feed_shared(where: str) -> str:
        return f"SELECT {COLUMNS} FROM {SCHEMA}.timeline {where} ORDER BY at DESC LIMIT 50"

    def fixed(*values):
        return lambda: list(values)

    queries = [
        (
            "case page: one case's timeline",
            f"SELECT {COLUMNS} FROM {SCHEMA}.dispute_timeline WHERE dispute_id = %s ORDER BY at, id",
            case,
            f"SELECT {COLUMNS} FROM {SCHEMA}.timeline WHERE kind = 1 AND case_id = %s ORDER BY at, id",
            case,
        ),
        (
            "county feed, whole county: newest 50",
            feed_per_kind(""),
            fixed(),
            feed_shared(""),
            fixed(),
        ),
        (
            f"county feed, township {township}: newest 50",
            feed_per_kind("WHERE c.region_id LIKE %s"),
            fixed(township + "%", township + "%"),
            feed_shared("WHERE region_code LIKE %s"),
            fixed(township + "%"),
        ),
        (
            f"county feed, village {village}: newest 50",
            feed_per_kind("WHERE c.region_id LIKE %s"),
            fixed(village + "%", village + "%"),
            feed_shared("WHERE region_code LIKE %s"),
            fixed(village + "%"),
        ),
        (
            f"a unit's day: open alerts of {unit}",
            f"""SELECT reason, created_at FROM {SCHEMA}.dispute_alert
                WHERE unit_id = %s AND acknowledged_at IS NULL
                UNION ALL
                SELECT reason, created_at FROM {SCHEMA}.event_alert
                WHERE unit_id = %s AND acknowledged_at IS NULL""",
            fixed(unit, unit),
            f"SELECT reason, created_at FROM {SCHEMA}.alert WHERE unit_id = %s AND acknowledged_at IS NULL",
            fixed(unit),
        ),
    ]
    print(f"\n{'read':45} {'one table per kind':34} {'one shared table':34}")
    for label, per_kind, per_kind_params, shared, shared_params in queries:
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
