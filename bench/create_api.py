"""How many disputes per second can phones register through the API? Serves the site with gunicorn
(2 workers), drives POST /api/disputes with wrk for a fixed time, and prints requests/s and latency
beside a floor: the same rows inserted with raw SQL, one transaction per case, in the same run.

The same server also serves a bare endpoint (bench/bare_app.py, a bench-only URLconf: django-ninja
parsing the same JSON into one INSERT), driven by the same wrk load just before and just after the
registrations. On a machine whose 2 cores are shared by the server, PostgreSQL and wrk (and here by
other work too), registrations/s as a share of the bare endpoint's requests/s is the figure to
compare between runs and machines; the absolute rates move with the load.

Usage (PostgreSQL with the seeded county, see bench/disputes_list.py; wrk from Debian's packages):
    ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench python bench/create_api.py [--seconds 15]

Target (issue 3): at least 500 requests/s with 2 workers on 2 cores."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from bare_settings import CREATE_BARE_TABLE, DROP_BARE_TABLE  # noqa: E402
from cleanup import remove_cases_from  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from anju.accounts.models import User  # noqa: E402
from anju.accounts.tokens import create_token  # noqa: E402
from anju.core import rows  # noqa: E402
from anju.core.scoping import SYSTEM  # noqa: E402
from anju.disputes.models import Dispute  # noqa: E402

PORT = 8765
LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.body = '%(body)s'
"""
# A phone sends a fresh Idempotency-Key with every new case (and the same one on a retry).
LUA_KEYS = """
local threads, counter = 0, 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%(run)s-%%d-%%d", id, counter)
  return wrk.format()
end
"""


def raw_floor(grid: str, user_id: int, seconds: float, keyed: bool) -> float:
    """The same rows a registration writes (case, two parties, timeline, audit, and with a key the
    claim committed before and the answer after), as plain SQL."""
    started, done = time.perf_counter(), 0
    run = int(time.time())
    # Prepared, as the app's own statements are (anju.core.rows.cursor).
    with rows.cursor() as cursor:
        while time.perf_counter() - started < seconds:
            if keyed:
                cursor.execute(
                    "INSERT INTO accounts_idempotencyrecord (user_id, key, request_hash, status, body,"
                    " created_at, request_id) VALUES (%s, %s, 'x', 0, '{}', now(), 'x') RETURNING id",
                    [user_id, f"floor-{run}-{done}"],
                )
                claim = cursor.fetchone()[0]
            with transaction.atomic():
                now = timezone.now()
                cursor.execute(
                    "INSERT INTO disputes_dispute (number, region_id, origin_level, handling_unit_id,"
                    " handling_level, status, channel, category, title, description, location,"
                    " people_involved, risk, may_turn_criminal, registered_by_id, registered_at,"
                    " resolved_level, version, external_ref, mediator_name, performance_note, remarks,"
                    " source) VALUES (%s, %s, 'village', %s, 'village',"
                    " 'registered', 'grid_visit', 'neighbour', 'x', 'x', '', 2, 'general', false, %s, %s,"
                    " '', 1, '', '', '', '', '') RETURNING id",
                    [f"floor-{os.getpid()}-{done}", grid, grid[:12], user_id, now],
                )
                dispute_id = cursor.fetchone()[0]
                for role in ("applicant", "respondent"):
                    cursor.execute(
                        "INSERT INTO disputes_party (dispute_id, kind, role, name, phone, id_number, address)"
                        " VALUES (%s, 'person', %s, 'x', '13900000000', '', '')",
                        [dispute_id, role],
                    )
                cursor.execute(
                    "INSERT INTO disputes_timelineentry (dispute_id, at, transition, from_status, to_status,"
                    " handling_unit_id, note) VALUES (%s, %s, 'register', '', 'registered', %s, '')",
                    [dispute_id, now, grid[:12]],
                )
                cursor.execute(
                    "INSERT INTO audit_auditevent (at, actor_username, action, object_type, object_id,"
                    " object_repr, region_code, result, detail, request_id)"
                    " VALUES (%s, 'bench', 'dispute.register', 'disputes.dispute', %s, '', %s, 'ok', '', '')",
                    [now, str(dispute_id), grid],
                )
            if keyed:
                cursor.execute(
                    "UPDATE accounts_idempotencyrecord SET status = 201, body = %s WHERE id = %s",
                    [json.dumps({"id": dispute_id}), claim],
                )
            done += 1
    return done / (time.perf_counter() - started)


