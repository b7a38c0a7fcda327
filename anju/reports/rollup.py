"""The rollup of the dispute figures: disputes counted by local month of registration, region,
category, channel, origin level, first escalation and resolution (anju.reports.models.DisputeCell),
kept in the same transaction as every change that moves a case from one cell to another.

Why this grain, and why kept in step rather than rebuilt by the worker: docs/statistics.md.

Every change to a dispute's cell goes through one of two doors: the workflow's transitions
(anju.workflow.engine calls `moved` with the case before and after, inside its transaction) and new
cases (`added`, from registration and the ledger import). A write that passes neither (an UPDATE
by hand, a restore) leaves the rollup behind: `anju rebuild-rollups` counts it again from the
disputes. Until it has been built once (RollupState), and after the time zone changes, the figures
are counted from the disputes themselves (anju.reports.metrics), so a database without it gives
the same answers, only slower."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from anju.core.rows import analyze
from anju.core.scoping import ALL, prefixes_for
from anju.disputes.choices import Status
from anju.disputes.models import Dispute, TimelineEntry

from .models import (
    CELL_KEY,
    RESOLUTION_KEY,
    TALLY_KEY,
    CountyCell,
    CountyResolutionTally,
    CountyTally,
    DisputeCell,
    DisputeTally,
    ResolutionTally,
    RollupState,
)

NAME = "disputes"
# What a case's cell depends on, read from the row; its first escalation is read from the timeline.
FIELDS = (
    "status",
    "registered_at",
    "resolved_at",
    "resolved_level",
    "origin_level",
    "region_id",
    "category",
    "channel",
)


@dataclass(frozen=True)
class Grain:
    """The rollup's three tables at one grain of region: the cells, the tallies of cases found,
    resolved and escalated, and of resolutions by level."""

    cells: type
    tallies: type
    resolutions: type


# Cases count under the township they arose in (or the county, for one registered there): the
# grain that answers a county's figures; below it the rollup would be as fine as the data
# (docs/statistics.md). A prefecture's or province's figures, broken down by county, read the same
# rows summed over each county's townships.
TOWNSHIP = Grain(DisputeCell, DisputeTally, ResolutionTally)
COUNTY = Grain(CountyCell, CountyTally, CountyResolutionTally)
GRAINS = (TOWNSHIP, COUNTY)

# The rollup's keys, in its unique constraints' order (anju.reports.models).
KEY = CELL_KEY
TOWNSHIP_DIGITS = 9
COUNTY_DIGITS = 6
CHUNK = 50_000
INSERT_ROWS = 500
# At most this many upserts go as one statement: a transition's six; a rebuild's run one by one.
TOGETHER = 6

Key = tuple


def month_of(at: dt.datetime) -> int:
    """202603: the month of an instant in the county's time zone, as the figures' months run."""
    local = timezone.localtime(at, timezone.get_default_timezone())
    return local.year * 100 + local.month


def month_key(day: dt.date) -> int:
    return day.year * 100 + day.month


def whole_seconds(later: dt.datetime, earlier: dt.datetime) -> int:
    """Whole seconds between two instants, rounded half away from zero as the databases round
    them (anju.reports.metrics.SecondsBetween), in exact integer arithmetic."""
    micro = (later - earlier) // dt.timedelta(microseconds=1)
    whole = (abs(micro) + 500_000) // 1_000_000
    return whole if micro >= 0 else -whole


def cell(values: tuple, first_escalation: dt.datetime | None) -> tuple[Key, int] | None:
    """The cell a case counts in (values in FIELDS order) and its seconds to resolution; None for a
    merged case, which no figure counts."""
    status, registered_at, resolved_at, resolved_level, origin_level, region, category, channel = values
    if status == Status.MERGED:
        return None
    resolved = status == Status.RESOLVED and resolved_at is not None
    key = (
        month_of(registered_at),
        region[:TOWNSHIP_DIGITS],
        category,
        channel,
        origin_level,
        month_of(first_escalation) if first_escalation else 0,
        month_of(resolved_at) if resolved else 0,
        resolved_level if resolved else "",
    )
    return key, whole_seconds(resolved_at, registered_at) if resolved else 0


def _change(changes: dict[Key, list[int]], found: tuple[Key, int] | None, sign: int) -> None:
    if found is None:
        return
    key, seconds = found
    counts = changes.setdefault(key, [0, 0])
    counts[0] += sign
    counts[1] += sign * seconds


def add(changes: dict[Key, list[int]]) -> None:
    """Add counts to cells, and to the tallies summed from them, at the township's grain and at the
    county's, creating the rows not there: INSERT ... ON CONFLICT a few hundred rows at a time for
    each table, in key order (two transactions touching the same rows take their locks in one
    order). A row that falls to zero stays (a later case may land in it again)."""
    by_county: dict[Key, list[int]] = {}
    for key, (cases, seconds) in changes.items():
        summed = by_county.setdefault((key[0], key[1][:COUNTY_DIGITS], *key[2:]), [0, 0])
        summed[0] += cases
        summed[1] += seconds
    statements: list[tuple[str, list]] = []
    for grain, cells in ((TOWNSHIP, changes), (COUNTY, by_county)):
        tallies, resolutions = _summed(cells)
        statements += _upserts(grain.cells, KEY, ("cases", "seconds_to_resolve"), cells)
        statements += _upserts(grain.tallies, TALLY_KEY, ("cases", "resolved", "escalated"), tallies)
        statements += _upserts(
            grain.resolutions, RESOLUTION_KEY, ("cases", "seconds_to_resolve"), resolutions
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1 and len(statements) <= TOGETHER:
            # A transition's six small upserts as one statement (the first five as data-modifying
            # WITHs), one round trip to the database where there were six.
            heads = ", ".join(f"rollup_{index} AS ({sql})" for index, (sql, _) in enumerate(statements[:-1]))
            cursor.execute(
                f"WITH {heads} {statements[-1][0]}", [v for _, params in statements for v in params]
            )
            return
        for sql, params in statements:
            cursor.execute(sql, params)


def _summed(cells: dict[Key, list[int]]) -> tuple[dict[tuple, list[int]], dict[tuple, list[int]]]:
    """The tallies' rows the cells' counts add up to: cases found, resolved and escalated by month,
    region, category and channel; resolutions and their seconds by origin and resolution level."""
    tallies: dict[tuple, list[int]] = {}
    resolutions: dict[tuple, list[int]] = {}
    for key, (cases, seconds) in cells.items():
        month, region, category, channel, origin_level, escalated_month, resolved_month, level = key
        tally = tallies.setdefault((month, region, category, channel), [0, 0, 0])
        tally[0] += cases
        if resolved_month:
            tally[1] += cases
            resolution = resolutions.setdefault((month, region, category, origin_level, level), [0, 0])
            resolution[0] += cases
            resolution[1] += seconds
        if escalated_month:
            tally[2] += cases
    return tallies, resolutions


def _upserts(
    model, key: tuple[str, ...], measures: tuple[str, ...], changes: dict[tuple, list[int]]
) -> list[tuple[str, list]]:
    """The INSERT ... ON CONFLICT statements that add `changes` to a table, a few hundred rows each."""
    rows = [(*k, *counts) for k, counts in sorted(changes.items()) if any(counts)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    keys = ", ".join(quote(k) for k in key)
    columns = ", ".join([keys, *(quote(m) for m in measures)])
    placeholders = "(" + ", ".join(["%s"] * (len(key) + len(measures))) + ")"
    added = ", ".join(f"{quote(m)} = {table}.{quote(m)} + excluded.{quote(m)}" for m in measures)
    statements = []
    for first in range(0, len(rows), INSERT_ROWS):
        chunk = rows[first : first + INSERT_ROWS]
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))} "  # noqa: S608
            f"ON CONFLICT ({keys}) DO UPDATE SET {added}"
        )
        statements.append((sql, [value for row in chunk for value in row]))
    return statements


class _Watcher:
    """What anju.workflow.engine keeps in step with the disputes (registered in ReportsConfig.ready)."""

    def state(self, case) -> tuple:
        return tuple(getattr(case, name) for name in FIELDS)

    def moved(self, case, before: tuple, transition: str) -> None:
        after = self.state(case)
        if after == before and transition != "escalate":
            return  # a session, a visit, a reminder: the case stays in its cell
        escalations = list(
            TimelineEntry.objects.filter(dispute_id=case.pk, transition="escalate")
            .order_by("at", "id")
            .values_list("at", flat=True)[:2]
        )
        first = escalations[0] if escalations else None
        # This transition's own row is the latest escalation: before it, the first was the one
        # before it, if any.
        first_before = (
            (escalations[0] if len(escalations) > 1 else None) if transition == "escalate" else first
        )
        changes: dict[Key, list[int]] = {}
        _change(changes, cell(before, first_before), -1)
        _change(changes, cell(after, first), +1)
        add(changes)

    def added(self, cases: list) -> None:
        """New cases have no escalation on their timeline yet (registration, ledger rows)."""
        changes: dict[Key, list[int]] = {}
        for case in cases:
            _change(changes, cell(self.state(case), None), +1)
        add(changes)


WATCHER = _Watcher()


# --- building it from the disputes ----------------------------------------------------------------


def rebuild(progress: Callable[[str], None] | None = None) -> int:
    """Count every dispute into the rollup again, from scratch, in one transaction; returns the
    number of cells. On PostgreSQL the disputes are locked against writes meanwhile (SHARE mode:
    reads go on), so no change falls between the count and the cells replacing the old ones."""
    say = progress or (lambda _message: None)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(Dispute._meta.db_table)} IN SHARE MODE"
                )
        for grain in GRAINS:
            for model in (grain.cells, grain.tallies, grain.resolutions):
                model.objects.all().delete()
        total = Dispute.objects.count()
        changes: dict[Key, list[int]] = {}
        done, last = 0, 0
        while True:
            rows = list(Dispute.objects.filter(pk__gt=last).order_by("pk").values_list("pk", *FIELDS)[:CHUNK])
            if not rows:
                break
            first = dict(
                TimelineEntry.objects.filter(
                    transition="escalate", dispute_id__gt=last, dispute_id__lte=rows[-1][0]
                )
                .values_list("dispute_id")
                .annotate(first=Min("at"))
                .order_by()
            )
            for pk, *values in rows:
                _change(changes, cell(tuple(values), first.get(pk)), +1)
            last = rows[-1][0]
            done += len(rows)
            say(f"  disputes {done:,}/{total:,} read, {len(changes):,} cells")
        add(changes)
        RollupState.objects.update_or_create(
            name=NAME,
            defaults={"built_at": timezone.now(), "rows": len(changes), "time_zone": settings.TIME_ZONE},
        )
    # The planner's statistics of a table just refilled: without them PostgreSQL takes the cells
    # for a handful and sorts them to group them instead of hashing (bench/README.md).
    analyze(*(model for grain in GRAINS for model in (grain.cells, grain.tallies, grain.resolutions)))
    say(f"  {len(changes):,} cells written")
    return len(changes)


def usable() -> bool:
    """Built, and for the time zone its months were counted in."""
    return RollupState.objects.filter(name=NAME, time_zone=settings.TIME_ZONE).exists()


# --- reading it ------------------------------------------------------------------------------------


def grain_for(user, region: str | None, units: list[str]) -> Grain | None:
    """The rollup's grain that answers for this user, region and breakdown, or None when it cannot:
    a jurisdiction and a region of whole counties or more, broken down into counties or wider, read
    the county's grain; of whole townships or more, into townships or counties, the township's. A
    township's or a village's figures are counted from their own disputes."""
    prefixes = prefixes_for(user, "case.view")
    codes = [*(prefixes or []), *([region] if region else []), *units]
    if not units:
        return None
    longest = max(len(code) for code in codes)
    if longest <= COUNTY_DIGITS:
        return COUNTY
    return TOWNSHIP if longest <= TOWNSHIP_DIGITS else None


def cells_in_scope(user, *, region: str | None = None, category: str | None = None) -> QuerySet:
    """The cells of the disputes the user may see (the same region prefixes as Dispute.visible_to),
    narrowed to a region's subtree and a category."""
    return in_scope(DisputeCell.objects.all(), user, region=region, category=category)


