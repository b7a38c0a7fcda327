"""How fast is the Open311 door at a county's real volume? Prints, in the same run:
- GET /open311/v2/requests.json (100 requests, open, in a 90-day window) through Django, beside the
  floor: the same SQL run raw through the driver and its rows serialised with json.dumps;
- POST /open311/v2/requests.json (urlencoded, no photo) through Django, beside the floor: one raw
  INSERT into the bare table of bench/create_api.py, the same work the bare endpoint does.
Both are measured in-process with Django's test client (no server, no wrk), so the ratios, not the
absolute times, are the figures to compare between runs and machines.

Only requests that came through the door are published, so the script first gives up to
`--published` seeded events an Open311 origin (rows in open311_servicerequest, removed at the end,
with the events the POSTs create and the bench's key).

Usage (PostgreSQL with the seeded county and its events):
    ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench anju migrate
    ANJU_DATABASE_URL=... anju seed --events 1000000
    ANJU_DATABASE_URL=... python bench/open311.py [--runs 50] [--published 1000000]

Target (issue 12): GET within 2x its floor at the median; POST at least 0.5x the bare INSERT's rate."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from bare_settings import BARE_TABLE, CREATE_BARE_TABLE, DROP_BARE_TABLE  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from timing import summary, timed  # noqa: E402

from anju.accounts.models import RoleAssignment  # noqa: E402
from anju.events.models import Event, EventType  # noqa: E402
from anju.open311 import georeport, keys  # noqa: E402
from anju.open311.models import ApiKey, ServiceRequest  # noqa: E402
from anju.open311.views import DEFAULT_DAYS  # noqa: E402

BENCH_KEY = "bench-open311"

# The floor of the list: the rows the answer needs, in its order, with the first report photo.
LIST_SQL = """
SELECT e.number, e.status, e.void_reason, e.handling_report, t.name, t.code, e.description, u.name,
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE open311_servicerequest")
    return made


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--published", type=int, default=1_000_000)
    args = parser.parse_args()
    total = Event.objects.count()
    print(f"database: {connection.vendor}, events: {total:,}")
    if total < 1000:
        print("seed first: anju seed --events 1000000", file=sys.stderr)
        return 2
    # A township centre's account reports the POSTs: the events land on a real dispatch board.
    assignment = RoleAssignment.objects.filter(role="grid_worker").select_related("user").first()
    ApiKey.objects.filter(name=BENCH_KEY).delete()
    key, secret = keys.create_key(None, name=BENCH_KEY, channel="resident", account=assignment.user)
    ApiKey.objects.filter(pk=key.pk).update(posts_per_minute=30_000)
    made = publish(key, args.published)
    newest = Event.objects.aggregate(newest=Max("reported_at"))["newest"]
    start, end = newest - dt.timedelta(days=DEFAULT_DAYS), newest
    print(f"published for the bench: {made:,}")
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

    def get_floor():
        with connection.cursor() as cursor:
            cursor.execute(LIST_SQL, [georeport.STAGES_OF_STATUS["open"], start, end])
            json.dumps([[str(v) for v in row] for row in cursor.fetchall()])

    event_type = EventType.objects.filter(active=True, extra_fields__isnull=True).first()
    body = {
        "api_key": secret,
        "service_code": event_type.code,
        "address_string": "村口",
        "description": "路灯不亮",
    }
    EventType.objects.filter(pk=event_type.pk).update(photo_required=False)

    def post():
        response = client.post("/open311/v2/requests.json", body)
        assert response.status_code == 201, response.content[:300]

    def post_floor():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {BARE_TABLE} (region_id, category, title, description, parties)"
                " VALUES (%s, %s, %s, %s, %s)",
                [assignment.region_id, event_type.code, "路灯不亮", "路灯不亮", "[]"],
            )

    with connection.cursor() as cursor:
        cursor.execute(CREATE_BARE_TABLE)
    try:
        print(f"{'Open311':36} {'through Django':36} {'raw SQL floor':36}")
        print(
            f"{'GET requests.json (100, open, 90d)':36} {summary(timed(get, args.runs)):36} "
            f"{summary(timed(get_floor, args.runs)):36}"
        )
        print(
            f"{'POST requests.json (one request)':36} {summary(timed(post, args.runs)):36} "
            f"{summary(timed(post_floor, args.runs)):36}"
        )
    finally:
        posted = Event.objects.filter(open311__key=key, reported_by=assignment.user, description="路灯不亮")
        ids = list(posted.values_list("pk", flat=True))
        ServiceRequest.objects.filter(key=key).delete()
        Event.objects.filter(pk__in=ids).delete()
        ApiKey.objects.filter(pk=key.pk).delete()
        with connection.cursor() as cursor:
            cursor.execute(DROP_BARE_TABLE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
