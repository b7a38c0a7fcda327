"""The spreadsheet engine's reading side: every import (ledgers, regions, the working calendar) reads
its file here, the way county clerks keep their sheets.

A kind of sheet declares its columns (key, label, Chinese and English names, synonyms, required,
parser) as a `SheetKind`; the engine then
- reads .xlsx, and .csv in UTF-8, UTF-8 with a BOM or GBK/GB18030 (detected, not asked);
- finds the header row below title, unit and note rows (the row naming most known columns), or takes
  the one the person picks;
- matches headers by name and synonym, and takes a person's choice over the guess;
- skips blank, totals (合计, 总计, 共N件) and signature rows;
- parses each cell with its column's parser and reports every problem with the row number as Excel
  shows it, the column as the sheet names it and the reason.
How a checked row becomes a record, and the all-or-nothing save, stay with the kind's own app."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Sheets are read as a whole (a ledger's rows are all checked before anything is saved), but a
# header is looked for only near the top: titles and notes take a few rows, never dozens.
HEADER_SEARCH_ROWS = 30
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What marks a required column's header in a template; headers are compared without it.
REQUIRED_MARK = "*"


@dataclass
class RowError:
    """One problem of an import, as the report shows it: the row as Excel numbers it, the column as
    the sheet heads it, and the reason."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an all-or-none import did: its counts when it wrote, or every bad row when it wrote
    nothing. Every kind reports with it, so one page template and one command summary show it."""

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

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [[e.row, e.column, e.message] for e in self.errors],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        errors = []
        for e in data.get("errors", []):
            errors.append(RowError(**e) if isinstance(e, dict) else RowError(*e))
        return cls(
            created=data.get("created", 0),
            updated=data.get("updated", 0),
            unchanged=data.get("unchanged", 0),
            errors=errors,
        )


class TableError(ValueError):
    """The file as a whole cannot be read: wrong type, not a table, empty."""


# --- names --------------------------------------------------------------------------------------

_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_SPACES = re.compile(r"[\s*：:、/／_\-]+")


def norm(text: str) -> str:
    """A header or value as compared: no spaces, no bracketed notes such as （元）, lower case.
    村(社区) and 村 compare equal; so do "ledger ref" and ledger_ref."""
    return _SPACES.sub("", _BRACKETS.sub("", str(text))).lower()


def lookup_alias(aliases: dict, value: str) -> str | None:
    """The key whose names (Chinese or English, any case, brackets and spaces aside) include `value`."""
    wanted = norm(value)
    if not wanted:
        return None
    for key, names in aliases.items():
        if wanted in {norm(n) for n in names}:
            return key
    return None


# --- cells --------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's value is wrong; the message says why, as the report shows it."""


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> dt.date:
    """2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305, an ISO date and time, or an Excel date
    cell (read as its ISO date). Raises ValueError for anything else."""
    value = str(text).strip()
    match = _DATE.match(value) or _COMPACT_DATE.match(value)
    if not match:
        raise ValueError(value)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


def date_cell(text: str) -> dt.date:
    """A column parser for dates: the message names the shapes a clerk may use."""
    try:
        return parse_date(text)
    except ValueError:
        raise CellError(
            _("%(value)s is not a date (YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日).") % {"value": text}
        ) from None


# Control characters other than tab and line breaks have no place in a sheet's text and break XLSX
# writers; a cell holding one is refused by row.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --- reading a file -----------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM) or GBK/GB18030, whichever the bytes are: Excel on Chinese
    Windows saves "CSV" as GBK, "CSV UTF-8" with a BOM."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The CSV file is neither UTF-8 nor GBK text."))


