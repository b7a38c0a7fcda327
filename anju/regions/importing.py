"""Turning a region table (CSV/XLSX) into checked rows, with a reason for every bad row.

Columns: code and name; optionally level, parent code, grid type, households and retired on. Chinese
headers and level names, as county staff write them, are understood too, and so is the statistics
bureau's plain list of 12-digit codes and names (the level read from the code)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.tabular import CellError, Column, RowError, SheetKind, Table, date_cell, lookup_alias

from . import codes
from .choices import GridType, Level


def _households(text: str) -> int:
    try:
        households = int(float(text))
    except ValueError:
        households = -1
    if households < 0:
        raise CellError(_("%(value)s is not a household count.") % {"value": text})
    return households


# The statistics bureau's list (统计用区划代码, 名称, and often 城乡分类代码, which is not imported)
# reads as it is published: the level comes from the code when no level or parent column is given.
COLUMNS = [
    Column(
        "code",
        gettext_lazy("code"),
        ("代码", "区划代码", "统计用区划代码", "行政区划代码", "编码", "code"),
        required=True,
    ),
    Column("name", gettext_lazy("name"), ("名称", "区划名称", "单位名称", "name"), required=True),
    Column(
        "level",
        gettext_lazy("level"),
        ("级别", "层级", "level"),
        values=lambda: _aliases(LEVEL_ALIASES, Level),
    ),
    Column(
        "parent_code",
        gettext_lazy("parent code"),
        ("上级代码", "上级编码", "上级区划代码", "parent_code", "parent", "parent code"),
    ),
    Column(
        "grid_type",
        gettext_lazy("grid type"),
        ("网格类型", "grid_type", "grid type"),
        values=lambda: _aliases(GRID_TYPE_ALIASES, GridType),
    ),
    Column("households", gettext_lazy("households"), ("户数", "households"), parse=_households),
    Column(
        "retired_on", gettext_lazy("retired on"), ("撤销日期", "retired_on", "retired on"), parse=date_cell
    ),
]
REGIONS = SheetKind(COLUMNS)


def _aliases(aliases: dict, choices) -> list[tuple[str, str]]:
    """Every Chinese name a choice column accepts, each noting the choice it stands for."""
    labels = dict(choices.choices)
    return [
        (name, str(labels[key]))
        for key, names in aliases.items()
        for name in sorted(names)
        if not name.isascii()
    ]


def template_examples(region) -> dict[str, str]:
    """The template's example row: a region as it is (importing it changes nothing)."""
    if region is None:
        return {}
    return {
        "code": region.code,
        "name": region.name,
        "level": region.get_level_display(),
        "parent_code": region.parent_id or "",
        "grid_type": region.get_grid_type_display() if region.grid_type else "",
        "households": "" if region.households is None else str(region.households),
    }


HEADER_ALIASES = {c.key: set(c.names) for c in COLUMNS}
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
    unused: list[str] = field(default_factory=list)


def _message(error: ValidationError) -> str:
    return "; ".join(error.messages)


def parse_regions(table: Table, mapping: dict[str, int] | None = None) -> Parsed:
    result = Parsed()
    columns = REGIONS.guess_mapping(table.headers) if mapping is None else mapping
    missing = [c.header for c in REGIONS.missing(columns)]
    if missing:
        result.errors.append(
            RowError(
                table.header_row,
                ", ".join(missing),
                _("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)},
            )
        )
        return result
    result.unused = REGIONS.unused(table.headers, columns)

    seen: dict[str, int] = {}
    for row in REGIONS.read(table, columns):
        number = row.number
        code = codes.normalise(row.text.get("code", ""))
        name = row.text.get("name", "")
        if not name:
            row.bad("name", _("The name is empty."))
        level_text = row.text.get("level", "")
        level = lookup_alias(LEVEL_ALIASES, level_text) if level_text else None
        if level_text and level is None:
            row.bad("level", _("Unknown level %(level)s.") % {"level": level_text})
        parent = codes.normalise(row.text.get("parent_code", "")) or None
        try:
            actual = codes.validate_code(code, level, parent if "parent_code" in columns else None)
        except ValidationError as error:
            row.bad("code", _message(error))
            actual = None
        if code in seen:
            row.bad(
                "code",
                _("%(code)s appears again (first on row %(row)d).") % {"code": code, "row": seen[code]},
            )
        seen.setdefault(code, number)

        grid_type = ""
        if row.text.get("grid_type"):
            grid_type = lookup_alias(GRID_TYPE_ALIASES, row.text["grid_type"]) or ""
            if not grid_type:
                row.bad("grid_type", _("Unknown grid type %(value)s.") % {"value": row.text["grid_type"]})
        households = row.get("households")
        if (grid_type or households is not None) and actual not in (Level.GRID, Level.GROUP, None):
            row.bad("grid_type", _("Only grids and joint groups have a grid type or a household count."))
        if row.errors:
            result.errors.extend(row.errors)
        elif actual is not None:
            result.rows.append(
                ParsedRow(
                    row=number,
                    code=code,
                    name=name,
                    level=actual,
                    parent_code=codes.parent_code(code),
                    grid_type=grid_type,
                    households=households,
                    retired_on=row.get("retired_on"),
                )
            )
    return result
