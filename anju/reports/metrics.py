"""The one home of statistics (STYLE.md habit 7): every named figure about disputes, for a user's
jurisdiction, a region subtree, a category and a period. The dashboard, the API and the Word and
Excel reports call these functions; none of them counts on its own.

A period is [start, end) in local dates (settings.TIME_ZONE, Asia/Shanghai by default): it begins at
local midnight of `start` and stops just before local midnight of `end`. Every figure except
`overdue_now` depends only on the period, the region and the category, never on when it is asked,
so a report for last quarter gives the same numbers next year, with one exception: a case
reopened because its agreement was not performed counts as resolved again only from its new
resolution, so it leaves the resolved figures of the periods before. Reports that must not move
once issued are kept as issued documents (the work-report issue), not recomputed.

Five aggregate queries compute everything (conditional counts, GROUP BY on a code prefix and on
the local month): the work stays in the database, so the cost grows with the rows scanned, never
with Python loops over them. `SecondsBetween` and `SQLiteLocalMonth` exist for speed on SQLite,
where Django's own duration and time-zone functions run Python code for every row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import NotSupportedError, connections
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.dates import check_day_order, check_year, local_midnight
from anju.disputes import deadlines
from anju.disputes.choices import Category, HandlingLevel, Status
from anju.disputes.models import Dispute, TimelineEntry
from anju.regions.models import Region
from anju.regions.queries import roots_for

# Longest period a figure is computed for: the month table stays a readable size.
MAX_PERIOD_DAYS = 3700  # ten years and change
NO_RATE = "—"
ONE_DECIMAL = Decimal("0.1")
SECONDS_PER_DAY = Decimal(86_400)


# --- periods -----------------------------------------------------------------------------------


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in local dates as aware datetimes: (start at 00:00, end at 00:00)."""
    return local_midnight(start), local_midnight(end)


def check_period(start: dt.date, end: dt.date) -> None:
    """Raise ValueError (with a message for people) unless [start, end) is a usable period."""
    check_day_order(start, end - dt.timedelta(days=1))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValueError(_("Choose a period of at most ten years."))


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """From 1 January of this year up to and including today, as [start, end)."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today + dt.timedelta(days=1)


def period_from_days(
    first_day: dt.date | None, last_day: dt.date | None, *, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """[start, end) from the days a person chose, both included, each defaulting to this year so
    far. Raise ValueError (with a message for people) unless the period is usable."""
    default_start, default_end = default_period(today)
    start = first_day or default_start
    last_day = last_day or default_end - dt.timedelta(days=1)
    # The page and the API refuse a year out of range in the same words.
    check_year(start)
    check_year(last_day)
    end = last_day + dt.timedelta(days=1)
    check_period(start, end)
    return start, end


# --- results -----------------------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(part: int, whole: int) -> str:
    """96.5%: one decimal, rounded half up as people round by hand; "—" when there is no whole."""
    if not whole:
        return NO_RATE
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return f"{value}%"


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: disputes found, resolved and the resolution rate."""

    key: str
    label: str
    found: int
    resolved: int
    resolution_rate: float | None
    resolution_rate_display: str

    @classmethod
    def of(cls, key: str, label: str, found: int, resolved: int) -> Row:
        return cls(key, label, found, resolved, share(resolved, found), percent(resolved, found))


@dataclass(frozen=True)
class LevelCount:
    """Resolved disputes at one handling level (village, township, county)."""

    level: str
    label: str
    resolved: int
    share: float | None
    share_display: str


@dataclass(frozen=True)
class DisputeFigures:
    """The named figures for one jurisdiction, region, category and period [start, end)."""

    region_code: str | None  # None: the user's whole jurisdiction spans several regions
    region_name: str
    category: str | None
    start: dt.date
    end: dt.date  # exclusive
    found: int
    resolved: int
    resolution_rate: float | None
    resolution_rate_display: str
    resolved_by_level: tuple[LevelCount, ...]
    not_passed_upward: int
    not_passed_upward_share: float | None
    not_passed_upward_display: str
    escalated: int
    urged: int
    overdue_now: int
    average_days_to_resolve: float | None
    by_category: tuple[Row, ...]
    by_region: tuple[Row, ...]
    by_month: tuple[Row, ...]

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def as_dict(self) -> dict:
        """Plain JSON-ready values; dates as ISO strings, the period also as inclusive days."""
        data = dataclasses.asdict(self)
        data["start"] = self.start.isoformat()
        data["end"] = self.end.isoformat()
        data["date_from"] = self.start.isoformat()
        data["date_to"] = self.last_day.isoformat()
        for name in ("resolved_by_level", "by_category", "by_region", "by_month"):
            data[name] = list(data[name])
        return data