def read_rows(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    """Every row of the file's first sheet as (row number as Excel shows it, cells as text)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _read_csv(data)
    else:
        raise TableError(
            _("Only .csv and .xlsx files can be imported; %(name)s is neither.") % {"name": filename}
        )
    read = []
    for row in rows:
        if len(read) >= MAX_ROWS:
            raise TableError(
                _("The sheet has more than %(limit)s rows; split it into several files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        read.append(row)
    return read


# The most rows one file may bring: a whole county's ledger fits, a runaway sheet does not fill the
# server's memory before it is refused.
MAX_ROWS = 1_000_000
# How far a workbook may unpack, for each byte it is allowed to weigh: a real ledger unpacks to
# five to fifteen times its size; a zip bomb to thousands.
XLSX_UNPACK_RATIO = 40


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than XLSX_UNPACK_RATIO times the largest file
    an import takes, before anything is unpacked. The sizes are the ones its parts declare, and
    reading never unpacks a part past its declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except zipfile.BadZipFile:
        return  # not a workbook: openpyxl says so in the reader's words
    limit = settings.ANJU_IMPORT_MAX_BYTES * XLSX_UNPACK_RATIO
    if unpacked > limit:
        raise TableError(
            _("The workbook unpacks to %(size)d MB, more than the %(limit)d MB a sheet may take.")
            % {"size": unpacked // 2**20, "limit": limit // 2**20}
        )


def _read_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        yield number, [c.strip() for c in cells]


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise TableError(
            _("The file is not a readable .xlsx workbook (%(error)s).") % {"error": error}
        ) from None
    sheet = workbook.worksheets[0]
    # A merged title keeps its text in its first cell and leaves the others empty, as wanted here.
    for row in sheet.iter_rows():
        cells = [c for c in row if getattr(c, "row", None) is not None]
        if not cells:
            continue
        number = cells[0].row
        yield number, [_cell_text(getattr(c, "value", None)) for c in row]
    workbook.close()


# Rows that close a sheet rather than record something: totals and the signature lines under them.
_TOTALS = re.compile(r"^(合计|总计|小计|累计|共计.*|共\d+[件起宗个条]|total|sum|subtotal)$")
_FOOTER = re.compile(r"^(填报人|填表人|制表人|审核人|负责人|单位负责人|联系人|填报日期|注|备注|说明)[:：]")


def is_totals_row(cells: list[str]) -> bool:
    """合计, 总计, 小计, 共12件 (alone, or in the first few filled cells), or a signature or note line
    (填报人：…, 注：…) as the only text of its row."""
    filled = [c for c in cells if c.strip()]
    if not filled:
        return False
    if any(_TOTALS.match(norm(c)) for c in filled[:3]):
        return True
    return len(filled) <= 2 and bool(_FOOTER.match(filled[0].strip()))


@dataclass
class Table:
    """A sheet read for one kind: its header row, its headers, and its data rows (blank, totals
    and signature rows left out), each with its row number as Excel shows it."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    header_row: int = 1
    skipped: list[int] = field(default_factory=list)  # totals and signature rows, by number
    above: list[tuple[int, list[str]]] = field(default_factory=list)  # title rows, for the page


def read_table(
    data: bytes, filename: str, kind: SheetKind | None = None, header_row: int | None = None
) -> Table:
    """The file as a table: the header row is `header_row` when given, else the row naming most of
    the kind's columns, else the first row that is not empty."""
    return table_from_rows(read_rows(data, filename), kind, header_row)


def table_from_rows(
    rows: list[tuple[int, list[str]]], kind: SheetKind | None = None, header_row: int | None = None
) -> Table:
    filled = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not filled:
        raise TableError(_("The file is empty."))
    if header_row is not None:
        index = next((i for i, (n, _c) in enumerate(filled) if n == header_row), None)
        if index is None:
            raise TableError(_("Row %(row)d of the file is empty or missing.") % {"row": header_row})
    elif kind is not None:
        index = kind.find_header(filled)
    else:
        index = 0
    number, headers = filled[index]
    headers = [h.strip() for h in headers]
    body, skipped = [], []
    for n, cells in filled[index + 1 :]:
        if is_totals_row(cells):
            skipped.append(n)
        else:
            body.append((n, cells))
    return Table(headers=headers, rows=body, header_row=number, skipped=skipped, above=filled[:index])


# --- kinds and their columns --------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column a kind of sheet knows: `names` are its Chinese and English headers and their
    synonyms (the first is the header an export writes), `parse` turns the cell's text into a value
    or raises CellError; an empty cell is never parsed (the row decides what empty means)."""

    key: str
    label: Any  # a lazy translation, shown in the mapping step
    names: tuple[str, ...]
    required: bool = False
    parse: Callable[[str], Any] | None = None
    # The template's example cell (a callable for a value of the day, such as a date).
    example: str | Callable[[], str] = ""
    # For a column of choices: every value it accepts, as (value, note), for the template's list.
    values: Callable[[], list[tuple[str, str]]] | None = None

    @property
    def header(self) -> str:
        return self.names[0]

    def example_text(self) -> str:
        return self.example() if callable(self.example) else self.example


class SheetKind:
    """A kind of sheet: its columns, and groups of which at least one column must be present
    (say, a region code or a village name). Subclasses or instances add how rows become records."""

    def __init__(self, columns: list[Column], one_of: tuple[tuple[str, ...], ...] = ()):
        self.columns = columns
        self.by_key = {c.key: c for c in columns}
        self.one_of = one_of
        self._exact = {}
        for column in columns:
            for name in (column.key, *column.names):
                self._exact.setdefault(norm(name), column.key)
        # Chinese names may also stand inside a longer header (纠纷当事人姓名 is the parties);
        # longest first, so 当事人电话 is the phone rather than the parties.
        self._inner = sorted(
            {(norm(n), c.key) for c in columns for n in c.names if not n.isascii() and len(norm(n)) >= 2},
            key=lambda item: len(item[0]),
            reverse=True,
        )

    def heading(self, key: str, columns: dict[str, str] | None = None) -> str:
        """A column as a message names it: as the file heads it when it has the column, else as
        the template does; never the key the code knows it by."""
        if columns and columns.get(key):
            return columns[key]
        column = self.by_key.get(key)
        return column.header if column is not None else key

    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def one_of_headers(self) -> list[list[str]]:
        """The groups of which a sheet must have at least one column, as the template heads them."""
        return [[self.by_key[key].header for key in group] for group in self.one_of]

    def template_response(self, filename: str, examples: dict[str, str] | None = None):
        """The template as a download, written in the county's language like the sheets it keeps."""
        from django.http import HttpResponse
        from django.utils import translation

        with translation.override(settings.LANGUAGE_CODE):
            data = self.template(examples)
        response = HttpResponse(data, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def template(self, examples: dict[str, str] | None = None, *, title: str = "") -> bytes:
        """A workbook to fill in: the first sheet has the headers in Chinese (a required column's
        ends in *, which reading ignores) and an example row; the second lists every value each
        choice column accepts. Filled in as shown, it imports."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = title[:31] or _("Sheet to fill in")[:31]
        sheet.append([f"{c.header}{REQUIRED_MARK if c.required else ''}" for c in self.columns])
        sheet.append([(examples or {}).get(c.key, c.example_text()) for c in self.columns])
        for cell, column in zip(sheet[1], self.columns, strict=True):
            cell.font = Font(bold=True, color="C00000" if column.required else None)
            sheet.column_dimensions[cell.column_letter].width = max(10, 2 * len(column.header) + 4)
        listed = workbook.create_sheet(_("Accepted values")[:31])
        listed.append([_("Column"), _("Value"), _("Note")])
        for cell in listed[1]:
            cell.font = Font(bold=True)
        for column in self.columns:
            for value, note in column.values() if column.values is not None else ():
                listed.append([column.header, value, note])
        for letter, width in (("A", 16), ("B", 24), ("C", 40)):
            listed.column_dimensions[letter].width = width
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def known(self, header: str) -> str | None:
        """The column a header names by itself, or None."""
        return self._exact.get(norm(header))

    def find_header(self, rows: list[tuple[int, list[str]]]) -> int:
        """The index of the row naming most known columns among the first rows; a title such as
        "XX镇矛盾纠纷排查化解台账" names none exactly, a header row several."""
        best, best_score = 0, 0
        for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
            score = len({self.known(c) for c in cells if c.strip()} - {None})
            if score > best_score:
                best, best_score = index, score
        return best

    def guess_mapping(self, headers: list[str]) -> dict[str, int]:
        """column key -> index, from the headers' names: exact names first, then a header that
        contains a Chinese name."""
        normalised = [norm(h) for h in headers]
        mapping: dict[str, int] = {}
        for index, header in enumerate(normalised):
            key = self._exact.get(header) if header else None
            if key and key not in mapping:
                mapping[key] = index
        # A Chinese header's head noun comes last (村社区编码 is a code, 当事人电话 a phone): of the
        # names inside a header, the one ending latest wins, then the longest.
        used = set(mapping.values())
        for index, header in enumerate(normalised):
            if index in used or not header:
                continue
            found = [
                (header.rfind(name) + len(name), len(name), key)
                for name, key in self._inner
                if key not in mapping and name in header
            ]
            if found:
                mapping[max(found)[2]] = index
                used.add(index)
        return mapping

    def resolve_mapping(self, headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, int]:
        """The guessed mapping with some columns chosen by header name (key -> header; an empty
        header leaves the column out). Raises ValidationError naming unknown keys and headers."""
        mapping = self.guess_mapping(headers)
        problems = []
        for key, header in (overrides or {}).items():
            if key not in self.by_key:
                problems.append(
                    _("%(field)s is not a column of this sheet; the columns are: %(fields)s.")
                    % {"field": key, "fields": ", ".join(self.by_key)}
                )
                continue
            if not header.strip():
                mapping.pop(key, None)
                continue
            index = find_header(headers, header)
            if index is None:
                problems.append(_("The file has no column %(header)s.") % {"header": header})
                continue
            for other, taken in list(mapping.items()):
                if taken == index:
                    del mapping[other]
            mapping[key] = index
        if problems:
            raise ValidationError(problems)
        return mapping

    def missing(self, mapping: dict[str, int]) -> list[Column]:
        """The required columns a mapping leaves out; for a one-of group, its first column."""
        missing = [c for c in self.columns if c.required and c.key not in mapping]
        for group in self.one_of:
            if not any(key in mapping for key in group):
                missing.append(self.by_key[group[0]])
        return missing

    def unused(self, headers: list[str], mapping: dict[str, int]) -> list[str]:
        """The file's headed columns that will not be imported, as the sheet names them."""
        taken = set(mapping.values())
        return [
            h or _("column %(number)d") % {"number": i + 1}
            for i, h in enumerate(headers)
            if i not in taken and h
        ]

    def read(self, table: Table, mapping: dict[str, int]) -> Iterator[Row]:
        """The table's rows with each mapped cell parsed; problems are gathered on the row."""
        # A problem with a column the file lacks (a date a result needs, say) names it as the
        # template does.
        columns = {c.key: c.header for c in self.columns}
        columns |= {
            key: table.headers[i]
            if i < len(table.headers) and table.headers[i]
            else str(self.by_key[key].label)
            for key, i in mapping.items()
        }
        parsers = [(key, index, self.by_key[key].parse) for key, index in mapping.items()]
        for number, cells in table.rows:
            row = Row(number, columns)
            for key, index, parse in parsers:
                text = cells[index].strip() if index < len(cells) else ""
                row.text[key] = text
                if _CONTROL.search(text):
                    row.bad(key, _("This cell holds a control character; retype it."))
                    continue
                if text and parse is not None:
                    try:
                        row.values[key] = parse(text)
                    except CellError as error:
                        row.bad(key, str(error))
                elif text:
                    row.values[key] = text
            yield row


@dataclass
class Row:
    """One data row while it is checked: each mapped cell's text and parsed value, and its problems."""

    number: int
    columns: dict[str, str]  # key -> the header as the sheet names it
    text: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def bad(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.number, self.columns.get(key, key), message))

    @property
    def ok(self) -> bool:
        return not self.errors


def find_header(headers: list[str], wanted: str) -> int | None:
    for index, header in enumerate(headers):
        if header.strip() == wanted.strip():
            return index
    for index, header in enumerate(headers):
        if norm(header) == norm(wanted):
            return index
    return None


def parse_overrides(items: list[str]) -> dict[str, str]:
    """--map FIELD=HEADER options as a dict; raises ValueError for an item without "="."""
    overrides = {}
    for item in items:
        key, sep, header = item.partition("=")
        if not sep:
            raise ValueError(item)
        overrides[key.strip()] = header.strip()
    return overrides


# --- the write side lives in anju.core.export; these stay for the callers that import them here ---


def write_csv(headers, rows) -> bytes:
    from .export import csv_bytes

    return csv_bytes(headers, rows)


def write_xlsx(headers, rows, title: str) -> bytes:
    from .export import xlsx_bytes

    return xlsx_bytes(headers, rows, title=title)
