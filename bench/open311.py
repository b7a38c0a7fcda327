"""How fast is the Open311 door at a county's real volume? Prints, in the same run:
- GET /open311/v2/requests.json (100 requests, `status=open`, a 90-day window) through Django's test
  client, beside its floor: the same rows read by hand-written SQL through the driver and serialised
  with json.dumps; the two are timed in turns (bench/timing.py `timed_together`), so a change in the
  shared machine's load falls on both;
- POST /open311/v2/requests.json (urlencoded, no photo) served by gunicorn (2 sync workers) and driven
  by wrk, beside the bare endpoint of bench/create_api.py (bench/bare_app.py: django-ninja parsing a
  body into one INSERT) driven by the same wrk load just before and just after.

Only requests that came through the door are published, so the script first gives up to
`--published` seeded events an Open311 origin (rows in open311_servicerequest, removed at the end,
with the events the POSTs create and the bench's key).

Usage (PostgreSQL with the seeded county and its events; wrk from Debian's packages):
    ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench anju migrate
    ANJU_DATABASE_URL=... anju seed --events 1000000
    ANJU_DATABASE_URL=... python bench/open311.py [--runs 50] [--published 1000000] [--seconds 15]
        [--no-get | --no-post]

Targets (issue 12): GET within 2x its floor at the median; POST at least 0.5x the bare endpoint's rate."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from create_api import BARE_PATH, bare_server, wrk, wrk_figures  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from timing import load_average, summary, timed_together  # noqa: E402

from anju.accounts.models import RoleAssignment  # noqa: E402
from anju.core.rows import analyze  # noqa: E402
from anju.events.models import Event, EventType, TimelineEntry  # noqa: E402
from anju.open311 import georeport, keys  # noqa: E402
from anju.open311.models import ApiKey, ServiceRequest  # noqa: E402
from anju.open311.views import DEFAULT_DAYS  # noqa: E402

BENCH_KEY = "bench-open311"

# The floor of the list: the rows the answer needs, in its order, with the first report photo.
LIST_SQL = """
SELECT e.number, e.status, t.name, t.code, e.description, u.name,
       e.reported_at, e.filed_at, e.dispatched_at, e.handled_at, e.verified_at, e.closed_at,
       e.evaluated_at, e.due_at, e.location, e.latitude, e.longitude,
       (SELECT p.id FROM events_photo p WHERE p.event_id = e.id AND p.purpose = 'report'
        ORDER BY p.uploaded_at, p.id LIMIT 1)
