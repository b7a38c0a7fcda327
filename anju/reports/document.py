"""A work report as a neutral document: the seam between what a report says and how it is laid out.

The generator (templates with placeholders, issued reports) builds a `Document`; the writers (DOCX
per GB/T 9704-2012, PDF, the HTML page) lay it out. Neither side knows the other: a writer never
counts, and the generator never chooses a font.

`build_document` is the one entry point that the command line, the browser's download and the
issued-report page call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from anju.audit.actions import county_language

from . import catalogue
from .periods import Period


@dataclass(frozen=True)
class Heading:
    """A heading as written, numbering included ("一、", "（一）", "1.", "（1）"): level 1 to 4."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """Body text: one paragraph, indented two characters on its first line."""

    text: str


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Document:
    title: str
    issuer: str  # the issuing body as it signs, e.g. 中共安居县委政法委员会
    date: dt.date  # the date of issue, written in full under the signature
    blocks: tuple[Block, ...]
    number: str = ""  # the document number, 〔2026〕12号; empty for a draft
    # The figures the text used, by name, as displayed: what an issued report stores.
    figures: dict[str, str] = field(default_factory=dict)


def chinese_date(day: dt.date) -> str:
    """A date as official documents write it: 2026年3月5日, months and days not padded."""
    return f"{day.year}年{day.month}月{day.day}日"


def document_number(year: int, serial: int) -> str:
    """A document number as GB/T 9704 writes it: 〔2026〕12号 (hexagonal brackets, no padding)."""
    return f"〔{year}〕{serial}号"


def build_document(
    user,
    period: Period,
    *,
    region_name: str,
    region: str | None = None,
    issuer: str = "",
    date: dt.date | None = None,
    number: str = "",
    now: dt.datetime | None = None,
    template=None,
    written: dict[str, str] | None = None,
) -> Document:
    """The work report for `period` in the user's jurisdiction narrowed to `region` (the caller
    checks the region is theirs), written from `template` (a ReportTemplate or one of its
    TemplateVersions; None: the shipped annual template), with an appendix of every figure of the
    catalogue and the definitions of those the text used. `written` holds the paragraphs people
    wrote, by key; one left empty reads as what is to be written there."""
    from . import generator
    from .models import ReportTemplate
    from .shipped import annual_template

    template = template or annual_template()
    version = template.current if isinstance(template, ReportTemplate) else template
    draft = generator.render(
        user, period, version.body, region=region, region_name=region_name, now=now, written=written
    )
    return from_blocks(
        draft.title,
        [
            *draft.blocks,
            *appendix(user, period, region, draft.figures, now=draft.computed_at, sheet=draft.sheet),
        ],
        draft.figures,
        issuer=issuer or region_name,
        date=date or period.last_day,
        number=number,
    )


def from_blocks(
    title: str,
    blocks: list[dict],
    figures: dict[str, dict],
    *,
    issuer: str,
    date: dt.date,
    number: str = "",
) -> Document:
    """A Document from the generator's blocks (a draft's, or an issued report's as stored)."""
    from . import generator

    with county_language():
        laid_out: list[Block] = []
        for block in blocks:
            if block["type"] == "heading":
                laid_out.append(Heading(block["level"], block["text"]))
            elif block["type"] == "table":
                rows = tuple(tuple(row["cells"]) for row in block["rows"])
                laid_out.append(Table(block["caption"], tuple(block["headers"]), rows))
            else:
                laid_out.append(Paragraph(generator.paragraph_text(block)))
    return Document(
        title=title,
        issuer=issuer,
        date=date,
        blocks=tuple(laid_out),
        number=number,
        figures={key: used["display"] for key, used in figures.items()},
    )


def appendix(
    user, period: Period, region: str | None, used: dict[str, dict], *, now=None, sheet=None
) -> list[dict]:
    """Every figure of the catalogue with its comparisons, and how each figure the text used is
    counted: the appendix a reader checks the numbers against, as blocks of the generator's form
    (an issued report stores it beside its text)."""
    with county_language():
        sheet = sheet or catalogue.values(user, period, region=region, now=now)
        rows = [
            {
                "cells": [str(v.figure.label), v.display, v.previous_display, v.last_year_display],
                "drill": None,
            }
            for v in sheet.values
        ]
        names = list(dict.fromkeys(entry["name"] for entry in used.values()))
        definitions = [
            {
                "cells": [str(catalogue.BY_NAME[name].label), str(catalogue.BY_NAME[name].definition)],
                "drill": None,
            }
            for name in names
        ]
        blocks = [
            {"type": "heading", "level": 1, "text": _("Appendix: main figures")},
            {
                "type": "table",
                "name": "appendix.figures",
                "caption": _("Figures for %(period)s") % {"period": period.label},
                "headers": [_("Figure"), _("This period"), _("Previous period"), _("Same period last year")],
                "rows": rows,
            },
        ]
        if definitions:
            blocks.append(
                {
                    "type": "table",
                    "name": "appendix.definitions",
                    "caption": _("How each figure is counted"),
                    "headers": [_("Figure"), _("Definition")],
                    "rows": definitions,
                }
            )
    return blocks
