"""The work report generator: a small template language of its own, and its rendering into blocks.

A template is plain text, one item per line, so an error can name its line:

    = {{ region }}{{ period }}平安建设暨政法工作总结     the title
    # 矛盾纠纷排查化解                                  a heading; # to #### are the levels, numbered
                                                        一、 （一） 1. （1） as official documents are
    共摸排矛盾纠纷{{ disputes.found }}件。                a paragraph, with figures in it
    {{ table:disputes.by_category }}                    a table, on a line of its own
    ? 写明存在的主要问题。                                a paragraph people write before issuing
    // a note to whoever keeps the template             left out of the report

A placeholder names a figure of the catalogue with optional filters (`|percent`, `|previous`,
`|last_year`, `|change`, `|change_on_last_year`, `|label`, `|unit`), a table of `TABLES`, or one of
`region`, `period`, `year`. Nothing else is read: no expressions, no attributes, no Django template
engine on text people type. An unknown name or filter is an error when the template is saved.

Rendering never counts: the values come from anju.reports.catalogue (and the breakdowns it reads
from anju.reports.metrics). A value not counted yet reads 尚未统计, and the unit written right after
it is dropped, so a sentence never reads "尚未统计件" nor states a 0 nobody counted."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.audit.actions import county_language

from . import catalogue, drill, metrics
from .periods import Period

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
NAME = re.compile(r"^[a-z]+(\.[a-z_]+)?$")
CONTEXT_NAMES = ("region", "period", "year")
# Filters that choose which value of the figure is shown.
VALUE_FILTERS = {
    "previous": "previous_display",
    "last_year": "last_year_display",
    "change": "change_display",
    "change_on_last_year": "change_on_last_year_display",
}
TEXT_FILTERS = ("label", "unit")
FILTERS = (*VALUE_FILTERS, "percent", *TEXT_FILTERS)
HEADING_MARK = re.compile(r"^(#{1,4})\s*(.*)$")
MAX_LINES = 400
MAX_LINE = 2000


# --- the language ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    name: str
    filters: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """How the figure is stored when used: `disputes.found` or `disputes.found|previous`."""
        chosen = [f for f in self.filters if f in VALUE_FILTERS]
        return "|".join([self.name, *chosen])


@dataclass(frozen=True)
class Line:
    kind: str  # title, heading, paragraph, table, write
    number: int  # the line of the template, counted from 1
    parts: tuple = ()  # text (str) and Placeholder, for title, heading and paragraph
    level: int = 0  # a heading's level, 1 to 4
    table: str = ""  # a table's name
    prompt: str = ""  # what people are asked to write


def parse(body: str) -> list[Line]:
    """The template's lines, or ValidationError with one message for each faulty line."""
    lines, errors = [], []
    raw_lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(raw_lines) > MAX_LINES:
        raise ValidationError(_("A template has at most %(count)d lines.") % {"count": MAX_LINES})
    for number, raw in enumerate(raw_lines, start=1):
        text = raw.strip()
        if not text or text.startswith("//"):
            continue
        try:
            lines.append(_line(number, text))
        except ValidationError as error:
            errors.extend(
                _("Line %(line)d: %(error)s") % {"line": number, "error": m} for m in error.messages
            )
    if errors:
        raise ValidationError(errors)
    if sum(1 for line in lines if line.kind == "title") > 1:
        raise ValidationError(_("A template has one title line (starting with =)."))
    return lines


def _line(number: int, text: str) -> Line:
    if len(text) > MAX_LINE:
        raise ValidationError(_("A line has at most %(count)d characters.") % {"count": MAX_LINE})
    if text.startswith("?"):
        prompt = text[1:].strip()
        if "{{" in prompt or "}}" in prompt:
            raise ValidationError(_("What people are asked to write holds no placeholder."))
        return Line("write", number, prompt=prompt or _("Write this paragraph."))
    if text.startswith("="):
        return Line("title", number, parts=_parts(text[1:].strip()))
    heading = HEADING_MARK.match(text)
    if heading:
        if not heading.group(2):
            raise ValidationError(_("A heading needs its text."))
        return Line("heading", number, parts=_parts(heading.group(2)), level=len(heading.group(1)))
    whole = PLACEHOLDER.fullmatch(text)
    if whole and whole.group(1).strip().startswith("table:"):
        return Line("table", number, table=_table_name(whole.group(1).strip()))
    return Line("paragraph", number, parts=_parts(text))


