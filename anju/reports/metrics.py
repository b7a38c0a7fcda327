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

A few aggregate queries compute everything (conditional counts, GROUP BY on a code prefix and on
the local month): the work stays in the database, so the cost grows with the rows scanned, never
with Python loops over them. A county's and a province's dispute figures read their whole months
from the rollup (anju.reports.rollup, docs/statistics.md): a cell for each combination that
occurs, a third of the cases at 200,000 and fewer per case as they grow. `SecondsBetween` and
`SQLiteLocalMonth` exist for speed on SQLite, where Django's own duration and time-zone functions
run Python code for every row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

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
from anju.core.scoping import ALL, has_perm_anywhere, prefixes_for
from anju.disputes import deadlines
from anju.disputes import queries as dispute_queries
from anju.disputes.choices import Category, Channel, HandlingLevel
from anju.disputes.models import Dispute, TimelineEntry
from anju.regions.codes import department_q, is_department
from anju.regions.models import Region
from anju.regions.queries import roots_for
from anju.tips import choices as tip_choices
from anju.tips.models import Batch as TipBatch
from anju.tips.models import Tip

from . import rollup

# Longest period a figure is computed for: the month table stays a readable size.
MAX_PERIOD_DAYS = 3700  # ten years and change
NO_RATE = "—"
ONE_DECIMAL = Decimal("0.1")
SECONDS_PER_DAY = Decimal(86_400)
# A month after every month: "resolved before the end" when the end is still to come.
NEVER = 999_999


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
    by_channel: tuple[Row, ...] = ()

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
        for name in ("resolved_by_level", "by_category", "by_region", "by_month", "by_channel"):
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
    - by_channel: one row per channel the disputes came in by, in the same aggregate as the headline.

    The whole months of the period are read from the rollup (anju.reports.rollup) once it is
    built, the days before and after them from the disputes; both count with the conditions
    above, so the answer is the same either way (docs/statistics.md)."""
    return dispute_figures_for(user, [(start, end)], region=region, category=category, now=now)[0]


def dispute_figures_for(
    user,
    periods: list[tuple[dt.date, dt.date]],
    *,
    region: str | None = None,
    category: str | None = None,
    now: dt.datetime | None = None,
) -> list[DisputeFigures]:
    """`dispute_figures` for several periods [start, end) at once, in their order: a dashboard's
    period, the one before and the same one last year. What does not depend on the period (the
    units of the breakdown, the overdue count) is read once, the rollup's cells of every period in
    one pass, the reminders sent of every period in one count."""
    for start, end in periods:
        check_period(start, end)
    now = now or timezone.now()
    scope = disputes_in_scope(user, region=region, category=category)
    root, units = _units(user, region)
    codes = [u.code for u in units]
    counts = [_Counts() for _ in periods]
    grain = rollup.grain_for(user, region, codes) if rollup.usable() else None
    rolled: list[tuple[int, tuple[dt.date, dt.date], dt.date]] = []
    for index, (start, end) in enumerate(periods):
        start_at, end_at = period_bounds(start, end)
        parts = rollup.split(start, end) if grain else None
        if parts is None or parts.months is None:
            counts[index].add(_raw_counts(scope, start_at, end_at, end_at, codes, start, end))
            continue
        for edge in (parts.head, parts.tail):
            if edge is not None:
                counts[index].add(_raw_counts(scope, *period_bounds(*edge), end_at, codes, *edge, few=True))
        rolled.append((index, parts.months, end))
    if rolled:
        from_cells = _rolled_counts(user, region, category, [(m, e) for _, m, e in rolled], now, codes, grain)
        for (index, _months, _end), found in zip(rolled, from_cells, strict=True):
            counts[index].add(found)
    # A query of its own, whenever the case was registered: the urgings done in each period.
    bounds = [period_bounds(start, end) for start, end in periods]
    urged = TimelineEntry.objects.filter(
        dispute__in=scope.values("pk"),
        transition="urge",
        at__gte=min(b[0] for b in bounds),
        at__lt=max(b[1] for b in bounds),
    ).aggregate(**{f"p{i}": Count("pk", filter=Q(at__gte=b[0], at__lt=b[1])) for i, b in enumerate(bounds)})
    overdue_now = _overdue_now(user, region, category, now)
    return [
        _figures(counts[i], start, end, root, units, region, category, urged[f"p{i}"], overdue_now)
        for i, (start, end) in enumerate(periods)
    ]


def _figures(
    counts: _Counts,
    start: dt.date,
    end: dt.date,
    root: Region | None,
    units: list[Region],
    region: str | None,
    category: str | None,
    urged: int,
    overdue_now: int,
) -> DisputeFigures:
    found_, resolved_ = counts.found, counts.resolved
    resolved = resolved_["all"]
    by_level = tuple(
        LevelCount(
            level.value,
            str(level.label),
            resolved_[f"level_{level.value}"],
            share(resolved_[f"level_{level.value}"], resolved),
            percent(resolved_[f"level_{level.value}"], resolved),
        )
        for level in HandlingLevel
    )

    def rows_of(prefix: str, choices) -> tuple[Row, ...]:
        return tuple(
            Row.of(c.value, str(c.label), found_[f"{prefix}_{c.value}"], resolved_[f"{prefix}_{c.value}"])
            for c in choices
        )

    return DisputeFigures(
        region_code=root.code if root else region,
        region_name=root.name if root else (region or ""),
        category=category or None,
        start=start,
        end=end,
        found=found_["all"],
        resolved=resolved,
        resolution_rate=share(resolved, found_["all"]),
        resolution_rate_display=percent(resolved, found_["all"]),
        resolved_by_level=by_level,
        not_passed_upward=resolved_["not_passed_upward"],
        not_passed_upward_share=share(resolved_["not_passed_upward"], resolved),
        not_passed_upward_display=percent(resolved_["not_passed_upward"], resolved),
        escalated=counts.escalated,
        urged=urged,
        overdue_now=overdue_now,
        average_days_to_resolve=_average_days(resolved_["seconds"], resolved),
        by_category=rows_of("category", Category),
        by_region=_by_region(counts, root, units),
        by_month=_by_month(counts, start, end),
        by_channel=rows_of("channel", Channel),
    )


def _overdue_now(user, region: str | None, category: str | None, now: dt.datetime) -> int:
    """Open cases past their limit at `now`, in the user's jurisdiction, region and category.
    COUNT(*), not of the key, nor grouped: the count then reads only the index's columns, and a
    province's overdue cases are not grouped by their villages and grids to be summed here."""
    return _overdue(user, region, category, now).order_by().count()


def _overdue_by_code(user, region: str | None, category: str | None, now: dt.datetime) -> dict[str, int]:
    """Open cases past their limit at `now` by region code, in the user's jurisdiction, region and
    category."""
    overdue = _overdue(user, region, category, now)
    return dict(overdue.values_list("region_id").annotate(n=Count("*")).order_by())


def _overdue(user, region: str | None, category: str | None, now: dt.datetime) -> QuerySet:
    """Read from the open cases' indexes alone. The jurisdiction and the region are in the query
    (Dispute.visible_to), read through the open cases' (region, due_at) index: among a province's
    hundred counties, reading every overdue case and keeping one county's codes took 819 ms
    (bench/README.md). Before that index, the region's condition made PostgreSQL read every open
    case of the region to find the overdue few (181 ms against 36 ms through (due_at, region) on
    200,000 cases)."""
    overdue = Dispute.objects.visible_to(user, "view").filter(deadlines.overdue(now))
    if region:
        overdue = overdue.in_subtree(region)
    if category:
        overdue = overdue.filter(category=category)
    return overdue


