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
) -> Document:
    """The work report for `period` in the user's jurisdiction narrowed to `region` (the caller
    checks the region is theirs): a title, then every figure of the catalogue with its definition."""
    sheet = catalogue.values(user, period, region=region, now=now)
    rows = tuple(
        (str(value.figure.label), value.display, value.previous_display, value.last_year_display)
        for value in sheet.values
    )
    blocks: tuple[Block, ...] = (
        Heading(1, _("I. Main figures")),
        Table(
            _("Figures for %(period)s") % {"period": period.label},
            (_("Figure"), _("This period"), _("Previous period"), _("Same period last year")),
            rows,
        ),
    )
    return Document(
        title=_("%(region)s work report for %(period)s") % {"region": region_name, "period": period.label},
        issuer=issuer or region_name,
        date=date or period.last_day,
        blocks=blocks,
        number=number,
        figures={value.figure.name: value.display for value in sheet.values},
    )