def _parts(text: str) -> tuple:
    parts: list = []
    errors: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(text[position : match.start()])
        try:
            parts.append(_placeholder(match.group(0), match.group(1).strip()))
        except ValidationError as error:
            errors.extend(error.messages)
        position = match.end()
    rest = text[position:]
    if "{{" in rest or "}}" in rest or any("{{" in p or "}}" in p for p in parts if isinstance(p, str)):
        errors.append(_("A placeholder is not closed: write it as {{ disputes.found }}."))
    if errors:
        raise ValidationError(errors)
    parts.append(rest)
    return tuple(p for p in parts if p != "")


def _placeholder(whole: str, inside: str) -> Placeholder:
    if inside.startswith("table:"):
        raise ValidationError(
            _("%(placeholder)s: a table stands on a line of its own.") % {"placeholder": whole}
        )
    name, *filters = (piece.strip() for piece in inside.split("|"))
    if name in CONTEXT_NAMES:
        if filters:
            raise ValidationError(
                _("%(placeholder)s: %(name)s takes no filter.") % {"placeholder": whole, "name": name}
            )
        return Placeholder(name)
    if not NAME.match(name) or name not in catalogue.BY_NAME:
        raise ValidationError(
            _("%(placeholder)s: there is no figure named %(name)s.")
            % {"placeholder": whole, "name": name[:60]}
        )
    figure = catalogue.BY_NAME[name]
    for index, name_of_filter in enumerate(filters):
        if name_of_filter not in FILTERS:
            raise ValidationError(
                _("%(placeholder)s: there is no filter %(filter)s; the filters are %(filters)s.")
                % {"placeholder": whole, "filter": name_of_filter[:40], "filters": ", ".join(FILTERS)}
            )
        if name_of_filter == "percent" and figure.kind != catalogue.RATE:
            raise ValidationError(_("%(placeholder)s: percent is for rates only.") % {"placeholder": whole})
        if name_of_filter in VALUE_FILTERS and figure.moment:
            raise ValidationError(
                _("%(placeholder)s: this figure is counted at the moment asked and has no earlier value.")
                % {"placeholder": whole}
            )
        if name_of_filter in TEXT_FILTERS and index != len(filters) - 1:
            raise ValidationError(
                _("%(placeholder)s: %(filter)s comes last.")
                % {"placeholder": whole, "filter": name_of_filter}
            )
    if sum(1 for f in filters if f in VALUE_FILTERS) > 1:
        raise ValidationError(
            _("%(placeholder)s: choose one of previous, last_year and change.") % {"placeholder": whole}
        )
    return Placeholder(name, tuple(filters))


def _table_name(inside: str) -> str:
    name = inside[len("table:") :].strip()
    if name not in TABLES:
        raise ValidationError(
            _("{{ %(inside)s }}: there is no table named %(name)s; the tables are %(tables)s.")
            % {"inside": inside[:60], "name": name[:60], "tables": ", ".join(TABLES)}
        )
    return name


def check(body: str) -> None:
    """Raise ValidationError, naming each faulty line, unless the text is a usable template."""
    lines = parse(body)
    if not any(line.kind != "title" for line in lines):
        raise ValidationError(_("The template has no heading, paragraph or table."))


# --- tables ------------------------------------------------------------------------------------


@dataclass
class Context:
    """What a rendering reads: the figures of one region and period, computed once."""

    user: object
    period: Period
    region: str | None
    region_name: str
    sheet: catalogue.Sheet | None  # None: show each figure by its name (a preview without figures)
    now: dt.datetime