FROM events_event e
JOIN open311_servicerequest s ON s.event_id = e.id
JOIN events_eventtype t ON t.id = e.event_type_id
JOIN regions_region u ON u.code = e.handling_unit_id
WHERE e.status = ANY(%s) AND e.reported_at >= %s AND e.reported_at <= %s
ORDER BY e.reported_at DESC, e.id DESC
LIMIT 100
"""

# The bare endpoint's body: what bench/create_api.py sends it.
BARE_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '%(body)s'
"""
POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "%(body)s"
"""


def publish(key: ApiKey, limit: int) -> int:
    """Give up to `limit` events without one an Open311 origin, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO open311_servicerequest
                (event_id, key_id, token, email, device_id, account_id, created_at)
            SELECT e.id, %s, md5('bench' || e.id::text), '', '', '', now()
            FROM events_event e
            WHERE NOT EXISTS (SELECT 1 FROM open311_servicerequest s WHERE s.event_id = e.id)
            LIMIT %s
            """,
            [key.pk, limit],
        )
        made = cursor.rowcount
    analyze(ServiceRequest)
    return made


def time_list(args) -> None:
    newest = Event.objects.aggregate(newest=Max("reported_at"))["newest"]
    start, end = newest - dt.timedelta(days=DEFAULT_DAYS), newest
    client = Client()
    params = {
        "status": "open",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "page_size": "100",
    }

    def get():
        response = client.get("/open311/v2/requests.json", params)
        assert response.status_code == 200, response.content[:300]
        assert len(json.loads(response.content)) == 100

    def get_floor():
        with connection.cursor() as cursor:
            cursor.execute(LIST_SQL, [georeport.STAGES_OF_STATUS["open"], start, end])
            json.dumps([[str(v) for v in row] for row in cursor.fetchall()])

    print(f"load average before: {load_average()}")
    through, floor = timed_together([get, get_floor], args.runs)
    ratio = statistics.median(through) / statistics.median(floor)
    print(f"{'GET requests.json (100, open, 90 days)':40} through Django: {summary(through)}")
    print(f"{'':40} raw SQL floor:  {summary(floor)}")
    print(f"{'':40} median / floor median: {ratio:.2f} (target: at most 2)")
    print(f"load average after: {load_average()}")


def time_posts(args, secret: str, event_type: EventType, grid: str) -> None:
    """POSTs through gunicorn and wrk, beside the bare endpoint under the same load."""
    if not shutil.which("wrk"):
        print("POST skipped: wrk is needed (apt-get install wrk)", file=sys.stderr)
        return
    form = urllib.parse.urlencode(
        {
            "api_key": secret,
            "service_code": event_type.code,
            "address_string": "村口",
            "description": "路灯不亮",
        }
    )
    bare = {
        "region": grid,
        "channel": "grid_visit",
        "category": event_type.code,
        "title": "路灯不亮",
        "description": "路灯不亮",
        "check_duplicates": False,
        "parties": [{"role": "applicant", "name": "甲", "phone": "13900000001"}],
    }
    with bare_server("--workers", "2"), tempfile.TemporaryDirectory() as folder:
        bare_script, post_script = Path(folder) / "bare.lua", Path(folder) / "post.lua"
        bare_script.write_text(BARE_LUA % {"body": json.dumps(bare, ensure_ascii=False)})
        post_script.write_text(POST_LUA % {"body": form})

        def load(script: Path, path: str) -> str:
            return wrk(script, path, threads=1, connections=args.connections, seconds=args.seconds)

        loads = [load_average()]
        bare_before = wrk_figures(load(bare_script, BARE_PATH))
        loads.append(load_average())
        posts = wrk_figures(load(post_script, "/open311/v2/requests.json"))
        loads.append(load_average())
        bare_after = wrk_figures(load(bare_script, BARE_PATH))
        loads.append(load_average())
    bare_rps = (bare_before[0] + bare_after[0]) / 2
    setup = f"gunicorn 2 workers, wrk {args.connections} connections, {args.seconds} s each"
    print(f"POST requests.json, urlencoded, no photo ({setup})")
    print(
        f"  through Django:       {posts[0]:8.1f} requests/s  p50 {posts[1]}  p99 {posts[2]}"
        f"  non-2xx {posts[3]}"
    )
    for when, figures in (("before", bare_before), ("after", bare_after)):
        print(
            f"  bare endpoint {when:6}: {figures[0]:8.1f} requests/s  p50 {figures[1]}  p99 {figures[2]}"
            f"  non-2xx {figures[3]}  (POST {BARE_PATH}: django-ninja, one INSERT)"
        )
    print(f"  requests / bare requests: {posts[0] / bare_rps:.2f} (target: at least 0.5)")
    print(f"  load average at the start and after each load: {' | '.join(loads)}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--published", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-post", action="store_true", help="time the list only")
    parser.add_argument("--no-get", action="store_true", help="time the POSTs only")
    args = parser.parse_args()
    total = Event.objects.count()
    print(f"database: {connection.vendor}, events: {total:,}")
    if total < 1000:
        print("seed first: anju seed --events 1000000", file=sys.stderr)
        return 2
    # A grid worker's account reports the POSTs: the events land on a real dispatch board.
    assignment = RoleAssignment.objects.filter(role="grid_worker").select_related("user").first()
    ApiKey.objects.filter(name=BENCH_KEY).delete()
    key, secret = keys.create_key(None, name=BENCH_KEY, channel="resident", account=assignment.user)
    ApiKey.objects.filter(pk=key.pk).update(posts_per_minute=30_000)
    event_type = EventType.objects.filter(active=True, extra_fields__isnull=True).first()
    photo_required = event_type.photo_required
    EventType.objects.filter(pk=event_type.pk).update(photo_required=False)
    first_new = (Event.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    try:
        made = publish(key, args.published)
        print(f"published for the bench: {made:,}")
        if not args.no_get:
            time_list(args)
        if not args.no_post:
            time_posts(args, secret, event_type, assignment.region_id)
    finally:
        with transaction.atomic():
            ServiceRequest.objects.filter(key=key).delete()
            Event.objects.filter(pk__gte=first_new, description="路灯不亮").delete()
            ApiKey.objects.filter(pk=key.pk).delete()
            EventType.objects.filter(pk=event_type.pk).update(photo_required=photo_required)
        analyze(Event, TimelineEntry, ServiceRequest, vacuum=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