# Every statement one keyed registration sends, in order (see `anju/disputes/actions.py`), for
# pgbench: PostgreSQL's own share of a registration with no Python anywhere.
PGBENCH = """
SELECT 1;
SELECT t.id, t.last_used_at, r.role, r.region_id, u.* FROM accounts_apitoken t
  JOIN accounts_user u ON u.id = t.user_id LEFT JOIN accounts_roleassignment r ON r.user_id = u.id
  WHERE t.key_hash = '%(key_hash)s' AND t.revoked_at IS NULL AND u.is_active ORDER BY r.region_id, r.role;
SELECT * FROM regions_region WHERE code = '%(grid)s';
INSERT INTO accounts_idempotencyrecord (user_id, key, request_hash, status, body, created_at, request_id)
  VALUES (%(user)s, gen_random_uuid()::text, md5(random()::text), 0, '{}', now(), md5(random()::text))
  RETURNING id AS claim \\gset
UPDATE disputes_casecounter SET last = last + 1 WHERE county_code = '%(county)s' AND year = %(year)s
  RETURNING last \\gset
BEGIN;
INSERT INTO disputes_dispute (number, region_id, origin_level, handling_unit_id, handling_level, status,
  channel, category, title, description, location, people_involved, risk, may_turn_criminal,
  registered_by_id, registered_at, resolved_level, version, external_ref, due_at,
  mediator_name, performance_note, remarks, source)
  VALUES ('%(county)s-%(year)s-' || lpad(:last::text, 6, '0'), '%(grid)s', 'village', '%(unit)s', 'village',
  'registered', 'grid_visit', 'neighbour', '压测纠纷', '性能测试用的纠纷登记。', '', 2, 'general', false,
  %(user)s, now(), '', 1, '', now() + interval '3 days', '', '', '', '') RETURNING id AS case_id \\gset
INSERT INTO disputes_party (dispute_id, kind, role, name, phone, id_number, address)
  VALUES (:case_id, 'person', 'applicant', '甲', '13900000001', '', ''),
  (:case_id, 'person', 'respondent', '乙', '', '', '') RETURNING id;
INSERT INTO disputes_timelineentry (dispute_id, at, actor_id, transition, from_status, to_status,
  handling_unit_id, note) VALUES (:case_id, now(), %(user)s, 'register', '', 'registered', '%(unit)s',
  '压测纠纷') RETURNING id;
INSERT INTO audit_auditevent (at, actor_id, actor_username, action, object_type, object_id, object_repr,
  region_code, after, result, detail, request_id, ip) VALUES (now(), %(user)s, 'bench', 'dispute.register',
  'disputes.dispute', :case_id, '', '%(grid)s', '{"status": "registered"}', 'ok', '', md5(random()::text),
  '127.0.0.1') RETURNING id;
COMMIT;
UPDATE accounts_idempotencyrecord SET status = 201, body = '{"id": 1, "number": "x", "parties": []}'
  WHERE id = :claim;
"""


def pgbench_ceiling(
    folder: Path, values: dict, seconds: int, clients: int, database_cpu
) -> tuple[float, float]:
    """Registrations/s and PostgreSQL CPU per registration when pgbench, a C client costing next to
    nothing, sends the statements of a keyed registration from `clients` connections, prepared as
    the app prepares them: what this machine's PostgreSQL can take with no application in front."""
    script = folder / "register.sql"
    script.write_text(PGBENCH % values)
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    before = database_cpu()
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("pgbench"),
            "-n",
            "--protocol=prepared",
            f"-c{clients}",
            "-j2",
            f"-T{seconds}",
            "-f",
            str(script),
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"] or "postgres",
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    cpu = database_cpu() - before
    tps = float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))
    return tps, cpu / (tps * seconds) * 1000


def cpu_seconds(match) -> float:
    """User + system CPU of the processes whose command line `match` accepts and of their exited
    children, from /proc (Linux)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if match(cmdline):
            # Own time, and that of children it has waited for: PostgreSQL's postmaster collects the
            # time of connections that have closed (pgbench's, before the last reading).
            total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


BARE_PATH = "/bench/bare/cases"


def wrk_figures(out: str) -> tuple[float, str, str, int]:
    """Requests/s, median and 99th percentile latency, and answers that were not 2xx or 3xx."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)
    return rps, p50, p99, int(errors.group(1)) if errors else 0