def _url(start, end, region, **filters) -> dict:
    """A row's cases, as the arguments of drill.dispute_list_url (stored, made a URL when shown)."""
    return {
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "region": region,
        "filters": filters,
    }


def _found_rows(c: Context, rows, filter_name: str, *, skip_empty: bool) -> list[dict]:
    p = c.period
    out = []
    for row in rows:
        if skip_empty and not row.found:
            continue
        query = {"figure": "found"}
        region = c.region
        if filter_name == "region":
            region = row.key or c.region
        elif filter_name:
            query[filter_name] = row.key
        out.append(
            {
                "cells": [row.label, str(row.found), str(row.resolved), row.resolution_rate_display],
                "drill": _url(p.start, p.end, region, **query) if row.key or not filter_name else None,
            }
        )
    return out


def _total(c: Context) -> dict:
    d = c.sheet.disputes
    return {
        "cells": [_("Total"), str(d.found), str(d.resolved), d.resolution_rate_display],
        "drill": _url(c.period.start, c.period.end, c.region, figure="found"),
    }


def _three() -> list[str]:
    return [_("found"), _("resolved"), _("resolution rate")]


def _by_category(c: Context) -> tuple[list[str], list[dict]]:
    rows = _found_rows(c, c.sheet.disputes.by_category, "category", skip_empty=True)
    return [_("category"), *_three()], [*rows, _total(c)]


def _by_region(c: Context) -> tuple[list[str], list[dict]]:
    rows = _found_rows(c, c.sheet.disputes.by_region, "region", skip_empty=False)
    return [_("region"), *_three()], [*rows, _total(c)]


def _by_channel(c: Context) -> tuple[list[str], list[dict]]:
    rows = _found_rows(c, c.sheet.disputes.by_channel, "channel", skip_empty=True)
    return [_("channel"), *_three()], [*rows, _total(c)]


def _by_level(c: Context) -> tuple[list[str], list[dict]]:
    p = c.period
    rows = [
        {
            "cells": [level.label, str(level.resolved), level.share_display],
            "drill": _url(p.start, p.end, c.region, figure="resolved", resolved_level=level.level),
        }
        for level in c.sheet.disputes.resolved_by_level
    ]
    return [_("level"), _("resolved"), _("share")], rows


def _meetings_by_kind(c: Context) -> tuple[list[str], list[dict]]:
    figures = c.sheet.supervision or metrics.supervision_figures(
        c.user, start=c.period.start, end=c.period.end, region=c.region, now=c.now
    )
    rows = [{"cells": [kind.label, str(kind.count)], "drill": None} for kind in figures.meetings_by_kind]
    rows.append({"cells": [_("Total"), str(figures.meetings)], "drill": None})
    return [_("kind of meeting"), _("times held")], rows


def _overdue_by_region(c: Context) -> tuple[list[str], list[dict]]:
    rows = [
        {"cells": [row.label, str(row.overdue)], "drill": _url(None, None, row.key or c.region, overdue="on")}
        for row in metrics.overdue_by_region(c.user, region=c.region, now=c.now)
    ]
    return [_("region"), _("overdue now")], rows


def _table_headers(name: str) -> list[str]:
    first = {
        "disputes.by_category": _("category"),
        "disputes.by_channel": _("channel"),
        "disputes.by_level": _("level"),
    }
    if name == "disputes.by_level":
        return [first[name], _("resolved"), _("share")]
    if name == "disputes.overdue_by_region":
        return [_("region"), _("overdue now")]
    if name == "meetings.by_kind":
        return [_("kind of meeting"), _("times held")]
    return [first.get(name, _("region")), *_three()]


@dataclass(frozen=True)
class TableKind:
    caption: object  # lazy text
    build: Callable[[Context], tuple[list[str], list[dict]]]