@dataclass
class _Counts:
    """Disputes found and resolved by each key the figures read ("all", "category_neighbour",
    "unit_629901001", "month_2026-03", "level_village", "seconds"...), and those escalated: added
    up over the parts of a period that are counted apart (the rollup's months, the days around)."""

    found: Counter = dataclasses.field(default_factory=Counter)
    resolved: Counter = dataclasses.field(default_factory=Counter)
    escalated: int = 0

    def add(self, other: _Counts) -> None:
        self.found.update(other.found)
        self.resolved.update(other.resolved)
        self.escalated += other.escalated


def _raw_counts(
    scope: QuerySet,
    start_at: dt.datetime,
    end_at: dt.datetime,
    counted_before: dt.datetime,
    codes: list[str],
    start: dt.date,
    end: dt.date,
    *,
    resolved_from: dt.datetime | None = None,
    escalated_from: dt.datetime | None = None,
    few: bool = False,
) -> _Counts:
    """The figures' counts from the disputes registered in [start_at, end_at) (local days [start,
    end)), resolved and escalated before `counted_before`. With `resolved_from` only the ones
    resolved from then on count, and nothing found; with `escalated_from`, only the escalation
    count, of the ones first escalated from then on: the corrections for a period's whole months
    when it ends within a month (`_rolled_counts`). `few`: the days around a rollup's months, a
    few thousand cases at most, whose escalations are looked up case by case in the aggregate."""
    # The dispute list's `figure` filter uses the same conditions: each figure links to its cases.
    found = scope.filter(registered_at__gte=start_at, registered_at__lt=end_at).filter(
        dispute_queries.not_merged()
    )
    counts = _Counts()
    if escalated_from is not None:
        late = TimelineEntry.objects.filter(
            transition="escalate", at__gte=escalated_from, at__lt=counted_before
        )
        counts.escalated = (
            found.filter(pk__in=late.values("dispute_id"))
            .exclude(dispute_queries.escalated_before(escalated_from))
            .count()
        )
        return counts
    resolved_q = dispute_queries.resolved_before(counted_before)
    if resolved_from is not None:
        found = found.filter(resolved_q, resolved_at__gte=resolved_from)

    def found_and_resolved(name: str, q: Q) -> dict:
        return {
            f"{name}_found": Count("pk", filter=q),
            f"{name}_resolved": Count("pk", filter=q & resolved_q),
        }

    aggregates = {
        "all_found": Count("pk"),
        "all_resolved": Count("pk", filter=resolved_q),
        "not_passed_upward": Count("pk", filter=resolved_q & dispute_queries.where_they_arose()),
        "seconds": Sum(SecondsBetween("resolved_at", "registered_at"), filter=resolved_q),
    }
    for level in HandlingLevel:
        aggregates[f"level_{level.value}"] = Count("pk", filter=resolved_q & Q(resolved_level=level))
    for category_value in Category.values:
        aggregates.update(found_and_resolved(f"category_{category_value}", Q(category=category_value)))
    for channel_value in Channel.values:
        aggregates.update(found_and_resolved(f"channel_{channel_value}", Q(channel=channel_value)))
    if few:
        # Looked up through the timeline's case index for each of the few: planned as a semi-join,
        # PostgreSQL read the whole timeline for a week's cases (134 ms against 6 on 200,000).
        aggregates["escalated"] = Count("pk", filter=Q(dispute_queries.escalated_before(counted_before)))
    totals = found.aggregate(**aggregates)
    counts.escalated = totals.pop("escalated", 0)
    for name, value in totals.items():
        if name.endswith("_found"):
            counts.found[name.removesuffix("_found")] = value
        elif name.endswith("_resolved"):
            counts.resolved[name.removesuffix("_resolved")] = value
        else:
            counts.resolved[name] = value or 0
    # By unit and month in one GROUP BY: a few hundred groups, added up both ways here.
    grouped = found.values(unit=_unit_expression(codes), month=_local_month(found, start, end)).annotate(
        n_found=Count("pk"), n_resolved=Count("pk", filter=resolved_q)
    )
    for row in grouped.order_by():
        for name in (f"unit_{row['unit']}", f"month_{_month_key(row['month'])}"):
            counts.found[name] += row["n_found"]
            counts.resolved[name] += row["n_resolved"]
    if resolved_from is not None:
        counts.found.clear()
        return counts
    if few:
        return counts
    # A query of its own: as a WHERE EXISTS the database plans a semi-join; inside the aggregate
    # above, PostgreSQL may re-run the subquery for every row.
    counts.escalated = found.filter(dispute_queries.escalated_before(counted_before)).count()
    return counts


def _rolled_counts(
    user,
    region: str | None,
    category: str | None,
    periods: list[tuple[tuple[dt.date, dt.date], dt.date]],
    now: dt.datetime,
    codes: list[str],
    grain: rollup.Grain,
) -> list[_Counts]:
    """The counts of the disputes registered in whole months [first, last), from the rollup, for
    each of several periods ((first, last), end) at once.

    A case resolved (or first escalated) before the period's end counts. When the period ends on a
    month's first day, that is a month before the end's; when it ends later in a month and that
    end is still to come, every resolution so far (nothing is resolved or escalated in the
    future); when it ended within a past month, the months before the end's, and the cases
    resolved or first escalated in the end's month before the end are counted from the disputes.

    The tallies hold the cases as they stand, so they answer a period still running as they are;
    a period that has ended takes off the cells resolved or first escalated from its end's month
    on, a few thousand found through their own indexes. Three GROUP BY queries over the tallies
    serve every period: the periods' months are cut into segments that each period holds whole or
    not at all (a year and the year before: two; three years, the three before and the three a
    year earlier: four), added up here (docs/statistics.md)."""
    months = [(rollup.month_key(first), rollup.month_key(last)) for (first, last), _end in periods]
    # Nothing is resolved or escalated in the future: a period whose end's month is still to come
    # counts every resolution so far, as the tallies do.
    this_month = rollup.month_key(timezone.localdate(now))
    befores = []
    for _months, end in periods:
        before = rollup.month_key(end)
        befores.append(
            NEVER if before > this_month or (end.day != 1 and local_midnight(end) > now) else before
        )
    edges = sorted({edge for pair in months for edge in pair})
    spans = [(edges[k], edges[k + 1]) for k in range(len(edges) - 1)]
    # The segments each period covers; months between two periods that neither holds are left out.
    covered = [{k for k, (a, b) in enumerate(spans) if first <= a and b <= last} for first, last in months]
    wanted = sorted(set().union(*covered))
    inside = (
        " OR ".join("(month >= %s AND month < %s)" for _ in wanted),
        [bound for k in wanted for bound in spans[k]],
    )
    if len(wanted) == 1:
        segment = (str(wanted[0]), [])
    else:
        whens = " ".join(f"WHEN month < %s THEN {k}" for k in wanted[:-1])
        segment = (f"CASE {whens} ELSE {wanted[-1]} END", [spans[k][1] for k in wanted[:-1]])
    counts = [_Counts() for _ in periods]

    def holding(segment_or_month: int, by_month: bool = False):
        for index, period_counts in enumerate(counts):
            first, last = months[index]
            if (first <= segment_or_month < last) if by_month else segment_or_month in covered[index]:
                yield period_counts

    scope = {"region": region, "category": category, "where": inside}
    for category_value, channel, segment_value, n, resolved, escalated in rollup.summed(
        grain.tallies,
        user,
        keys=[("category", []), ("channel", []), segment],
        sums=("cases", "resolved", "escalated"),
        **scope,
    ):
        keys = ("all", f"category_{category_value}", f"channel_{channel}")
        for period_counts in holding(segment_value):
            for key in keys:
                period_counts.found[key] += n
                period_counts.resolved[key] += resolved
            period_counts.escalated += escalated
    for month, unit, n, resolved in rollup.summed(
        grain.tallies,
        user,
        keys=[("month", []), _unit_sql(codes, grain.tallies)],
        sums=("cases", "resolved"),
        **scope,
    ):
        names = (f"unit_{unit}", f"month_{_month_key(month)}")
        for period_counts in holding(month, by_month=True):
            for name in names:
                period_counts.found[name] += n
                period_counts.resolved[name] += resolved
    for origin_level, resolved_level, segment_value, n, seconds in rollup.summed(
        grain.resolutions,
        user,
        keys=[("origin_level", []), ("resolved_level", []), segment],
        sums=("cases", "seconds_to_resolve"),
        **scope,
    ):
        for period_counts in holding(segment_value):
            period_counts.resolved[f"level_{resolved_level}"] += n
            period_counts.resolved["seconds"] += seconds
            if resolved_level == origin_level:
                period_counts.resolved["not_passed_upward"] += n
    for index, ((first, last), end) in enumerate(periods):
        if befores[index] != NEVER:
            _take_off_later(
                counts[index], user, region, category, months[index], befores[index], codes, grain
            )
        end_at = local_midnight(end)
        if end.day != 1 and end_at <= now:
            # The period ended within a past month: the whole months' cases resolved or first
            # escalated in that month, before the end, are counted from the disputes.
            scope = disputes_in_scope(user, region=region, category=category)
            first_at, last_at = period_bounds(first, last)
            end_month_at = local_midnight(end.replace(day=1))
            for late in ({"resolved_from": end_month_at}, {"escalated_from": end_month_at}):
                counts[index].add(_raw_counts(scope, first_at, last_at, end_at, codes, first, last, **late))
    return counts