# --- the computation ---------------------------------------------------------------------------


def disputes_in_scope(user, *, region: str | None = None, category: str | None = None) -> QuerySet:
    """The disputes the figures are counted from: the user's jurisdiction, narrowed to a region's
    subtree and a category. Never any row the user may not see."""
    disputes = Dispute.objects.visible_to(user, "view")
    if region:
        disputes = disputes.in_subtree(region)
    if category:
        disputes = disputes.filter(category=category)
    return disputes


def dispute_figures(
    user,
    *,
    start: dt.date,
    end: dt.date,
    region: str | None = None,
    category: str | None = None,
    now: dt.datetime | None = None,
) -> DisputeFigures:
    """Headline figures and the breakdowns by category, child region and month.

    - found (摸排/受理数): registered in [start, end), except cases merged into another.
    - resolved (化解数): of those found, status "resolved" with resolved_at before the end.
    - resolution_rate (化解率): resolved / found; None when nothing was found.
    - resolved_by_level: the resolved ones by the level that resolved them.
    - not_passed_upward (矛盾不上交): resolved ones resolved at the level where they arose (a case
      cannot be resolved below that level), with their share of the resolved.
    - escalated: found ones with an "escalate" timeline entry dated before the end of the period
      (by a person or by the deadline worker). Dated history, unlike the case's current level,
      does not change afterwards, so the figure stays reproducible.
    - urged (催办): reminders sent by a unit above to the handlers in [start, end), on cases in the
      region and category whenever they were registered: supervision work done in the period.
    - overdue_now: open cases in the region and category whose time limit has passed at `now`,
      whenever they were registered; the one figure that depends on the moment it is asked.
    - average_days_to_resolve: mean of resolved_at - registered_at over the resolved, in days
      with one decimal; None when none were resolved.
    - by_region: one row per region one level below `region` (without `region`: below the user's
      one jurisdiction, or the user's jurisdictions when there are several), plus a row for cases
      registered at `region` itself when there are any; rows add up to the headline.
    """
    check_period(start, end)
    start_at, end_at = period_bounds(start, end)
    now = now or timezone.now()
    scope = disputes_in_scope(user, region=region, category=category)
    found = scope.filter(registered_at__gte=start_at, registered_at__lt=end_at).exclude(status=Status.MERGED)
    resolved_q = Q(status=Status.RESOLVED, resolved_at__lt=end_at)

    # One pass over the period's cases gives the headline and the categories.
    def found_and_resolved(name: str, q: Q) -> dict:
        return {
            f"{name}_found": Count("pk", filter=q),
            f"{name}_resolved": Count("pk", filter=q & resolved_q),
        }

    aggregates = {
        "found": Count("pk"),
        "resolved": Count("pk", filter=resolved_q),
        "not_passed_upward": Count("pk", filter=resolved_q & Q(resolved_level=F("origin_level"))),
        "seconds_to_resolve": Sum(SecondsBetween("resolved_at", "registered_at"), filter=resolved_q),
    }
    for level in HandlingLevel:
        aggregates[f"level_{level.value}"] = Count("pk", filter=resolved_q & Q(resolved_level=level))
    for category_value in Category.values:
        aggregates.update(found_and_resolved(f"category_{category_value}", Q(category=category_value)))
    totals = found.aggregate(**aggregates)
    # A query of its own: as a WHERE EXISTS the database plans a semi-join; inside the aggregate
    # above, PostgreSQL may re-run the subquery for every row.
    escalations = TimelineEntry.objects.filter(dispute=OuterRef("pk"), transition="escalate", at__lt=end_at)
    escalated = found.filter(Exists(escalations)).count()
    urged = TimelineEntry.objects.filter(
        dispute__in=scope.values("pk"), transition="urge", at__gte=start_at, at__lt=end_at
    ).count()
    # Driven by the (status, due_at) index: overdue cases are few, the region's cases are many.
    overdue = Dispute.objects.filter(deadlines.overdue(now)).values("pk")
    overdue_now = scope.filter(pk__in=overdue).count()

    resolved = totals["resolved"]
    by_level = tuple(
        LevelCount(
            level.value,
            str(level.label),
            totals[f"level_{level.value}"],
            share(totals[f"level_{level.value}"], resolved),
            percent(totals[f"level_{level.value}"], resolved),
        )
        for level in HandlingLevel
    )
    by_category = tuple(
        Row.of(
            c.value, str(c.label), totals[f"category_{c.value}_found"], totals[f"category_{c.value}_resolved"]
        )
        for c in Category
    )
    root, units = _units(user, region)
    return DisputeFigures(
        region_code=root.code if root else region,
        region_name=root.name if root else (region or ""),
        category=category or None,
        start=start,
        end=end,
        found=totals["found"],
        resolved=resolved,
        resolution_rate=share(resolved, totals["found"]),
        resolution_rate_display=percent(resolved, totals["found"]),
        resolved_by_level=by_level,
        not_passed_upward=totals["not_passed_upward"],
        not_passed_upward_share=share(totals["not_passed_upward"], resolved),
        not_passed_upward_display=percent(totals["not_passed_upward"], resolved),
        escalated=escalated,
        urged=urged,
        overdue_now=overdue_now,
        average_days_to_resolve=_average_days(totals["seconds_to_resolve"], resolved),
        by_category=by_category,
        by_region=_by_region(found, resolved_q, root, units),
        by_month=_by_month(found, resolved_q, start, end),
    )


