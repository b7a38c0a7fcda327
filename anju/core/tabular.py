"""Reading and writing the CSV and XLSX tables that counties exchange (region lists, ledgers).

CSV arrives from Excel on Chinese Windows as UTF-8 with a BOM or as GBK/GB18030; both are read.
Written CSV carries a BOM so Excel opens it as UTF-8."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class RowError:
    """One bad row of an import, as the import report shows it."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an all-or-none import did: its counts when it wrote, or every bad row when it wrote
    nothing. Regions, the working calendar and ledgers all report with it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        # A row can break more than one rule; the user counts it once.
        return len({e.row for e in self.errors})


def lookup_alias(aliases: dict, value: str) -> str | None:
    """The key whose names (Chinese or English, any case) include `value`."""
    lowered = value.strip().lower()
    for key, names in aliases.items():
        if lowered in {n.lower() for n in names}:
            return key
    return None


class TableError(ValueError):
    """The file as a whole cannot be read: wrong type, not a table, empty."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, cells as text)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The CSV file is neither UTF-8 nor GBK text."))


def read_table(data: bytes, filename: str) -> Table:
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _read_csv(data)
    else:
        raise TableError(
            _("Only .csv and .xlsx files can be imported; %(name)s is neither.") % {"name": filename}
        )
    try:
        _header_row, headers = next(rows)
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    headers = [h.strip() for h in headers]
    body = [(number, cells) for number, cells in rows if any(c.strip() for c in cells)]
    return Table(headers=headers, rows=body)


def _read_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        yield number, [c.strip() for c in cells]


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise TableError(
            _("The file is not a readable .xlsx workbook (%(error)s).") % {"error": error}
        ) from None
    sheet = workbook.worksheets[0]
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, [_cell_text(v) for v in values]
    workbook.close()


def write_csv(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Columns are sized from the header and the first rows: wide enough to read, never so wide that a
# long description pushes the rest off the screen.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 50


def display_width(value) -> int:
    """Excel's width units for a value: a Chinese character takes two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_xlsx(headers: list[str], rows: Iterable[Iterable], title: str) -> bytes:
    """A sheet people can work in at once: the header row frozen and filterable, columns sized."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    # A write-only sheet takes its layout before its first row.
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        widest = max(
            [display_width(header), *(display_width(r[index - 1]) for r in sample if len(r) >= index)]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.append(headers)
    count = 0
    for row in itertools.chain(sample, rows):
        # Codes stay text, so Excel does not turn 620123001 into 6.2E+08.
        sheet.append(["" if v is None else v for v in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
