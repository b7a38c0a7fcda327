"""One Open311 POST at a time through Django's test client: the statements it runs and its wall and
own CPU time per request, for comparing two versions in turns when the machine is too busy for the
wrk figures of bench/open311.py to hold still (own CPU time barely moves with the load).

Usage (PostgreSQL with the seeded county and its events):
    ANJU_DATABASE_URL=... python bench/open311_post.py [--posts 100] [--show-sql]

The POSTs add events described 路灯不亮 (bench/open311.py removes its own; these stay, as a
client's would); the bench's key and request rows are removed at the end."""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from anju.accounts.models import RoleAssignment  # noqa: E402
from anju.events.models import EventType  # noqa: E402
from anju.open311 import keys  # noqa: E402
from anju.open311.models import ApiKey, ServiceRequest  # noqa: E402

BENCH_KEY = "bench-open311-post"


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
    client = Client()
    body = {
        "api_key": secret,
        "service_code": event_type.code,
        "description": "路灯不亮",
        "address_string": "村口",
    }

    def post() -> None:
        response = client.post("/open311/v2/requests.json", body)
        assert response.status_code == 201, response.content[:300]

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
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.posts):
            post()
        wall = (time.perf_counter() - started) * 1000 / args.posts
        own = (time.process_time() - cpu) * 1000 / args.posts
        print(f"per POST: wall {wall:.2f} ms, own CPU {own:.2f} ms ({args.posts} in a row)")
    finally:
        ServiceRequest.objects.filter(key=key).delete()
        ApiKey.objects.filter(pk=key.pk).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
