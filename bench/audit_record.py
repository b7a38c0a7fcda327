"""What does sealing cost the busiest path? Times `anju.audit.actions.record` as every action calls it
(one audit row inside the action's transaction; here a round of rows in one transaction, so that the
commit's disk flush, the same before and after, does not drown the difference), beside a floor: the
same row inserted with raw SQL in the same run. Then, where the code has the chain, how fast the
sealer and the verifier go through the rows just written.

Run it on a migrated database of its own, against the code before and after a change:
    ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_audit_bench python bench/audit_record.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from anju.audit.actions import record  # noqa: E402
from anju.core.scoping import SYSTEM  # noqa: E402

AFTER = {
    "status": "registered",
    "title": "排水沟堵塞引发邻里争吵",
    "region": "629901100201001",
    "risk": "general",
}
FLOOR = (
    "INSERT INTO audit_auditevent (at, actor_username, action, object_type, object_id, object_repr, "
    "region_code, after, result, detail, request_id) VALUES "
    "(now(), 'system', 'bench.floor', 'disputes.dispute', '1', 'x', '629901100201001', %s, 'ok', '', '')"
)


def per_op(function, count: int) -> float:
    started = time.perf_counter()
    with transaction.atomic():
        for _ in range(count):
            function()
    return (time.perf_counter() - started) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--count", type=int, default=1000)
    options = parser.parse_args()
    import json

    body = json.dumps(AFTER, ensure_ascii=False)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR, [body])

    def audited():
        record(SYSTEM, "bench.record", region_code="629901100201001", after=AFTER, detail="")

    per_op(audited, 200)  # warm the connection, the prepared statements and the caches
    recorded, floors = [], []
    for _ in range(options.rounds):
        recorded.append(per_op(audited, options.count))
        floors.append(per_op(floor, options.count))
    print(
        f"record(): median {statistics.median(recorded):.0f} µs "
        f"(rounds {min(recorded):.0f}–{max(recorded):.0f}); "
        f"raw INSERT floor {statistics.median(floors):.0f} µs ({min(floors):.0f}–{max(floors):.0f})"
    )
    try:
        from anju.audit import chain
    except ImportError:
        return
    from anju.audit.models import AuditEvent

    pending = AuditEvent.objects.filter(seq__isnull=True).count()
    started = time.perf_counter()
    chain.seal()
    sealing = time.perf_counter() - started
    started = time.perf_counter()
    report = chain.verify(AuditEvent)
    verifying = time.perf_counter() - started
    print(
        f"seal: {pending:,} rows in {sealing:.2f} s ({pending / sealing:,.0f} rows/s); "
        f"verify: {report.sealed:,} rows in {verifying:.2f} s ({report.sealed / verifying:,.0f} rows/s)"
    )


if __name__ == "__main__":
    main()
