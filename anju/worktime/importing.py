"""Turning a calendar table (CSV/XLSX) into checked days, with a reason for every bad row.

Columns: date, kind, name. Kinds and headers are understood as county staff write them, in
Chinese too: 休/节假日/放假 for a day off, 班/调休上班/上班 for a make-up working day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import tabular
from anju.core.tabular import Column, RowError, SheetKind, Table, lookup_alias

from .choices import NAME_MAX, WEEKDAY_WORKDAY, DayKind, is_weekday_workday

KIND_ALIASES = {
    DayKind.HOLIDAY: {"holiday", "休", "节假日", "放假", "法定节假日", "休息"},
    DayKind.WORKDAY: {"workday", "班", "调休上班", "上班", "补班"},
}


def _kinds() -> list[tuple[str, str]]:
    labels = dict(DayKind.choices)
    return [(name, str(labels[kind])) for kind, names in KIND_ALIASES.items() for name in sorted(names)]


COLUMNS = [
    Column(
        "day",
        gettext_lazy("date"),
        ("日期", "date", "day"),
        required=True,
        example=lambda: f"{timezone.localdate().year}-10-01",
    ),
    Column(
        "kind",
        gettext_lazy("kind"),
        ("类型", "类别", "kind", "type"),
        required=True,
        example="休",
        values=_kinds,
    ),
    Column("name", gettext_lazy("name"), ("名称", "节日", "节日名称", "说明", "name"), example="国庆节"),
]
CALENDAR = SheetKind(COLUMNS)
HEADER_ALIASES = {c.key: set(c.names) for c in COLUMNS}


@dataclass
class ParsedDay:
    row: int
    day: dt.date
    kind: str
    name: str


@dataclass
class Parsed:
    rows: list[ParsedDay] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def parse_date(text: str) -> dt.date | None:
    """The engine's date shapes (an Excel date cell included), or None."""
    try:
        return tabular.parse_date(text)
    except ValueError:
        return None


def parse_days(table: Table) -> Parsed:
    result = Parsed()
    columns = CALENDAR.guess_mapping(table.headers)
    # Problems name a column as the file heads it, or as the template does when the file lacks it.
    headed = {key: table.headers[i] for key, i in columns.items() if i < len(table.headers)}
    day_column, kind_column, name_column = (CALENDAR.heading(k, headed) for k in ("day", "kind", "name"))
    missing = [CALENDAR.heading(c.key) for c in CALENDAR.missing(columns)]
    if missing:
        names = ", ".join(missing)
        result.errors.append(RowError(1, names, _("Missing column(s): %(columns)s.") % {"columns": names}))
        return result
    if not table.rows:
        result.errors.append(RowError(1, day_column, _("The file lists no days.")))
        return result

    seen: dict[dt.date, int] = {}
    for number, cells in table.rows:

        def cell(key: str, cells=cells) -> str:
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        errors_before = len(result.errors)
        day = parse_date(cell("day"))
        if day is None:
            result.errors.append(
                RowError(
                    number, day_column, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": cell("day")}
                )
            )
        elif day in seen:
            message = _("%(day)s appears again (first on row %(row)d).")
            result.errors.append(
                RowError(number, day_column, message % {"day": day.isoformat(), "row": seen[day]})
            )
        else:
            seen[day] = number
        kind = lookup_alias(KIND_ALIASES, cell("kind"))
        if kind is None:
            message = _("Unknown kind %(value)s: write holiday (休) or workday (班).")
            result.errors.append(RowError(number, kind_column, message % {"value": cell("kind")}))
        elif is_weekday_workday(kind, day):
            result.errors.append(RowError(number, kind_column, WEEKDAY_WORKDAY % {"day": day.isoformat()}))
        name = cell("name")
        if len(name) > NAME_MAX:
            message = _("The name is longer than %(max)d characters.")
            result.errors.append(RowError(number, name_column, message % {"max": NAME_MAX}))
        if len(result.errors) == errors_before:
            result.rows.append(ParsedDay(row=number, day=day, kind=kind, name=name))
    return result