def _take_off_later(
    counts: _Counts,
    user,
    region: str | None,
    category: str | None,
    months: tuple[int, int],
    before: int,
    codes: list[str],
    grain: rollup.Grain,
) -> None:
    """Take off a period's tallies the cases resolved, or first escalated, in `before`'s month or
    later: the tallies count them, the period's end came first. Read from the cells through their
    resolution and escalation indexes."""
    first, last = months
    scope = {"region": region, "category": category}
    within = "month >= %s AND month < %s"
    # Two GROUP BYs of a few hundred rows each: as one, by month and unit too, a year's ended
    # period gave some 2,700 rows to add up here.
    flagged = rollup.summed(
        grain.cells,
        user,
        keys=[
            ("category", []),
            ("channel", []),
            ("origin_level", []),
            ("resolved_level", []),
            ("CASE WHEN resolved_month >= %s THEN 1 ELSE 0 END", [before]),
            ("CASE WHEN escalated_month >= %s THEN 1 ELSE 0 END", [before]),
        ],
        sums=("cases", "seconds_to_resolve"),
        where=(
            f"{within} AND (resolved_month >= %s OR escalated_month >= %s)",
            [first, last, before, before],
        ),
        **scope,
    )
    for (
        category_value,
        channel,
        origin_level,
        resolved_level,
        resolved_later,
        escalated_later,
        n,
        seconds,
    ) in flagged:
        if escalated_later:
            counts.escalated -= n
        if not resolved_later:
            continue
        for key in ("all", f"category_{category_value}", f"channel_{channel}", f"level_{resolved_level}"):
            counts.resolved[key] -= n
        counts.resolved["seconds"] -= seconds
        if resolved_level == origin_level:
            counts.resolved["not_passed_upward"] -= n
    by_unit = rollup.summed(
        grain.cells,
        user,
        keys=[("month", []), _unit_sql(codes, grain.cells)],
        sums=("cases",),
        where=(f"{within} AND resolved_month >= %s", [first, last, before]),
        **scope,
    )
    for month, unit, n in by_unit:
        for key in (f"unit_{unit}", f"month_{_month_key(month)}"):
            counts.resolved[key] -= n


@dataclass(frozen=True)
class Watch:
    """What a leader looks at first, for their whole jurisdiction at a moment: open cases, those
    past their limit, and those the sweep gave a red card. The dispute list's filters `open`,
    `overdue` and `red_card` use the very same conditions, so each figure links to its cases."""

    open: int
    overdue: int
    red_card: int
    # The grid events, tips (for those who may see tips) and supervised tasks alike, each kind's
    # lists filtering `open` and overdue with the same conditions (anju.workflow.limits).
    kinds: tuple[KindWatch, ...] = ()


@dataclass(frozen=True)
class KindWatch:
    key: str  # events, tips or tasks
    open: int
    overdue: int


def watch(user, *, now: dt.datetime | None = None) -> Watch:
    """One conditional-count query over the user's jurisdiction for each kind."""
    from anju.events.kind import EVENT
    from anju.events.models import Event
    from anju.tasks.kind import TASK
    from anju.tasks.models import Task
    from anju.tips.kind import TIP
    from anju.workflow import limits

    now = now or timezone.now()
    counts = disputes_in_scope(user).aggregate(
        open=Count("pk", filter=deadlines.still_open()),
        overdue=Count("pk", filter=deadlines.overdue(now)),
        red_card=Count("pk", filter=deadlines.red_carded()),
    )
    kinds = []
    for key, model, kind in (("events", Event, EVENT), ("tips", Tip, TIP), ("tasks", Task, TASK)):
        if key == "tips" and not has_perm_anywhere(user, "tip.view"):
            continue
        kinds.append(
            KindWatch(
                key,
                **model.objects.visible_to(user, "view").aggregate(
                    open=Count("pk", filter=limits.still_open(kind)),
                    overdue=Count("pk", filter=limits.overdue(kind, now)),
                ),
            )
        )
    return Watch(**counts, kinds=tuple(kinds))


@dataclass(frozen=True)
class OverdueRow:
    key: str  # the region's code
    label: str
    overdue: int


def overdue_by_region(
    user, *, region: str | None = None, now: dt.datetime | None = None
) -> tuple[OverdueRow, ...]:
    """Open disputes past their time limit at `now`, by the units of `DisputeFigures.by_region`
    (one level below `region`), most first, units with none left out: the places a work report names
    as behind. Like `overdue_now`, it depends on the moment it is asked."""
    root, units = _units(user, region)
    counts: Counter = Counter()
    for code, n in _overdue_by_code(user, region, None, now or timezone.now()).items():
        counts[_unit_of(code, [u.code for u in units])] += n
    names = {unit.code: unit.name for unit in units}
    if root is not None:
        names.setdefault(root.code, _("%(name)s, registered at this level") % {"name": root.name})
    rows = [OverdueRow(code, names.get(code) or code or _("Elsewhere"), n) for code, n in counts.items()]
    return tuple(sorted(rows, key=lambda row: (-row.overdue, row.key)))