def wrk(script, path: str, *, threads: int, connections: int, seconds: int) -> str:
    """wrk's report of `seconds` of load on the served site's `path`, the requests made by the Lua
    `script`."""
    return subprocess.run(  # noqa: S603
        [
            shutil.which("wrk"),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@contextlib.contextmanager
def bare_server(*options: str):
    """The product's site with the bare endpoint (bench/bare_app.py) under gunicorn on PORT, answering
    once this returns, its table made before and dropped after; `options` go to gunicorn."""
    with connection.cursor() as cursor:
        cursor.execute(DROP_BARE_TABLE)
        cursor.execute(CREATE_BARE_TABLE)
    env = {
        **os.environ,
        "ANJU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "bare_settings",
    }
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--pythonpath",
            str(Path(__file__).resolve().parent),
            "bare_app:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            *options,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute(DROP_BARE_TABLE)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (each takes CPU from the server)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (the target: 2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--no-key", action="store_true", help="send no Idempotency-Key (phones send one)")
    parser.add_argument("--server-threads", type=int, default=1, help="threads per gthread worker")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("run against PostgreSQL: set ANJU_DATABASE_URL", file=sys.stderr)
        return 2
    for tool, package in (("wrk", "wrk"), ("pgbench", "postgresql-client")):
        if not shutil.which(tool):
            print(f"{tool} is needed: apt-get install {package}", file=sys.stderr)
            return 2
    worker = User.objects.filter(username__startswith="grid-").order_by("username").first()
    if worker is None:
        print("seed first: anju seed", file=sys.stderr)
        return 2
    grid = worker.role_assignments.first().region_id
    token = create_token(SYSTEM, worker, "bench")
    first_new = (Dispute.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    body = {
        "region": grid,
        "channel": "grid_visit",
        "category": "neighbour",
        "title": "压测纠纷",
        "description": "性能测试用的纠纷登记。",
        "check_duplicates": False,
        "parties": [
            {"role": "applicant", "name": "甲", "phone": "13900000001"},
            {"role": "respondent", "name": "乙"},
        ],
    }
    with (
        bare_server(
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.server_threads),
        ),
        tempfile.TemporaryDirectory() as folder,
    ):
        script = Path(folder) / "post.lua"
        script.write_text(
            LUA % {"token": token, "body": json.dumps(body, ensure_ascii=False).replace("'", "\\'")}
            + ("" if args.no_key else LUA_KEYS % {"run": int(time.time())})
        )

        def is_server(cmdline: str) -> bool:
            return "gunicorn" in cmdline and f"127.0.0.1:{PORT}" in cmdline

        def is_database(cmdline: str) -> bool:
            # Its connections and helpers ("postgres: ..."), and the postmaster itself.
            return cmdline.startswith("postgres:") or cmdline.split(" ", 1)[0].endswith("/bin/postgres")

        def readings():
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            return cpu_seconds(is_server), cpu_seconds(is_database), children.ru_utime + children.ru_stime

        def load(path: str) -> str:
            return wrk(script, path, threads=args.threads, connections=args.connections, seconds=args.seconds)

        # The bare endpoint on either side of the registrations, so a change in the machine's
        # load during the run shows as two different bare rates rather than in the ratio.
        bare_before = load(BARE_PATH)
        before = readings()
        out = load("/api/disputes")
        after = readings()
        bare_after = load(BARE_PATH)
        ceiling, ceiling_cpu = pgbench_ceiling(
            Path(folder),
            {
                "key_hash": hashlib.sha256(token.encode()).hexdigest(),
                "user": worker.pk,
                "grid": grid,
                "unit": grid[:12],
                "county": grid[:6],
                "year": timezone.localdate().year,
            },
            min(args.seconds, 10),
            args.connections,
            lambda: cpu_seconds(is_database),
        )
    rps, p50, p99, failed = wrk_figures(out)
    bare = [wrk_figures(bare_before), wrk_figures(bare_after)]
    bare_rps = (bare[0][0] + bare[1][0]) / 2
    floor = raw_floor(grid, worker.pk, min(args.seconds, 10), keyed=not args.no_key)
    removed = remove_cases_from(first_new)
    setup = f"gunicorn {args.workers} workers, wrk {args.connections} connections, {args.seconds} s"
    setup += ", no Idempotency-Key" if args.no_key else ", a new Idempotency-Key on each request"
    print(f"POST /api/disputes, {setup}")
    print(f"  through the API: {rps:8.1f} requests/s   p50 {p50}   p99 {p99}   non-2xx {failed}")
    for when, (b_rps, b_p50, b_p99, b_failed) in zip(("before", "after"), bare, strict=True):
        print(
            f"  bare endpoint {when}: {b_rps:8.1f} requests/s   p50 {b_p50}   p99 {b_p99}"
            f"   non-2xx {b_failed}   (POST {BARE_PATH}: the same body, django-ninja, one INSERT)"
        )
    print(f"  registrations / bare requests: {rps / bare_rps:.2f} ({rps:.1f} / {bare_rps:.1f})")
    requests = rps * args.seconds
    app_cpu = (after[0] - before[0]) / requests * 1000
    db_cpu = (after[1] - before[1]) / requests * 1000
    load_cpu = (after[2] - before[2]) / requests * 1000
    print(
        f"  CPU per request:   app {app_cpu:.2f} ms, PostgreSQL {db_cpu:.2f} ms, wrk {load_cpu:.2f} ms"
        f" -> 2 cores for the app alone would serve {2000 / app_cpu:.0f} requests/s"
    )
    print(f"  raw SQL floor:   {floor:8.1f} cases/s (same rows, one connection, no Python between)")
    print(
        f"  PostgreSQL alone: {ceiling:7.1f} cases/s from {args.connections} pgbench connections, the"
        f" statements of a keyed registration, PostgreSQL CPU {ceiling_cpu:.2f} ms per case"
    )
    print(f"  removed the {removed:,} cases this run added, so they do not skew the list benchmark")
    return 0


if __name__ == "__main__":
    sys.exit(main())