@dataclass(frozen=True)
class Watch:
    """What a leader looks at first, for their whole jurisdiction at a moment: open cases, those
    past their limit, and those the sweep gave a red card. The dispute list's filters `open`,
    `overdue` and `red_card` use the very same conditions, so each figure links to its cases."""

    open: int
    overdue: int
    red_card: int


def watch(user, *, now: dt.datetime | None = None) -> Watch:
    """One conditional-count query over the user's jurisdiction."""
    counts = disputes_in_scope(user).aggregate(
        open=Count("pk", filter=deadlines.still_open()),
        overdue=Count("pk", filter=deadlines.overdue(now or timezone.now())),
        red_card=Count("pk", filter=deadlines.red_carded()),
    )
    return Watch(**counts)


class SecondsBetween(Func):
    """Whole seconds from the second to the first datetime, in each database's own arithmetic:
    Django's duration arithmetic calls a Python function per row on SQLite, too slow for a
    million rows. Whole seconds make the sum exact and the same on both databases."""

    arity = 2
    output_field = BigIntegerField()

    def _operands(self, compiler, connection):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return later, earlier, (*later_params, *earlier_params)

    def as_sqlite(self, compiler, connection, **extra):
        later, earlier, params = self._operands(compiler, connection)
        return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)", params

    def as_postgresql(self, compiler, connection, **extra):
        later, earlier, params = self._operands(compiler, connection)
        return f"CAST(ROUND(EXTRACT(EPOCH FROM ({later} - {earlier}))) AS BIGINT)", params

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("anju runs on PostgreSQL and SQLite")