def in_scope(rows: QuerySet, user, *, region: str | None = None, category: str | None = None) -> QuerySet:
    """Rows of the rollup (cells or tallies) narrowed as cells_in_scope narrows the cells."""
    terms = _scope(user, region, category)
    if terms is None:
        return rows.none()
    prefixes, region, category = terms
    if prefixes is not None:
        scope = Q()
        for prefix in prefixes:
            scope |= Q(region__startswith=prefix)
        rows = rows.filter(scope)
    if region:
        rows = rows.filter(region__startswith=region)
    if category:
        rows = rows.filter(category=category)
    return rows


def _scope(user, region: str | None, category: str | None) -> tuple[list[str] | None, str, str] | None:
    """What narrows the rollup's rows to a user, a region and a category: the region prefixes the
    user may see (None: all of them), the region, the category; None when the user sees nothing.
    The same prefixes as Dispute.visible_to."""
    prefixes = prefixes_for(user, "case.view")
    if prefixes is not ALL and not prefixes:
        return None
    return (None if prefixes is ALL else list(prefixes)), region or "", category or ""


def summed(
    model,
    user,
    *,
    region: str | None,
    category: str | None,
    keys: list[tuple[str, list]],
    sums: tuple[str, ...],
    where: tuple[str, list] = ("", []),
) -> list[tuple]:
    """SELECT the `keys` (SQL over the table's columns, with their parameters) and the SUM of each
    of `sums` FROM a rollup table, in the user's scope (in_scope's conditions) and `where`, GROUP
    BY the keys: a row of keys and sums for each group, the sums whole numbers.

    Written as SQL rather than built by the ORM: a dashboard reads the rollup five times, and
    Django building those statements cost more CPU than the database took to answer them
    (bench/README.md)."""
    terms = _scope(user, region, category)
    if terms is None:
        return []
    prefixes, region, category = terms
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = f"{table}.{quote('region')}"
    # As Django writes `region__startswith` on this database (a cast, an escape clause), so the
    # indexes by region prefix serve it the same way.
    starts = (
        f"{connection.ops.lookup_cast('startswith', 'CharField') % column} "
        + connection.operators["startswith"]
    )
    conditions: list[str] = []
    params = [value for _sql, key_params in keys for value in key_params]
    if prefixes is not None:
        conditions.append("(" + " OR ".join([starts] * len(prefixes)) + ")")
        params += [f"{connection.ops.prep_for_like_query(prefix)}%" for prefix in prefixes]
    if region:
        conditions.append(starts)
        params.append(f"{connection.ops.prep_for_like_query(region)}%")
    if category:
        conditions.append(f"{table}.{quote('category')} = %s")
        params.append(category)
    if where[0]:
        conditions.append(f"({where[0]})")
        params += where[1]
    # The sums as whole numbers from the database: SUM of a bigint is a numeric on PostgreSQL.
    selected = [key_sql for key_sql, _ in keys] + [
        f"CAST(SUM({table}.{quote(name)}) AS BIGINT)" for name in sums
    ]
    sql = f"SELECT {', '.join(selected)} FROM {table}"  # noqa: S608
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    sql += " GROUP BY " + ", ".join(str(position) for position in range(1, len(keys) + 1))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Split:
    """A period [start, end) cut at month starts: the whole months in the middle are read from the
    rollup, the days before and after them from the disputes."""

    head: tuple[dt.date, dt.date] | None
    months: tuple[dt.date, dt.date] | None
    tail: tuple[dt.date, dt.date] | None


def split(start: dt.date, end: dt.date) -> Split:
    first = start if start.day == 1 else _next_month(start)
    last = end.replace(day=1)
    if first >= last:
        return Split(None, None, (start, end))
    head = (start, first) if start < first else None
    tail = (last, end) if last < end else None
    return Split(head, (first, last), tail)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