def _unit_of(code: str, units: list[str]) -> str:
    """The unit a region code counts under, as `_unit_expression` has the database compute it."""
    lengths = {len(unit) for unit in units}
    if len(lengths) == 1:
        return code[: lengths.pop()]
    if not units:
        return code
    return next((unit for unit in sorted(units, key=len, reverse=True) if code.startswith(unit)), "")


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


def _units(user, region: str | None) -> tuple[Region | None, list[Region]]:
    """The region the figures are for and the units its breakdown is by.

    With a region: that region and its children. Without: the user's jurisdiction; when it is one
    region (the usual case), that region and its children, else each region the user holds."""
    regions = Region.objects.visible_to(user, "case.view")
    if not region:
        prefixes = prefixes_for(user, "case.view")
        if prefixes is not ALL and len(prefixes) == 1:
            region = prefixes[0]  # the one top of the jurisdiction (roots_for would read it)
        else:
            tops = list(roots_for(user, "case.view").order_by("code"))
            if len(tops) != 1:
                return None, tops
            region = tops[0].code
    # The region and its children in one query. County departments are not places: a case
    # registered at one (rare) gets its own row in _by_region, never a township's place in the
    # breakdown or the ranking.
    found = list(regions.filter(Q(code=region) | (Q(parent_id=region) & ~department_q())).order_by("code"))
    root = next((r for r in found if r.code == region), None)
    return root, [r for r in found if r.code != region]


