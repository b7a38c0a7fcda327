"""Turning a region table (CSV/XLSX) into checked rows, with a reason for every bad row.

Columns: code, name, and level or parent code; optionally grid type, households and retired on.
Chinese headers and level names, as county staff write them, are understood too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from anju.core.tabular import RowError, Table, lookup_alias

from . import codes
from .choices import GridType, Level

HEADER_ALIASES = {
    "code": {"code", "代码", "区划代码", "编码", "统计用区划代码"},
    "name": {"name", "名称", "区划名称"},
    "level": {"level", "级别", "层级"},
    "parent_code": {"parent_code", "parent", "parent code", "上级代码", "上级编码"},
    "grid_type": {"grid_type", "grid type", "网格类型"},
    "households": {"households", "户数"},
    "retired_on": {"retired_on", "retired on", "撤销日期"},
}
LEVEL_ALIASES = {
    Level.COUNTY: {"county", "县", "区县", "县级"},
    Level.TOWNSHIP: {"township", "乡镇", "街道", "乡", "镇", "乡镇街道", "乡级"},
    Level.VILLAGE: {"village", "村", "社区", "村社区", "村（社区）", "村级"},
    Level.GRID: {"grid", "网格"},
    Level.GROUP: {"group", "联防组", "joint group"},
}
GRID_TYPE_ALIASES = {
    GridType.GENERAL: {"general", "综合", "综合网格"},
    GridType.DEDICATED: {"dedicated", "专属", "专属网格"},
}
EXPORT_HEADERS = ["code", "name", "level", "parent_code", "grid_type", "households", "retired_on"]


@dataclass
class ParsedRow:
    row: int
    code: str
    name: str
    level: str
    parent_code: str | None
    grid_type: str = ""
    households: int | None = None
    retired_on: dt.date | None = None


@dataclass
class Parsed:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _message(error: ValidationError) -> str:
    return "; ".join(error.messages)


def parse_regions(table: Table) -> Parsed:
    result = Parsed()
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = lookup_alias(HEADER_ALIASES, header)
        if key and key not in columns:
            columns[key] = index
    missing = [c for c in ("code", "name") if c not in columns]
    if "level" not in columns and "parent_code" not in columns:
        missing.append("level / parent_code")
    if missing:
        result.errors.append(
            RowError(
                1, ", ".join(missing), _("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
            )
        )
        return result

    seen: dict[str, int] = {}
    for number, cells in table.rows:

        def cell(key: str, cells=cells) -> str:
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        errors_before = len(result.errors)
        code = codes.normalise(cell("code"))
        name = cell("name")
        if not name:
            result.errors.append(RowError(number, "name", _("The name is empty.")))
        level_text = cell("level")
        level = lookup_alias(LEVEL_ALIASES, level_text) if level_text else None
        if level_text and level is None:
            result.errors.append(
                RowError(number, "level", _("Unknown level %(level)s.") % {"level": level_text})
            )
        parent = codes.normalise(cell("parent_code")) or None
        try:
            actual = codes.validate_code(code, level, parent if "parent_code" in columns else None)
        except ValidationError as error:
            result.errors.append(RowError(number, "code", _message(error)))
            actual = None
        if code in seen:
            result.errors.append(
                RowError(
                    number,
                    "code",
                    _("%(code)s appears again (first on row %(row)d).") % {"code": code, "row": seen[code]},
                )
            )
        seen.setdefault(code, number)

        grid_type = ""
        if cell("grid_type"):
            grid_type = lookup_alias(GRID_TYPE_ALIASES, cell("grid_type")) or ""
            if not grid_type:
                result.errors.append(
                    RowError(
                        number, "grid_type", _("Unknown grid type %(value)s.") % {"value": cell("grid_type")}
                    )
                )
        households = None
        if cell("households"):
            try:
                households = int(float(cell("households")))
                if households < 0:
                    raise ValueError
            except ValueError:
                result.errors.append(
                    RowError(
                        number,
                        "households",
                        _("%(value)s is not a household count.") % {"value": cell("households")},
                    )
                )
        retired_on = None
        if cell("retired_on"):
            try:
                retired_on = dt.date.fromisoformat(cell("retired_on")[:10])
            except ValueError:
                result.errors.append(
                    RowError(
                        number,
                        "retired_on",
                        _("%(value)s is not a date (YYYY-MM-DD).") % {"value": cell("retired_on")},
                    )
                )
        if (grid_type or households is not None) and actual not in (Level.GRID, Level.GROUP, None):
            result.errors.append(
                RowError(
                    number,
                    "grid_type",
                    _("Only grids and joint groups have a grid type or a household count."),
                )
            )
        if len(result.errors) == errors_before and actual is not None:
            result.rows.append(
                ParsedRow(
                    row=number,
                    code=code,
                    name=name,
                    level=actual,
                    parent_code=codes.parent_code(code),
                    grid_type=grid_type,
                    households=households,
                    retired_on=retired_on,
                )
            )
    return result