TABLES: dict[str, TableKind] = {
    "disputes.by_category": TableKind(gettext_lazy("Disputes by category"), _by_category),
    "disputes.by_region": TableKind(gettext_lazy("Disputes by region"), _by_region),
    "disputes.by_level": TableKind(gettext_lazy("Disputes resolved by level"), _by_level),
    "disputes.by_channel": TableKind(gettext_lazy("Disputes by channel"), _by_channel),
    "disputes.overdue_by_region": TableKind(
        gettext_lazy("Overdue disputes by region, most first"), _overdue_by_region
    ),
    "meetings.by_kind": TableKind(gettext_lazy("Meetings by kind"), _meetings_by_kind),
}


# --- rendering ---------------------------------------------------------------------------------


@dataclass
class Draft:
    """A rendered report before and after issue: JSON-ready blocks and the figures the text used."""

    title: str
    blocks: list[dict]
    figures: dict[str, dict]
    computed_at: dt.datetime
    writes: list[dict] = field(default_factory=list)  # the paragraphs people write: key, prompt, text
    # The figures the text was filled from (not stored): the appendix reads them instead of counting again.
    sheet: catalogue.Sheet | None = None

    @property
    def unwritten(self) -> list[dict]:
        return [w for w in self.writes if not w["text"].strip()]


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def numbering(level: int, n: int) -> str:
    """一、 （一） 1. （1）: the numbers of the four heading levels of an official document."""
    if level == 1:
        return f"{_chinese_number(n)}、"
    if level == 2:
        return f"（{_chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def render(
    user,
    period: Period,
    body: str,
    *,
    region: str | None,
    region_name: str,
    now: dt.datetime | None = None,
    written: dict[str, str] | None = None,
    names_only: bool = False,
) -> Draft:
    """The report the template gives for `period` in the user's jurisdiction narrowed to `region`
    (the caller checks the region is theirs), in the county's language. `written` holds the
    paragraphs people wrote, by key (write-1, write-2, ...). `names_only`: nothing is counted, each
    figure shows as its name and tables as their headings (for those who keep templates but see no
    cases)."""
    now = now or timezone.now()
    lines = parse(body)
    written = written or {}
    with county_language():
        sheet = None if names_only else catalogue.values(user, period, region=region, now=now)
        context = Context(user, period, region, region_name, sheet, now)
        figures: dict[str, dict] = {}
        blocks: list[dict] = []
        writes: list[dict] = []
        title = ""
        counters = [0, 0, 0, 0]
        for line in lines:
            if line.kind == "title":
                title = "".join(part["text"] for part in _fill(line.parts, context, figures))
            elif line.kind == "heading":
                counters[line.level - 1] += 1
                counters[line.level :] = [0] * (4 - line.level)
                text = "".join(part["text"] for part in _fill(line.parts, context, figures))
                blocks.append(
                    {
                        "type": "heading",
                        "level": line.level,
                        "text": numbering(line.level, counters[line.level - 1]) + text,
                    }
                )
            elif line.kind == "paragraph":
                blocks.append({"type": "paragraph", "parts": _fill(line.parts, context, figures)})
            elif line.kind == "table":
                kind = TABLES[line.table]
                headers, rows = kind.build(context) if sheet is not None else (_table_headers(line.table), [])
                blocks.append(
                    {
                        "type": "table",
                        "name": line.table,
                        "caption": str(kind.caption),
                        "headers": headers,
                        "rows": rows,
                    }
                )
            else:
                key = f"write-{len(writes) + 1}"
                write = {"key": key, "prompt": line.prompt, "text": (written.get(key) or "").strip()}
                writes.append(write)
                blocks.append({"type": "write", **write})
        if not title:
            title = _("%(region)s work report for %(period)s") % {
                "region": region_name,
                "period": period.label,
            }
    return Draft(title, blocks, figures, now, writes, sheet)