def _unit_expression(codes: list[str], field: str = "region_id", path: str = "region__code"):
    """The unit a dispute (or a rollup cell) counts under, computed by the database from its region
    code in `field` (`path` reaches the same code for a lookup): the code's first n characters
    when all units have n-digit codes (the children of one region), else the first unit whose
    code prefixes it."""
    lengths = {len(code) for code in codes}
    if len(lengths) == 1:
        return Substr(field, 1, lengths.pop())
    if not codes:
        return F(field)
    whens = [
        When(**{f"{path}__startswith": code}, then=Value(code))
        for code in sorted(codes, key=len, reverse=True)
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def _unit_sql(codes: list[str], model) -> tuple[str, list]:
    """`_unit_expression` over a rollup table's `region` column, compiled for `rollup.summed`: the
    same rule, written once."""
    sql, params = _compiled_unit(tuple(codes), model, connections["default"].vendor)
    return sql, list(params)


@lru_cache(maxsize=256)
def _compiled_unit(codes: tuple[str, ...], model, vendor: str) -> tuple[str, tuple]:
    # The SQL depends on the units' codes, the table and the database alone: compiled once for each
    # (a dashboard reads two units' columns; compiling them cost a third of a millisecond).
    query = model.objects.all().query
    resolved = _unit_expression(list(codes), "region", "region").resolve_expression(query)
    sql, params = query.get_compiler(connection=connections["default"]).compile(resolved)
    return sql, tuple(params)


def _by_region(counts: _Counts, root: Region | None, units: list[Region]) -> tuple[Row, ...]:
    found = {k.removeprefix("unit_"): v for k, v in counts.found.items() if k.startswith("unit_")}
    resolved = counts.resolved
    rows = []
    known = set()
    for unit in units:
        known.add(unit.code)
        rows.append(Row.of(unit.code, unit.name, found.get(unit.code, 0), resolved[f"unit_{unit.code}"]))
    # Cases registered at the region itself (a township-level case), or under a code that is not
    # in the tree as expected: listed on their own, so the rows always add up to the headline.
    others = sorted(code for code, n in found.items() if n and code not in known)
    departments = dict(
        Region.objects.filter(code__in=[c for c in others if is_department(c)]).values_list("code", "name")
    )
    for code in others:
        if root is not None and code == root.code:
            label = _("%(name)s, registered at this level") % {"name": root.name}
        elif code in departments:
            label = _("%(name)s (county department)") % {"name": departments[code]}
        else:
            label = code or _("Elsewhere")
        rows.append(Row.of(code, label, found[code], resolved[f"unit_{code}"]))
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
    """ "2026-03" for the month the database or the rollup gives (a string, a datetime, 202603)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value // 100:04d}-{value % 100:02d}"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, timezone.get_default_timezone())
        value = value.date()
    return value.strftime("%Y-%m")


def _by_month(counts: _Counts, start: dt.date, end: dt.date) -> tuple[Row, ...]:
    """Every calendar month the period touches, zeros included, by the local month of registration."""
    rows = []
    for first in _months(start, end):
        key = first.strftime("%Y-%m")
        rows.append(Row.of(key, key, counts.found[f"month_{key}"], counts.resolved[f"month_{key}"]))
    return tuple(rows)


# --- several periods at once: the figures of tips and supervision -------------------------------


class _Pieces:
    """Several periods [start, end) cut at every start and end into pieces, each wholly inside or
    wholly outside each period. A query groups its rows by the piece they fall in, so each
    aggregate is written once for all the periods rather than once per period, and a period's
    figure is the sum of its pieces'; a count "before the end" is written once per distinct end.
    For tables of a county's few tips, tasks and meetings, where compiling the aggregates costs
    more than the database's work (grid events are counted per period: event_figures_for).

    `moments=True` states the pieces and ends as instants (local midnight, as period_bounds), for
    the fields that hold one; without it, as days."""

    def __init__(self, periods: list[tuple[dt.date, dt.date]]):
        from itertools import pairwise

        cuts = sorted({day for period in periods for day in period})
        self.ranges = [
            (a, b) for a, b in pairwise(cuts) if any(start <= a and b <= end for start, end in periods)
        ]
        self._periods = {
            piece: [i for i, (start, end) in enumerate(periods) if start <= a and b <= end]
            for piece, (a, b) in enumerate(self.ranges)
        }
        self.ends = sorted({end for _start, end in periods})
        self._end = [self.ends.index(end) for _start, end in periods]

    def which(self, between, *, moments: bool = False) -> Case:
        """The number of the piece a row falls in by `between(start, end)` (the condition the lists'
        filters use), None outside every period."""
        return Case(
            *(
                When(between(*(period_bounds(a, b) if moments else (a, b))), then=Value(piece))
                for piece, (a, b) in enumerate(self.ranges)
            )
        )

    def any(self, between, *, moments: bool = False) -> Q:
        """`between` for any of the periods (adjacent pieces read as one range): the rows a query
        reads."""
        merged: list[tuple] = []
        for a, b in self.ranges:
            if merged and merged[-1][1] == a:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        q = Q()
        for a, b in merged:
            q |= between(*(period_bounds(a, b) if moments else (a, b)))
        return q

    def periods_of(self, piece: int | None) -> list[int]:
        """The periods (their indexes) a piece lies in; none for rows outside every period."""
        return self._periods.get(piece, [])

    def at_ends(self, aggregates, *, moments: bool = False) -> dict:
        """`aggregates(end)`, a dict of aggregates counted before `end`, for each distinct end."""
        return {
            f"{name}_end{j}": aggregate
            for j, end in enumerate(self.ends)
            for name, aggregate in aggregates(local_midnight(end) if moments else end).items()
        }

    def add_up(self, rows: list[dict], piece: str, sums: tuple = (), at_ends: tuple = ()) -> list[dict]:
        """For each period, the sums over `rows` whose piece (`row[piece]`) lies in it of the
        aggregates `sums`, and of those of `at_ends` as counted before the period's end."""
        totals = [dict.fromkeys((*sums, *at_ends), 0) for _ in self._end]
        for row in rows:
            for i in self.periods_of(row[piece]):
                for name in sums:
                    totals[i][name] += row[name] or 0
                for name in at_ends:
                    totals[i][name] += row[f"{name}_end{self._end[i]}"] or 0
        return totals


def _field_within(field: str):
    """A `between` for `_Pieces`: the field in [start, end)."""
    return lambda start, end: Q(**{f"{field}__gte": start, f"{field}__lt": end})


# --- tips (线索) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TipFigures:
    """The figures of tips for one jurisdiction, region and period [start, end). Counts only:
    nothing here names an informant or a subject."""

    region_code: str | None
    start: dt.date
    end: dt.date  # exclusive
    received: int
    verified: int
    verified_on_time: int
    by_result: dict[str, int]
    by_outcome: dict[str, int]
    measures: dict[str, int]
    overdue_now: int
    batches_received: int
    batches_cleared: int
    batches_cleared_on_time: int

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data


def tip_figures(
    user,
    *,
    start: dt.date,
    end: dt.date,
    region: str | None = None,
    now: dt.datetime | None = None,
) -> TipFigures:
    """- received (受理线索): registered in [start, end).
    - verified, by_result (核查属实/部分属实/不属实), by_outcome (移送公安/纪委/了结): verified in the
      period, whenever received; verified_on_time: of those, verified by their deadline.
    - measures: the outcome counts (criminal cases opened, persons dealt with, each kind of
      disciplinary measure) summed over the tips verified in the period.
    - overdue_now: tips still being verified whose deadline has passed at `now`.
    - batches_received, batches_cleared (清零) and batches_cleared_on_time (by the batch's deadline):
      batches received, and cleared, in the period.
    The same jurisdiction and region rules as the disputes' figures: only tips the user may see,
    narrowed to those about a region's subtree."""
    return tip_figures_for(user, [(start, end)], region=region, now=now)[0]


def tip_figures_for(
    user,
    periods: list[tuple[dt.date, dt.date]],
    *,
    region: str | None = None,
    now: dt.datetime | None = None,
) -> list[TipFigures]:
    """`tip_figures` for several periods [start, end) at once, in their order: one query over the
    tips, grouped by the pieces of the periods they were received and verified in (_Pieces), and
    one over the batches, by those they were received and cleared in."""
    from anju.tips import queries as tip_queries

    for start, end in periods:
        check_period(start, end)
    now = now or timezone.now()
    tips = Tip.objects.visible_to(user, "view")
    batches = TipBatch.objects.visible_to(user, "view")
    if region:
        tips = tips.filter(tip_queries.in_region(region))
        batches = batches.filter(region__code__startswith=region)
    pieces = _Pieces(periods)
    # The tip list's `figure` filter uses the same conditions: each figure links to its tips.
    # By result and outcome too, rather than a filtered count for each of them: fewer expressions
    # for Django to build, a handful more rows to add up here.
    rows = list(
        tips.values(
            "result",
            "outcome",
            received_in=pieces.which(_field_within("registered_at"), moments=True),
            verified_in=pieces.which(tip_queries.verified_between, moments=True),
        )
        .annotate(
            tips=Count("pk"),
            verified_on_time=Count("pk", filter=tip_queries.verified_on_time()),
            overdue_now=Count("pk", filter=Q(status__in=tip_choices.OPEN_STATUSES, due_at__lt=now)),
            **{f"measure_{m}": Sum(m) for m in tip_choices.MEASURES},
        )
        .order_by()
    )
    for row in rows:
        for r in tip_choices.Result.values:
            row[f"result_{r}"] = row["tips"] if row["result"] == r else 0
        for o in tip_choices.Outcome.values:
            row[f"outcome_{o}"] = row["tips"] if row["outcome"] == o else 0
    received = pieces.add_up(rows, "received_in", ("tips",))
    verified = pieces.add_up(
        rows,
        "verified_in",
        (
            "tips",
            "verified_on_time",
            *(f"result_{r}" for r in tip_choices.Result.values),
            *(f"outcome_{o}" for o in tip_choices.Outcome.values),
            *(f"measure_{m}" for m in tip_choices.MEASURES),
        ),
    )
    overdue_now = sum(row["overdue_now"] for row in rows)
    # The batch list's `figure` filter uses the same conditions.
    batch_rows = list(
        batches.values(
            received_in=pieces.which(_field_within("received_on")),
            cleared_in=pieces.which(tip_queries.cleared_between),
        )
        .annotate(batches=Count("pk"), on_time=Count("pk", filter=tip_queries.cleared_on_time()))
        .order_by()
    )
    batches_received = pieces.add_up(batch_rows, "received_in", ("batches",))
    cleared = pieces.add_up(batch_rows, "cleared_in", ("batches", "on_time"))
    return [
        _tip_figures(
            received[i]["tips"],
            verified[i],
            batches_received[i]["batches"],
            cleared[i],
            start,
            end,
            region,
            overdue_now,
        )
        for i, (start, end) in enumerate(periods)
    ]


def _tip_figures(
    received: int,
    verified: dict,
    batches_received: int,
    cleared: dict,
    start: dt.date,
    end: dt.date,
    region: str | None,
    overdue_now: int,
) -> TipFigures:
    return TipFigures(
        region_code=region,
        start=start,
        end=end,
        received=received,
        verified=verified["tips"],
        verified_on_time=verified["verified_on_time"],
        by_result={r: verified[f"result_{r}"] for r in tip_choices.Result.values},
        by_outcome={o: verified[f"outcome_{o}"] for o in tip_choices.Outcome.values},
        measures={m: verified[f"measure_{m}"] for m in tip_choices.MEASURES},
        overdue_now=overdue_now,
        batches_received=batches_received,
        batches_cleared=cleared["batches"],
        batches_cleared_on_time=cleared["on_time"],
    )


# --- supervision ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class SupervisionFigures:
    """Meetings, decisions and supervised tasks for one jurisdiction, region and period [start, end)."""

    region_code: str | None
    start: dt.date
    end: dt.date
    meetings: int
    meetings_by_kind: tuple[KindCount, ...]
    decisions: int
    tasks_assigned: int
    tasks_from_decisions: int
    tasks_accepted: int
    tasks_on_time: int
    tasks_late: int
    on_time_rate: float | None
    on_time_rate_display: str
    overdue_now: int
    reports: int
    reports_acknowledged: int
    reports_instructed: int
    reports_made_tasks: int
    activities: int
    activities_by_kind: tuple[KindCount, ...]
    activity_participants: int
    villages_listed: int
    villages_accepted: int

    def as_dict(self) -> dict:
        """Plain JSON-ready values, the period also as inclusive days (as the dispute figures give it)."""
        data = dataclasses.asdict(self)
        data["date_from"] = self.start.isoformat()
        data["date_to"] = (self.end - dt.timedelta(days=1)).isoformat()
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        data["meetings_by_kind"] = list(data["meetings_by_kind"])
        data["activities_by_kind"] = list(data["activities_by_kind"])
        return data


def supervision_figures(
    user, *, start: dt.date, end: dt.date, region: str | None = None, now: dt.datetime | None = None
) -> SupervisionFigures:
    """The supervision figures, with the dispute figures' arguments and period rule.

    - meetings: held in [start, end), by kind; decisions: taken at those meetings.
    - tasks_assigned: assigned in the period to units in the region; tasks_from_decisions: of
      those, the ones a meeting decision (or a joint meeting) gave.
    - tasks_accepted: accepted as done in the period, whenever assigned; tasks_on_time: of those,
      reported done (the report that was accepted) within the limit, extensions included;
      tasks_late: the rest. on_time_rate: on time / accepted.
    - overdue_now: unfinished tasks still with their handlers whose limit has passed at `now`.
    - reports: major-matter reports made in the period; reports_acknowledged / _instructed: of
      those, acknowledged / given instructions before the end; reports_made_tasks: of those,
      made supervised tasks.
    - activities: held in the period, by kind, with their participants added up.
    - villages_listed: listed for rectification in the period; villages_accepted: of those,
      accepted before the end.
    """
    return supervision_figures_for(user, [(start, end)], region=region, now=now)[0]


def supervision_figures_for(
    user,
    periods: list[tuple[dt.date, dt.date]],
    *,
    region: str | None = None,
    now: dt.datetime | None = None,
) -> list[SupervisionFigures]:
    """`supervision_figures` for several periods [start, end) at once, in their order: one query
    per table, grouped by the piece of the periods its rows fall in (_Pieces)."""
    from anju.tasks import queries as task_queries
    from anju.tasks.choices import Origin
    from anju.tasks.kind import TASK
    from anju.tasks.models import Activity, MatterReport, Meeting, Rectification, Task
    from anju.workflow import limits

    for start, end in periods:
        check_period(start, end)
    pieces = _Pieces(periods)
    held_on = _field_within("held_on")
    meetings = Meeting.objects.visible_to(user, "view").filter(pieces.any(held_on))
    tasks = Task.objects.visible_to(user, "view")
    # The report and activity lists' filters use the same conditions: each figure links to its rows.
    reports = MatterReport.objects.visible_to(user, "view").filter(
        pieces.any(task_queries.submitted_between, moments=True)
    )
    activities = Activity.objects.visible_to(user, "view").filter(pieces.any(task_queries.held_between))
    villages = Rectification.objects.visible_to(user, "view").filter(pieces.any(_field_within("listed_on")))
    if region:
        meetings = meetings.in_subtree(region)
        tasks = tasks.in_subtree(region)
        reports = reports.in_subtree(region)
        activities = activities.in_subtree(region)
        villages = villages.in_subtree(region)
    report_rows = list(
        reports.values(submitted_in=pieces.which(task_queries.submitted_between, moments=True))
        .annotate(
            reports=Count("pk"),
            made_tasks=Count("pk", filter=Exists(Task.objects.filter(report=OuterRef("pk")))),
            **pieces.at_ends(
                lambda end_at: {
                    "acknowledged": Count("pk", filter=task_queries.acknowledged_before(end_at)),
                    "instructed": Count("pk", filter=Q(instructed_at__lt=end_at)),
                },
                moments=True,
            ),
        )
        .order_by()
    )
    answered = pieces.add_up(
        report_rows, "submitted_in", ("reports", "made_tasks"), ("acknowledged", "instructed")
    )
    village_rows = list(
        villages.values(listed_in=pieces.which(_field_within("listed_on")))
        .annotate(
            villages=Count("pk"),
            **pieces.at_ends(
                lambda end_at: {"accepted": Count("pk", filter=Q(accepted_at__lt=end_at))}, moments=True
            ),
        )
        .order_by()
    )
    rectified = pieces.add_up(village_rows, "listed_in", ("villages",), ("accepted",))
    meeting_kinds: list[Counter] = [Counter() for _ in periods]
    decisions = [0] * len(periods)
    for row in (
        meetings.values("kind", held_in=pieces.which(held_on))
        .annotate(n=Count("pk", distinct=True), decisions=Count("decisions"))
        .order_by()
    ):
        for i in pieces.periods_of(row["held_in"]):
            meeting_kinds[i][row["kind"]] += row["n"]
            decisions[i] += row["decisions"]
    activity_kinds: list[Counter] = [Counter() for _ in periods]
    participants = [0] * len(periods)
    for row in (
        activities.values("kind", held_in=pieces.which(task_queries.held_between))
        .annotate(n=Count("pk"), people=Sum("participants"))
        .order_by()
    ):
        for i in pieces.periods_of(row["held_in"]):
            activity_kinds[i][row["kind"]] += row["n"]
            participants[i] += row["people"] or 0
    # The task list's `figure` filter uses the same conditions: each figure links to its tasks.
    task_rows = list(
        tasks.values(
            assigned_in=pieces.which(task_queries.assigned_between, moments=True),
            accepted_in=pieces.which(task_queries.accepted_between, moments=True),
        )
        .annotate(
            tasks=Count("pk"),
            from_decisions=Count("pk", filter=Q(origin__in=[Origin.DECISION, Origin.JOINT_MEETING])),
            on_time=Count("pk", filter=task_queries.done_on_time()),
            overdue_now=Count("pk", filter=limits.overdue(TASK, now or timezone.now())),
        )
        .order_by()
    )
    assigned = pieces.add_up(task_rows, "assigned_in", ("tasks", "from_decisions"))
    accepted = pieces.add_up(task_rows, "accepted_in", ("tasks", "on_time"))
    overdue_now = sum(row["overdue_now"] for row in task_rows)
    return [
        _supervision_figures(
            start,
            end,
            region,
            meeting_kinds[i],
            decisions[i],
            assigned[i],
            accepted[i],
            overdue_now,
            answered[i],
            activity_kinds[i],
            participants[i],
            rectified[i],
        )
        for i, (start, end) in enumerate(periods)
    ]


def _supervision_figures(
    start: dt.date,
    end: dt.date,
    region: str | None,
    by_kind: Counter,
    decisions: int,
    assigned: dict,
    accepted: dict,
    overdue_now: int,
    reports: dict,
    activity_kinds: Counter,
    participants: int,
    villages: dict,
) -> SupervisionFigures:
    from anju.tasks.choices import ActivityKind, MeetingKind

    return SupervisionFigures(
        region_code=region,
        start=start,
        end=end,
        meetings=sum(by_kind.values()),
        meetings_by_kind=tuple(KindCount(k.value, str(k.label), by_kind[k.value]) for k in MeetingKind),
        decisions=decisions,
        tasks_assigned=assigned["tasks"],
        tasks_from_decisions=assigned["from_decisions"],
        tasks_accepted=accepted["tasks"],
        tasks_on_time=accepted["on_time"],
        tasks_late=accepted["tasks"] - accepted["on_time"],
        on_time_rate=share(accepted["on_time"], accepted["tasks"]),
        on_time_rate_display=percent(accepted["on_time"], accepted["tasks"]),
        overdue_now=overdue_now,
        reports=reports["reports"],
        reports_acknowledged=reports["acknowledged"],
        reports_instructed=reports["instructed"],
        reports_made_tasks=reports["made_tasks"],
        activities=sum(activity_kinds.values()),
        activities_by_kind=tuple(
            KindCount(kind.value, str(kind.label), activity_kinds[kind.value]) for kind in ActivityKind
        ),
        activity_participants=participants,
        villages_listed=villages["villages"],
        villages_accepted=villages["accepted"],
    )


# --- grid events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRate:
    stage: str  # file, dispatch, handle, verify
    label: str
    done: int
    on_time: int
    rate: float | None
    rate_display: str


@dataclass(frozen=True)
class EventFigures:
    """The named figures of grid events for one jurisdiction, region, minor class and period."""

    region_code: str | None
    category: str | None
    start: dt.date
    end: dt.date  # exclusive
    reported: int
    filed: int
    voided: int
    closed: int
    returned_by_verification: int
    on_time_by_stage: tuple[StageRate, ...]
    evaluated: int
    average_satisfaction: float | None
    satisfied_share: float | None
    satisfied_share_display: str

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["start"] = self.start.isoformat()
        data["end"] = self.end.isoformat()
        data["on_time_by_stage"] = list(data["on_time_by_stage"])
        return data


# The stage of each on-time rate, and the fields that hold when it ended and when it was due.
EVENT_STAGES = (
    ("file", "filed_at", "file_due_at"),
    ("dispatch", "dispatched_at", "dispatch_due_at"),
    ("handle", "handled_at", "handle_due_at"),
    ("verify", "verified_at", "verify_due_at"),
)


def events_in_scope(user, *, region: str | None = None, category: str | None = None) -> QuerySet:
    """The grid events the figures are counted from: the user's jurisdiction, a region's subtree, a
    minor class (its code)."""
    from anju.events.models import Event

    events = Event.objects.visible_to(user, "view")
    if region:
        events = events.in_subtree(region)
    if category:
        events = events.filter(event_type__code=category)
    return events


def event_figures(
    user, *, start: dt.date, end: dt.date, region: str | None = None, category: str | None = None
) -> EventFigures:
    """Figures of the events reported in [start, end), with the same region and period arguments
    as dispute_figures; one aggregate query.

    - reported: reported in the period (converted ones included: they were reported).
    - filed / voided: of those, filed (whatever happened next) / voided as not a case.
    - closed: of those, verified on site and closed before the end of the period.
    - returned_by_verification: of those, how many times site verification sent one back.
    - on_time_by_stage: per stage, of those whose stage ended before the end of the period, the
      share that ended by its limit (the limit in force then, extensions included).
    - evaluated, average_satisfaction (1-5), satisfied_share (4 or 5 of the evaluated)."""
    return event_figures_for(user, [(start, end)], region=region, category=category)[0]


def event_figures_for(
    user, periods: list[tuple[dt.date, dt.date]], *, region: str | None = None, category: str | None = None
) -> list[EventFigures]:
    """`event_figures` for several periods [start, end) at once, in their order: one aggregate per
    period over the events reported in it. Unlike tips and supervision (few rows), grid events
    are not read in one pass grouped by period (_Pieces): that pass tests every period's
    conditions on every event, and at a county's volume (50,000 events in a year) it cost the
    database more than it saved Python (bench/README.md, 2026-12-06)."""

    from anju.events import queries as event_queries
    from anju.events.choices import Status as EventStatus

    for start, end in periods:
        check_period(start, end)
    events = events_in_scope(user, region=region, category=category)
    out = []
    for start, end in periods:
        start_at, end_at = period_bounds(start, end)
        evaluated = event_queries.evaluated_before(end_at)
        aggregates = {
            "reported": Count("pk"),
            "filed": Count("pk", filter=event_queries.filed_before(end_at)),
            "voided": Count("pk", filter=Q(status=EventStatus.VOIDED)),
            "closed": Count("pk", filter=event_queries.closed_before(end_at)),
            "returned": Sum("returned", default=0),
            "evaluated": Count("pk", filter=evaluated),
            "satisfied": Count("pk", filter=evaluated & Q(satisfaction__gte=4)),
            # The average as its sum and the count of scores, added up over the rows below.
            "satisfaction_sum": Sum("satisfaction", filter=evaluated, default=0),
            "scored": Count("satisfaction", filter=evaluated),
        }
        # The event list's `figure` filter uses the same conditions: each figure links to its events.
        for stage, done, due in EVENT_STAGES:
            aggregates[f"{stage}_done"] = Count("pk", filter=event_queries.stage_ended(done, due, end_at))
            aggregates[f"{stage}_on_time"] = Count(
                "pk", filter=event_queries.stage_on_time(done, due, end_at)
            )
        # Counted by status and added up here rather than by aggregate(): Django resolves each of an
        # aggregate()'s expressions against all those before it, which for these eighteen cost a
        # fifth of the statement's CPU; a status has a handful of rows.
        reported = events.filter(reported_at__gte=start_at, reported_at__lt=end_at).order_by()
        counts = Counter()
        for row in reported.values("status").annotate(**aggregates):
            row.pop("status")
            counts.update(row)
        counts["satisfaction"] = counts["satisfaction_sum"] / counts["scored"] if counts["scored"] else None
        out.append(_event_figures(counts, start, end, region, category))
    return out


def _event_figures(
    counts: dict, start: dt.date, end: dt.date, region: str | None, category: str | None
) -> EventFigures:
    from anju.events.choices import Stage

    stages = tuple(
        StageRate(
            stage=stage,
            label=str(Stage(stage).label),
            done=counts[f"{stage}_done"],
            on_time=counts[f"{stage}_on_time"],
            rate=share(counts[f"{stage}_on_time"], counts[f"{stage}_done"]),
            rate_display=percent(counts[f"{stage}_on_time"], counts[f"{stage}_done"]),
        )
        for stage, _done, _due in EVENT_STAGES
    )
    average = counts["satisfaction"]
    return EventFigures(
        region_code=region,
        category=category,
        start=start,
        end=end,
        reported=counts["reported"],
        filed=counts["filed"],
        voided=counts["voided"],
        closed=counts["closed"],
        returned_by_verification=counts["returned"] or 0,
        on_time_by_stage=stages,
        evaluated=counts["evaluated"],
        average_satisfaction=round(float(average), 1) if average is not None else None,
        satisfied_share=share(counts["satisfied"], counts["evaluated"]),
        satisfied_share_display=percent(counts["satisfied"], counts["evaluated"]),
    )


# --- township assessment and rankings ------------------------------------------------------------

# The normal quantile for a two-sided 95% interval.
Z_95 = 1.959964
TOWNSHIP_CODE_LENGTH = 9


def wilson_bounds(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a rate at 95%: (lower, upper). It stays inside [0, 1] and is
    wide for few trials, so 3 of 3 (lower 43.8%) does not beat 95 of 100 (lower 88.8%). No trials
    give (0, 1): nothing is known."""
    if not trials:
        return 0.0, 1.0
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * (p * (1 - p) / trials + z2 / (4 * trials * trials)) ** 0.5
    return max(0.0, (centre - margin) / (1 + z2 / trials)), min(1.0, (centre + margin) / (1 + z2 / trials))


def percent_of(value: float | None) -> str:
    """A share in [0, 1] as 88.8%, one decimal rounded half up; "—" for none."""
    if value is None:
        return NO_RATE
    return f"{Decimal(str(value * 100)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class Indicator:
    """One indicator of one township: `count` of `base` cases, the rate, and the conservative value
    the score uses (`credit`, 0 to 1): the rate's Wilson lower bound where more is better, one
    minus the upper bound where less is better (overdue, reopened)."""

    key: str
    count: int
    base: int
    rate: float | None
    rate_display: str
    credit: float
    credit_display: str
    weight: int
    # The dispute list's `figure` filter that lists the counted cases, and the base's.
    count_figure: str
    base_figure: str


# key, the figure of its count, the figure of its base, whether more is better.
ASSESSMENT_INDICATORS = (
    ("resolution", dispute_queries.RESOLVED, dispute_queries.FOUND, True),
    ("where_arose", dispute_queries.NOT_PASSED_UPWARD, dispute_queries.RESOLVED, True),
    ("on_time", dispute_queries.ON_TIME, dispute_queries.WITH_LIMIT, True),
    ("overdue", dispute_queries.WENT_OVERDUE, dispute_queries.FOUND, False),
    ("repeat", dispute_queries.REOPENED, dispute_queries.FOUND, False),
)


@dataclass(frozen=True)
class TownshipScore:
    code: str
    name: str
    found: int
    indicators: tuple[Indicator, ...]
    score: float | None  # 0-100; None when every weight is 0
    score_display: str
    rank: int | None  # None: fewer disputes than the scheme's minimum, not ranked


@dataclass(frozen=True)
class Assessment:
    region_code: str | None
    start: dt.date
    end: dt.date  # exclusive
    minimum_cases: int
    weights: dict[str, int]
    rows: tuple[TownshipScore, ...]  # the ranked first, by rank; then the others by code
    # Disputes found in the period registered above any township (at the county itself): in no row.
    above_townships: int


def _found_in(user, start: dt.date, end: dt.date, region: str | None) -> QuerySet:
    start_at, end_at = period_bounds(start, end)
    return (
        disputes_in_scope(user, region=region)
        .filter(registered_at__gte=start_at, registered_at__lt=end_at)
        .filter(dispute_queries.not_merged())
    )


def township_assessment(
    user, *, start: dt.date, end: dt.date, region: str | None = None, scheme=None
) -> Assessment:
    """平安建设领导责任制考评: each township of the user's jurisdiction (narrowed to `region`) scored
    on the disputes found (registered) there in [start, end), merged ones left out:

    - resolution: resolved before the end / found (the resolution rate).
    - where_arose: resolved at the level where they arose / resolved (a case is never resolved
      below that level, so this is "at or below").
    - on_time: resolved within the time limit in force when resolved (extensions included) /
      resolved with a time limit.
    - overdue: given a red card (past their limit) before the end / found; less is better.
    - repeat: reopened (the agreement was not performed) before the end / found; less is better.

    The score is the weighted mean of the indicators' credits, times 100. A township with fewer
    disputes found than the scheme's minimum gets a score but no rank. Three grouped queries."""
    from .models import AssessmentScheme

    check_period(start, end)
    scheme = scheme or AssessmentScheme.current()
    _, end_at = period_bounds(start, end)
    found = _found_in(user, start, end, region).annotate(unit=Substr("region_id", 1, TOWNSHIP_CODE_LENGTH))
    resolved_q = dispute_queries.resolved_before(end_at)
    counts: dict[str, dict[str, int]] = {}
    for row in (
        found.values("unit")
        .annotate(
            found=Count("pk"),
            resolution=Count("pk", filter=resolved_q),
            where_arose=Count("pk", filter=resolved_q & dispute_queries.where_they_arose()),
            with_limit=Count("pk", filter=resolved_q & dispute_queries.with_limit()),
            on_time=Count("pk", filter=resolved_q & dispute_queries.on_time()),
        )
        .order_by()
    ):
        counts[row.pop("unit")] = row
    for key, name in (("overdue", "overdue"), ("repeat", "reopen")):
        marked = found.filter(dispute_queries.noted_before(name, end_at))
        for unit, n in marked.values_list("unit").annotate(n=Count("pk")).order_by():
            counts.setdefault(unit, {})[key] = n
    townships = Region.objects.visible_to(user, "case.view").filter(level="township").exclude(department_q())
    if region:
        townships = townships.filter(code__startswith=region[:TOWNSHIP_CODE_LENGTH])
    weights = scheme.weights()
    rows = [_score(t.code, t.name, counts.get(t.code, {}), weights) for t in townships.order_by("code")]
    ranked = sorted(
        (r for r in rows if r.found >= scheme.minimum_cases and r.score is not None),
        key=lambda r: (-r.score, -r.found, r.code),
    )
    ranked = [dataclasses.replace(r, rank=i) for i, r in enumerate(ranked, start=1)]
    others = [r for r in rows if r.code not in {x.code for x in ranked}]
    # A county department's cases were registered at the county's own level, above the townships.
    above = sum(
        c.get("found", 0)
        for unit, c in counts.items()
        if len(unit) < TOWNSHIP_CODE_LENGTH or is_department(unit)
    )
    return Assessment(
        region_code=region,
        start=start,
        end=end,
        minimum_cases=scheme.minimum_cases,
        weights=weights,
        rows=tuple(ranked + others),
        above_townships=above,
    )


def _score(code: str, name: str, counts: dict[str, int], weights: dict[str, int]) -> TownshipScore:
    found = counts.get("found", 0)
    bases = {
        "found": found,
        "resolution": counts.get("resolution", 0),
        "with_limit": counts.get("with_limit", 0),
    }
    base_of = {"resolution": "found", "where_arose": "resolution", "on_time": "with_limit"}
    indicators = []
    for key, count_figure, base_figure, good in ASSESSMENT_INDICATORS:
        count, base = counts.get(key, 0), bases[base_of.get(key, "found")]
        lower, upper = wilson_bounds(count, base)
        credit = lower if good else 1 - upper
        indicators.append(
            Indicator(
                key,
                count,
                base,
                share(count, base),
                percent(count, base),
                credit,
                percent_of(credit),
                weights[key],
                count_figure,
                base_figure,
            )
        )
    total = sum(weights.values())
    score = sum(i.weight * i.credit for i in indicators) * 100 / total if total else None
    score = (
        float(Decimal(str(score)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))
        if score is not None
        else None
    )
    return TownshipScore(
        code, name, found, tuple(indicators), score, NO_RATE if score is None else str(score), None
    )


@dataclass(frozen=True)
class RankedRow:
    """A region of a breakdown ranked by its resolution rate's Wilson lower bound; `rank` None
    when it found fewer disputes than the minimum."""

    row: Row
    lower_bound: float
    lower_bound_display: str
    rank: int | None


def rank_by_resolution(rows: tuple[Row, ...], minimum_cases: int) -> tuple[RankedRow, ...]:
    """The regions of a breakdown (dispute_figures' by_region), best first by the lower bound of
    their resolution rate; those with too few disputes after them, unranked."""
    bounded = [
        (row, wilson_bounds(row.resolved, row.found)[0])
        for row in rows
        if row.key and not is_department(row.key)
    ]
    ranked = sorted(
        (pair for pair in bounded if pair[0].found >= minimum_cases), key=lambda p: (-p[1], -p[0].found)
    )
    out = [RankedRow(row, lower, percent_of(lower), i) for i, (row, lower) in enumerate(ranked, start=1)]
    out += [
        RankedRow(row, lower, percent_of(lower), None) for row, lower in bounded if row.found < minimum_cases
    ]
    return tuple(out)


def overdue_cases(user, *, region: str | None = None, now: dt.datetime | None = None, limit: int = 5) -> list:
    """The first `limit` disputes overdue now (the disputes.overdue figure's cases), longest overdue
    first."""
    overdue = Dispute.objects.filter(deadlines.overdue(now or timezone.now())).values("pk")
    scope = disputes_in_scope(user, region=region).filter(pk__in=overdue)
    return list(scope.select_related("region", "handling_unit").order_by("due_at", "pk")[:limit])
