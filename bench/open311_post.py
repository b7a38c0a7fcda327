"""One Open311 POST at a time: the statements it runs and its wall time, own CPU time and the
database server's CPU time per request, for comparing two versions in turns when the machine is too
busy for the wrk figures of bench/open311.py to hold still (CPU time barely moves with the load).

Each POST is what wrk sends in bench/open311.py (an urlencoded form, no photo), handed to Django's
WSGI handler as gunicorn hands it a request: the test client would add its own work (multipart
bodies, signal receivers connected for every request) that a served POST never does.

Usage (PostgreSQL with the seeded county and its events):
    ANJU_DATABASE_URL=... python bench/open311_post.py [--posts 100] [--show-sql]

The database's CPU is read from /proc for the server process of the bench's connection, so it shows
only where PostgreSQL runs on the same machine. The POSTs add events described 路灯不亮
(bench/open311.py removes its own; these stay, as a client's would); the bench's key and request
rows are removed at the end."""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import urllib.parse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from anju.accounts.models import RoleAssignment  # noqa: E402
from anju.events.models import EventType  # noqa: E402
from anju.open311 import keys  # noqa: E402
from anju.open311.models import ApiKey, ServiceRequest  # noqa: E402

BENCH_KEY = "bench-open311-post"
PATH = "/open311/v2/requests.json"


def server_cpu() -> float | None:
    """Seconds of CPU the database server process of this connection has used, or None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--show-sql", action="store_true")
    args = parser.parse_args()
    assignment = RoleAssignment.objects.filter(role="grid_worker").select_related("user").first()
    ServiceRequest.objects.filter(key__name=BENCH_KEY).delete()
    ApiKey.objects.filter(name=BENCH_KEY).delete()
    key, secret = keys.create_key(None, name=BENCH_KEY, channel="resident", account=assignment.user)
    ApiKey.objects.filter(pk=key.pk).update(posts_per_minute=30_000)
    event_type = EventType.objects.filter(
        active=True, extra_fields__isnull=True, photo_required=False
    ).first()
    body = urllib.parse.urlencode(
        {
            "api_key": secret,
            "service_code": event_type.code,
            "address_string": "村口",
            "description": "路灯不亮",
        }
    ).encode()
    handler = WSGIHandler()

    def post() -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": PATH,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status = []
        result = handler(environ, lambda line, headers, exc_info=None: status.append(line))
        content = b"".join(result)
        result.close()  # request_finished, as gunicorn sends it
        assert status[0].startswith("201"), (status, content[:300])

    try:
        for _ in range(5):  # connections, prepared statements, caches
            post()
        with CaptureQueriesContext(connection) as queries:
            post()
        print(f"database: {connection.vendor}; load average: {os.getloadavg()[0]:.2f}")
        print(f"statements per POST: {len(queries.captured_queries)}")
        if args.show_sql:
            for query in queries.captured_queries:
                print(f"  {query['time']} {str(query['sql'])[:160]}")
        server = server_cpu()
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.posts):
            post()
        wall = (time.perf_counter() - started) * 1000 / args.posts
        own = (time.process_time() - cpu) * 1000 / args.posts
        line = f"per POST: wall {wall:.2f} ms, own CPU {own:.2f} ms"
        if server is not None:
            line += f", database server CPU {(server_cpu() - server) * 1000 / args.posts:.2f} ms"
        print(f"{line} ({args.posts} in a row; load average {os.getloadavg()[0]:.2f})")
    finally:
        ServiceRequest.objects.filter(key=key).delete()
        ApiKey.objects.filter(pk=key.pk).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
