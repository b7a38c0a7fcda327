"""One Open311 POST at a time: the statements it runs and its wall time, own CPU time and the
database server's CPU time per request, for comparing two versions in turns when the machine is too
busy for the wrk figures of bench/open311.py to hold still (CPU time barely moves with the load).

Each POST is what wrk sends in bench/open311.py (an urlencoded form, no photo), handed to Django's
WSGI handler as gunicorn hands it a request: the test client would add its own work (multipart
bodies, signal receivers connected for every request) that a served POST never does.

Usage (PostgreSQL with the seeded county and its events):
    ANJU_DATABASE_URL=... python bench/open311_post.py [--posts 100] [--show-sql] [--bare]

With --bare, the bare endpoint that bench/open311.py drives beside the POSTs (bench/bare_app.py: its
JSON body into one INSERT, same settings and middleware) is measured the same way instead.

The database's CPU is read from /proc for the server process of the bench's connection, so it shows
only where PostgreSQL runs on the same machine. The POSTs add events described 路灯不亮
(bench/open311.py removes its own; these stay, as a client's would); the bench's key and request
rows are removed at the end."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import urllib.parse
from collections.abc import Callable

# The bare endpoint's URLconf comes with its own settings module, chosen before Django starts.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bare_settings" if "--bare" in sys.argv else "anju.settings")
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


def handler_for(path: str, content_type: str, body: bytes, application) -> Callable[[], None]:
    """One request as gunicorn hands it to Django, answered 201 or the bench stops."""

    def post() -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "CONTENT_TYPE": content_type,
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
        result = application(environ, lambda line, headers, exc_info=None: status.append(line))
        content = b"".join(result)
        result.close()  # request_finished, as gunicorn sends it
        assert status[0].startswith("201"), (status, content[:300])

    return post


def measure(post: Callable[[], None], posts: int, show_sql: bool) -> None:
    for _ in range(5):  # connections, prepared statements, caches
        post()
    with CaptureQueriesContext(connection) as queries:
        post()
    print(f"database: {connection.vendor}; load average: {os.getloadavg()[0]:.2f}")
    print(f"statements per POST: {len(queries.captured_queries)}")
    if show_sql:
        for query in queries.captured_queries:
            print(f"  {query['time']} {str(query['sql'])[:160]}")
    server = server_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(posts):
        post()
    wall = (time.perf_counter() - started) * 1000 / posts
    own = (time.process_time() - cpu) * 1000 / posts
    line = f"per POST: wall {wall:.2f} ms, own CPU {own:.2f} ms"
    if server is not None:
        line += f", database server CPU {(server_cpu() - server) * 1000 / posts:.2f} ms"
    print(f"{line} ({posts} in a row; load average {os.getloadavg()[0]:.2f})")


def bare(args) -> None:
    import bare_app
    from bare_settings import CREATE_BARE_TABLE, DROP_BARE_TABLE
    from create_api import BARE_PATH

    from anju.regions.models import Region

    grid = Region.objects.filter(level="grid").values_list("code", flat=True).first()
    code = EventType.objects.values_list("code", flat=True).first()
    # What bench/open311.py sends the bare endpoint.
    document = {
        "region": grid,
        "channel": "grid_visit",
        "category": code,
        "title": "路灯不亮",
        "description": "路灯不亮",
        "check_duplicates": False,
        "parties": [{"role": "applicant", "name": "甲", "phone": "13900000001"}],
    }
    body = json.dumps(document, ensure_ascii=False).encode()
    with connection.cursor() as cursor:
        cursor.execute(DROP_BARE_TABLE)
        cursor.execute(CREATE_BARE_TABLE)
    try:
        post = handler_for(BARE_PATH, "application/json", body, bare_app.application)
        measure(post, args.posts, args.show_sql)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(DROP_BARE_TABLE)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--bare", action="store_true", help="the bare endpoint instead of the POSTs")
    args = parser.parse_args()
    if args.bare:
        bare(args)
        return 0
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
    post = handler_for(PATH, "application/x-www-form-urlencoded", body, WSGIHandler())
    try:
        measure(post, args.posts, args.show_sql)
    finally:
        ServiceRequest.objects.filter(key=key).delete()
        ApiKey.objects.filter(pk=key.pk).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
