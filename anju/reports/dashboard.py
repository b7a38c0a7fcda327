"""What the dashboard shows besides the headline figures: the breakdowns of the dispute figures as
tables (each row linking to its cases), the chart drawn from each table and its XLSX download.
Every number comes from anju.reports.metrics through the catalogue; nothing here counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from . import catalogue, drill, metrics
from .periods import Period


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple
    cases_url: str | None = None  # the cases the row counted
    drill_url: str | None = None  # the same dashboard one level down
    cell_urls: tuple = ()  # where each cell opens as its cases, when not only the first does


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]  # the first names the rows' labels
    rows: tuple[TableRow, ...]
    chart: dict = field(default_factory=dict)

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def lines(self) -> list[tuple[TableRow, list[tuple[str, object]]]]:
        """Each row with its cells beside their headers (the phone shows a row as labelled cells)."""
        return [(row, list(zip(self.headers[1:], row.cells, strict=True))) for row in self.rows]

    @property
    def cell_links(self) -> list[tuple[TableRow, list[tuple[str, object, str | None]]]]:
        """As `lines`, each cell with the link to its cases (the first cell's is the row's)."""
        out = []
        for row, cells in self.lines:
            urls = row.cell_urls or (row.cases_url,)
            out.append((row, [(h, c, urls[i] if i < len(urls) else None) for i, (h, c) in enumerate(cells)]))
        return out

    def sheet_rows(self) -> list[list]:
        return [[row.label, *row.cells] for row in self.rows]


def tables(sheet: catalogue.Sheet, region: str | None, *, screen: bool = False) -> tuple[Table, ...]:
    d, period = sheet.disputes, sheet.period
    found, resolved, rate = _("found"), _("resolved"), _("resolution rate")

    def found_rows(rows, name: str) -> tuple[TableRow, ...]:
        return tuple(
            TableRow(
                row.label,
                (row.found, row.resolved, row.resolution_rate_display),
                drill.dispute_list_url(period.start, period.end, region, figure="found", **{name: row.key}),
            )
            for row in rows
        )

    months = tuple(
        TableRow(
            row.label,
            (row.found, row.resolved, row.resolution_rate_display),
            drill.dispute_list_url(*_month_bounds(row.key, period), region, figure="found"),
        )
        for row in d.by_month
    )
    levels = tuple(
        TableRow(
            level.label,
            (level.resolved, level.share_display),
            drill.dispute_list_url(
                period.start, period.end, region, figure="resolved", resolved_level=level.level
            ),
        )
        for level in d.resolved_by_level
    )
    regions = tuple(
        TableRow(
            row.label,
            (row.found, row.resolved, row.resolution_rate_display),
            drill.dispute_list_url(period.start, period.end, row.key or region, figure="found")
            if row.key
            else None,
            _dashboard_url(period, row.key, screen) if row.key and row.key != d.region_code else None,
        )
        for row in d.by_region
    )
    three = (found, resolved, rate)
    return (
        _table("month", _("Monthly trend"), _("month"), three, months, "line"),
        _table("region", _("By region"), _("region"), three, regions, "bar"),
        _table(
            "category",
            _("By category"),
            _("category"),
            three,
            found_rows(d.by_category, "category"),
            "bar",
        ),
        _table("level", _("Resolved by level"), _("level"), (resolved, _("share")), levels, "pie"),
        _table(
            "channel",
            _("By channel"),
            _("channel"),
            three,
            found_rows(d.by_channel, "channel"),
            "bar",
        ),
    )


def figure_table(sheet: catalogue.Sheet) -> Table:
    """The headline figures as a table: the XLSX of the dashboard's top."""
    rows = tuple(
        TableRow(
            str(v.figure.label),
            (
                v.display,
                str(v.figure.unit),
                v.previous_display,
                v.last_year_display,
                str(v.figure.definition),
            ),
        )
        for v in sheet.values
    )
    headers = (_("figure"), _("value"), _("unit"), _("previous period"), _("same period last year"))
    return Table("figures", _("Figures"), (*headers, _("definition")), rows)


def _table(key, title, first, headers, rows, kind) -> Table:
    # A chart draws the counts only: the rate columns are in the table.
    counted = [i for i, h in enumerate(headers) if h not in (_("resolution rate"), _("share"))]
    series = [{"name": headers[i], "data": [row.cells[i] for row in rows]} for i in counted]
    if kind == "pie":
        series = series[:1]
    chart = {"type": kind, "categories": [row.label for row in rows], "series": series}
    if key == "category":
        # Fifteen categories: chart those with cases, the table lists them all.
        keep = [i for i, row in enumerate(rows) if row.cells[0]]
        chart["categories"] = [rows[i].label for i in keep]
        chart["series"] = [{**s, "data": [s["data"][i] for i in keep]} for s in series]
    return Table(key, title, (first, *headers), rows, chart)


def _month_bounds(key: str, period: Period) -> tuple[dt.date, dt.date]:
    year, month = (int(part) for part in key.split("-"))
    first = dt.date(year, month, 1)
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    return max(first, period.start), min(after, period.end)


def _dashboard_url(period: Period, region: str, screen: bool) -> str:
    query = {"period": period.text, "region": region}
    if screen:
        query["screen"] = "1"
    return f"?{urlencode(query)}"


def ranking_table(
    sheet: catalogue.Sheet, region: str | None, minimum_cases: int, *, screen: bool = False
) -> Table:
    """The regions one level down ranked by the lower bound of their resolution rate (the township
    assessment's rule: few cases do not rank high by chance), with their counts; no map."""
    d, period = sheet.disputes, sheet.period
    units = tuple(row for row in d.by_region if row.key and row.key != d.region_code)
    rows = tuple(
        TableRow(
            ranked.row.label,
            (
                ranked.rank or _("not ranked"),
                ranked.row.found,
                ranked.row.resolved,
                ranked.row.resolution_rate_display,
                ranked.lower_bound_display,
            ),
            None,
            _dashboard_url(period, ranked.row.key, screen),
            (
                None,
                drill.dispute_list_url(period.start, period.end, ranked.row.key, figure="found"),
                drill.dispute_list_url(period.start, period.end, ranked.row.key, figure="resolved"),
            ),
        )
        for ranked in metrics.rank_by_resolution(units, minimum_cases)
    )
    headers = (_("region"), _("rank"), _("found"), _("resolved"), _("resolution rate"), _("lower bound"))
    return Table("ranking", _("Ranking by resolution rate"), headers, rows)
