"""The audit tables' hash chains: what makes a row changed or removed by hand show.

Rows are written unsealed, inside each action's own transaction, so writing one takes no lock
beyond its own INSERT: a chain computed at insert time would make every registration in the county
wait on the one before it. The sealer (`seal`, run by each pass of `anju sweep-deadlines` and by
`anju audit-seal`) later takes the committed unsealed rows in the order of their ids and gives each
the next place in its table's chain (`seq`) and the hash of the previous row's hash, its place and
its content, in short transactions under a lock, so two sealers never interleave. A row committed
late (a long import) is simply sealed in a later batch. `verify` walks each chain in order and names
the first place where it breaks: a row whose content no longer matches its hash, or a place missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from .models import AccessRecord, AppendOnly, AuditEvent

CHAINED: tuple[type[AppendOnly], ...] = (AuditEvent, AccessRecord)
# The hash the first row of a chain links to.
GENESIS = "0" * 64
BATCH = 1000
# Any fixed number: the key of the PostgreSQL advisory lock that sealers take in turn.
SEAL_LOCK = 0x616E6A75_5E41


def content_fields(model: type[AppendOnly]) -> list[models.Field]:
    """The columns a row's hash covers: all of them but the seal itself."""
    return [f for f in model._meta.concrete_fields if f.name not in model.seal_fields]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def row_hash(model: type[AppendOnly], previous: str, seq: int, content: dict[str, Any]) -> str:
    """The hash of one place in a chain: the previous hash, the table, the place, and the row's
    columns as the database gives them back (so a value normalised on the way in, such as JSON in
    PostgreSQL's jsonb, hashes the same when sealed and when verified)."""
    canonical = json.dumps(
        [previous, model._meta.db_table, seq, {name: _plain(v) for name, v in content.items()}],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rows(queryset, names: list[str]) -> Iterable[dict[str, Any]]:
    for values in queryset.values_list(*names).iterator(chunk_size=BATCH):
        yield dict(zip(names, values, strict=True))


def _lock() -> None:
    """Make sealers take turns. On SQLite every write transaction already holds the database's one
    write lock from its start (`transaction_mode` IMMEDIATE), so there is nothing more to take."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])


def _head(model: type[AppendOnly]) -> tuple[int, str]:
    last = model.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "chain_hash").first()
    return last if last is not None else (0, GENESIS)


def _seal_batch(model: type[AppendOnly], up_to: int) -> int:
    names = [f.attname for f in content_fields(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    with transaction.atomic():
        _lock()
        seq, previous = _head(model)
        pending = model.objects.filter(seq__isnull=True, pk__lte=up_to).order_by("pk")[:BATCH]
        updates = []
        for content in _rows(pending, names):
            seq += 1
            previous = row_hash(model, previous, seq, content)
            updates.append((seq, previous, content["id"]))
        if updates and connection.vendor == "postgresql":
            # One statement for the whole batch, rather than a round trip per row.
            values = ", ".join(["(%s::bigint, %s, %s::bigint)"] * len(updates))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} AS t SET seq = v.seq, chain_hash = v.hash "  # noqa: S608
                    f"FROM (VALUES {values}) AS v(seq, hash, id) WHERE t.id = v.id AND t.seq IS NULL",
                    [value for row in updates for value in row],
                )
        elif updates:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET seq = %s, chain_hash = %s WHERE id = %s AND seq IS NULL",  # noqa: S608
                    updates,
                )
    return len(updates)


def seal(models_: Iterable[type[AppendOnly]] = CHAINED) -> dict[str, int]:
    """Seal every row committed before the call, in batches of `BATCH` rows, each batch one short
    transaction. Rows that commit meanwhile wait for the next call, so a stream of writes can never
    keep a sealer running. Returns how many rows of each table were sealed."""
    sealed = {}
    for model in models_:
        up_to = model.objects.aggregate(last=models.Max("pk"))["last"] or 0
        total = 0
        while done := _seal_batch(model, up_to):
            total += done
        sealed[model._meta.label_lower] = total
    return sealed


@dataclass
class Break:
    """The first place where a chain does not hold."""

    seq: int
    row_id: int | None
    at: dt.datetime | None
    # "changed": the row's content no longer gives its hash; "missing": places are absent before it.
    problem: str
    expected: str
    found: str
    missing_after: tuple[int, int | None, dt.datetime | None] | None = None


@dataclass
class ChainReport:
    model: type[AppendOnly]
    sealed: int = 0
    unsealed: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    head_id: int | None = None
    head_at: dt.datetime | None = None
    broken: Break | None = None
    # The hashes found at the places asked for (heads noted earlier), by place.
    found_at: dict[int, str] = field(default_factory=dict)


def verify(
    model: type[AppendOnly], places: Iterable[int] = (), progress: Callable[[int], None] | None = None
) -> ChainReport:
    """Walk one table's chain from its first place and report the first break, if any, and the
    hashes at `places` (heads noted earlier) when the walk reaches them intact."""
    wanted = set(places)
    names = [f.attname for f in content_fields(model)]
    report = ChainReport(model)
    previous, expected_seq = GENESIS, 1
    last: tuple[int, int | None, dt.datetime | None] = (0, None, None)
    sealed = model.objects.filter(seq__isnull=False).order_by("seq")
    for row in _rows(sealed, [*names, "seq", "chain_hash"]):
        seq, stored = row.pop("seq"), row.pop("chain_hash")
        if seq != expected_seq:
            report.broken = Break(
                seq=seq,
                row_id=row["id"],
                at=row["at"],
                problem="missing",
                expected=str(expected_seq),
                found=str(seq),
                missing_after=last,
            )
            break
        computed = row_hash(model, previous, seq, row)
        if computed != stored:
            report.broken = Break(
                seq=seq, row_id=row["id"], at=row["at"], problem="changed", expected=computed, found=stored
            )
            break
        previous, expected_seq, last = stored, seq + 1, (seq, row["id"], row["at"])
        if seq in wanted:
            report.found_at[seq] = stored
        report.sealed += 1
        if progress is not None and report.sealed % 100_000 == 0:
            progress(report.sealed)
    report.head_seq, report.head_id, report.head_at = last
    report.head_hash = previous
    report.unsealed = model.objects.filter(seq__isnull=True).count()
    return report