def _fill(parts: tuple, c: Context, figures: dict[str, dict]) -> list[dict]:
    """The parts of a line as shown: text, and figures with the name and filters they came from."""
    out: list[dict] = []
    drop_unit = ""
    for part in parts:
        if isinstance(part, str):
            text = part[len(drop_unit) :] if drop_unit and part.startswith(drop_unit) else part
            drop_unit = ""
            if text:
                out.append({"text": text})
            continue
        drop_unit = ""
        if part.name in CONTEXT_NAMES:
            value = {"region": c.region_name, "period": c.period.label, "year": str(c.period.start.year)}[
                part.name
            ]
            out.append({"text": value})
            continue
        figure = catalogue.BY_NAME[part.name]
        if "label" in part.filters or "unit" in part.filters:
            out.append({"text": str(figure.label if "label" in part.filters else figure.unit)})
            continue
        if c.sheet is None:
            out.append({"text": f"〔{figure.label}〕"})
            continue
        value = c.sheet.value(part.name)
        chosen = next((f for f in part.filters if f in VALUE_FILTERS), "")
        display = getattr(value, VALUE_FILTERS[chosen]) if chosen else value.display
        raw = {"previous": value.previous, "last_year": value.last_year, "change": value.change}.get(
            chosen, value.change_on_last_year if chosen == "change_on_last_year" else value.value
        )
        if not value.counted:
            drop_unit = str(figure.unit)
        figures[part.key] = {
            "name": figure.name,
            "filter": chosen,
            "label": str(figure.label),
            "value": raw,
            "display": display,
            "counted": value.counted,
        }
        out.append({"text": display, "figure": figure.name, "filter": chosen})
    return out


# --- showing and laying out --------------------------------------------------------------------


def linked(blocks: list[dict], period: Period, region: str | None, *, user) -> list[dict]:
    """The blocks with the address of each figure's and each table row's cases, where a list of
    cases shows what was counted and `user` may open it; None otherwise (the figure is stated
    without a link, never as a link to a page that refuses its reader)."""
    out = []
    for block in blocks:
        if block["type"] == "paragraph":
            parts = [
                {
                    **part,
                    "url": _figure_url(user, part, period, region),
                    "definition": _definition(part),
                    "restricted": _restricted(user, part),
                }
                for part in block["parts"]
            ]
            out.append({**block, "parts": parts})
        elif block["type"] == "table":
            # Each cell beside its header: a phone shows a row as labelled cells.
            rows = [
                {
                    **row,
                    "url": _row_url(row.get("drill")),
                    "labelled": list(zip(block["headers"], row["cells"], strict=False)),
                }
                for row in block["rows"]
            ]
            out.append({**block, "rows": rows})
        else:
            out.append(block)
    return out


def _definition(part: dict) -> str:
    figure = catalogue.BY_NAME.get(part.get("figure", ""))
    return str(figure.definition) if figure else ""


def _restricted(user, part: dict) -> bool:
    """A figure whose cases a list shows, but a list this reader's role may not open (tips)."""
    figure = catalogue.BY_NAME.get(part.get("figure", ""))
    return bool(figure and drill.traceable(figure) and not drill.may_open(user, figure))


def _figure_url(user, part: dict, period: Period, region: str | None) -> str | None:
    figure = catalogue.BY_NAME.get(part.get("figure", ""))
    if figure is None or not drill.may_open(user, figure):
        return None
    chosen = part.get("filter", "")
    if chosen == "previous":
        return drill.cases_url(figure, period.previous(), region)
    if chosen == "last_year":
        return drill.cases_url(figure, period.last_year(), region)
    if chosen:  # a change is two counts: no one list shows it
        return None
    return drill.cases_url(figure, period, region)


def _row_url(target: dict | None) -> str | None:
    if not target:
        return None
    start = dt.date.fromisoformat(target["start"]) if target["start"] else None
    end = dt.date.fromisoformat(target["end"]) if target["end"] else None
    return drill.dispute_list_url(start, end, target["region"], **target["filters"])


def paragraph_text(block: dict) -> str:
    if block["type"] == "write":
        return block["text"] or _("[To be written: %(prompt)s]") % {"prompt": block["prompt"]}
    return "".join(part["text"] for part in block["parts"])