def _average_days(seconds: int | None, resolved: int) -> float | None:
    if not resolved or seconds is None:
        return None
    days = Decimal(seconds) / resolved / SECONDS_PER_DAY
    return float(days.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def _counts(found: QuerySet, resolved_q: Q, key: str) -> dict:
    """{key value: (found, resolved)} in one GROUP BY query."""
    rows = found.values(key).annotate(n_found=Count("pk"), n_resolved=Count("pk", filter=resolved_q))
    return {row[key]: (row["n_found"], row["n_resolved"]) for row in rows.order_by()}


def _units(user, region: str | None) -> tuple[Region | None, list[Region]]:
    """The region the figures are for and the units its breakdown is by.

    With a region: that region and its children. Without: the user's jurisdiction; when it is one
    region (the usual case), that region and its children, else each region the user holds."""
    regions = Region.objects.visible_to(user, "case.view")
    if not region:
        tops = list(roots_for(user, "case.view").order_by("code"))
        if len(tops) != 1:
            return None, tops
        region = tops[0].code
    root = regions.filter(code=region).first()
    return root, list(regions.filter(parent_id=region).order_by("code"))


def _unit_expression(codes: list[str]):
    """The unit a dispute counts under, computed by the database from its region code: the code's
    first n characters when all units have n-digit codes (the children of one region), else the
    first unit whose code prefixes it."""
    lengths = {len(code) for code in codes}
    if len(lengths) == 1:
        return Substr("region_id", 1, lengths.pop())
    whens = [
        When(region__code__startswith=code, then=Value(code)) for code in sorted(codes, key=len, reverse=True)
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def _by_region(found: QuerySet, resolved_q: Q, root: Region | None, units: list[Region]) -> tuple[Row, ...]:
    if not units:
        counts = _counts(found, resolved_q, "region_id")
    else:
        counts = _counts(found.annotate(unit=_unit_expression([u.code for u in units])), resolved_q, "unit")
    rows = []
    known = set()
    for unit in units:
        known.add(unit.code)
        rows.append(Row.of(unit.code, unit.name, *counts.get(unit.code, (0, 0))))
    # Cases registered at the region itself (a township-level case), or under a code that is not
    # in the tree as expected: listed on their own, so the rows always add up to the headline.
    for code in sorted(set(counts) - known):
        if root is not None and code == root.code:
            label = _("%(name)s, registered at this level") % {"name": root.name}
        else:
            label = code or _("Elsewhere")
        rows.append(Row.of(code, label, *counts[code]))
    return tuple(rows)


def _next_month(first: dt.date) -> dt.date:
    return (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every calendar month the period [start, end) touches."""
    month, months = start.replace(day=1), []
    while month < end:
        months.append(month)
        month = _next_month(month)
    return months


class SQLiteLocalMonth(Func):
    """ "YYYY-MM" of a stored UTC datetime shifted by a fixed offset, with SQLite's own strftime."""

    output_field = CharField()

    def __init__(self, expression, offset: dt.timedelta):
        super().__init__(expression)
        self.offset = offset

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        modifier = f"{int(self.offset.total_seconds()):+d} seconds"
        return f"strftime('%%Y-%%m', {sql}, %s)", (*params, modifier)


def _local_month(found: QuerySet, start: dt.date, end: dt.date):
    """The local month of registration, computed by the database, row by row in native code.

    PostgreSQL converts with AT TIME ZONE. Django's SQLite version calls a Python function per
    row, so on SQLite the offset is applied with strftime when it is the same all through the
    period (always so in China); across a daylight-saving change Django's version is used."""
    zone = timezone.get_default_timezone()
    if connections[found.db].vendor == "sqlite":
        offsets = {local_midnight(day).utcoffset() for day in [*_months(start, end), start, end]}
        if len(offsets) == 1:
            return SQLiteLocalMonth("registered_at", offsets.pop())
    return TruncMonth("registered_at", tzinfo=zone)


def _month_key(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, timezone.get_default_timezone())
        value = value.date()
    return value.strftime("%Y-%m")


def _by_month(found: QuerySet, resolved_q: Q, start: dt.date, end: dt.date) -> tuple[Row, ...]:
    """Every calendar month the period touches, zeros included, by the local month of registration."""
    counts: dict[str, tuple[int, int]] = {}
    for value, (n_found, n_resolved) in _counts(
        found.annotate(month=_local_month(found, start, end)), resolved_q, "month"
    ).items():
        key = _month_key(value)
        previous = counts.get(key, (0, 0))
        counts[key] = (previous[0] + n_found, previous[1] + n_resolved)
    rows = []
    for first in _months(start, end):
        key = first.strftime("%Y-%m")
        rows.append(Row.of(key, key, *counts.get(key, (0, 0))))
    return tuple(rows)
