"""The spreadsheet engine's writing side: every export the platform has goes through here, so every
cell is safe and every file is streamed.

- Safe cells (one place): every value is written as text, control characters other than tab and
  line breaks are dropped (one stored record can never break an export), XLSX cells are inline
  strings (never formulas), and CSV cells starting with =, +, -, @, tab or carriage return get a
  leading apostrophe, as OWASP recommends against formula injection.
- Streamed: rows are written as they are read; CSV in chunks, XLSX by a small writer of our own
  (inline strings into a deflated zip entry), whose memory stays flat however many rows come.
- Labels of choices are looked up once per value (`labels`), not once per row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import escape as _xml_escape

# Rows joined into one write: large enough that the zip and the response see few calls, small
# enough that a chunk is a few hundred kilobytes.
CHUNK_ROWS = 1000
# Columns are sized from the header and the first rows: wide enough to read, never so wide that a
# long description pushes the rest off the screen.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 50
# Deflate's fastest level: a sheet of inline strings shrinks almost as well, several times faster.
COMPRESS_LEVEL = 1

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value) -> str:
    """A value as the text an exported cell holds."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ", timespec="minutes")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    return _UNSAFE.sub("", text) if _UNSAFE.search(text) else text


def csv_cell(value) -> str:
    """A CSV cell that a spreadsheet never reads as a formula."""
    text = cell_text(value)
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def labels(choices) -> dict[str, str]:
    """value -> label of a TextChoices class, in the active language, computed once per export."""
    return {value: str(label) for value, label in choices.choices}


def display_width(value) -> int:
    """Excel's width units for a value: a Chinese character takes two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- CSV ------------------------------------------------------------------------------------------


def csv_chunks(headers: list[str], rows: Iterable[Iterable]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel opens it as UTF-8), streamed a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(h) for h in headers])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    rows = iter(rows)
    while True:
        chunk = list(itertools.islice(rows, CHUNK_ROWS))
        if not chunk:
            return
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([csv_cell(v) for v in row] for row in chunk)
        yield buffer.getvalue().encode("utf-8")


def csv_bytes(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    return b"".join(csv_chunks(headers, rows))


# --- XLSX -----------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Sink:
    """An unseekable file the zip writes into; what it holds is handed on and forgotten."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _content_types(sheets: int) -> str:
    return (
        _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, sheets + 1)
        )
        + '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )


_ROOT_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def _workbook_rels(sheets: int) -> str:
    # The styles take the id after the sheets'.
    return (
        _XML
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{n}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, sheets + 1)
        )
        + f'<Relationship Id="rId{sheets + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    )


# Two cell formats: 0 plain text ("@"), 1 the header (bold, text).
_STYLES = (
    _XML + f"<styleSheet {_NS}>"
    '<fonts count="2"><font><sz val="11"/><name val="等线"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)


def _workbook(titles: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_xml_escape(title, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    return _XML + f"<workbook {_NS} {_NS_R}><sheets>{sheets}</sheets></workbook>"


_SHEET_NAME_BANNED = re.compile(r"[\[\]:*?/\\]")


_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_OPEN = '<c t="inlineStr"><is><t xml:space="preserve">'
_CLOSE = "</t></is></c>"
_BETWEEN = _CLOSE + _OPEN
_EMPTY = _OPEN + _CLOSE


def _esc(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _cell(ref: str, text: str, style: str = "") -> str:
    space = ' xml:space="preserve"' if text[0] in " \t\n" or text[-1] in " \t\n" else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_esc(text)}</t></is></c>'


def xlsx_chunks(headers: list[str], rows: Iterable[Iterable], title: str = "Sheet1") -> Iterator[bytes]:
    """A sheet people can work in at once (header row frozen and filterable, columns sized), every
    cell an inline string, streamed as the rows come."""
    return xlsx_book_chunks([(title, headers, rows)])


def sheet_titles(titles: Iterable[str]) -> list[str]:
    """Sheet names Excel accepts: no banned characters, at most 31 characters, none empty, no two
    alike (ignoring case, as Excel does)."""
    result: list[str] = []
    for index, title in enumerate(titles, start=1):
        base = _SHEET_NAME_BANNED.sub("", str(title))[:31] or f"Sheet{index}"
        name, n = base, 1
        while name.casefold() in {r.casefold() for r in result}:
            n += 1
            name = f"{base[: 31 - len(str(n)) - 1]}-{n}"
        result.append(name)
    return result


def xlsx_book_chunks(sheets: list[tuple[str, list[str], Iterable[Iterable]]]) -> Iterator[bytes]:
    """A workbook of several sheets, each (title, headers, rows) and written as `xlsx_chunks` writes
    one, streamed sheet after sheet."""
    titles = sheet_titles(title for title, _headers, _rows in sheets)
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
    archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
    archive.writestr("_rels/.rels", _ROOT_RELS)
    archive.writestr("xl/workbook.xml", _workbook(titles))
    archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
    archive.writestr("xl/styles.xml", _STYLES)
    yield sink.take()
    for number, (_title, headers, rows) in enumerate(sheets, start=1):
        yield from _sheet_chunks(archive, sink, f"xl/worksheets/sheet{number}.xml", headers, rows)
    archive.close()
    yield sink.take()


def _sheet_chunks(
    archive, sink: _Sink, name: str, headers: list[str], rows: Iterable[Iterable]
) -> Iterator[bytes]:
    letters = [column_letter(i) for i in range(len(headers))]
    rows = iter(rows)
    sample = [[cell_text(v) for v in row] for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS)]
    widths = []
    for index, header in enumerate(headers):
        widest = max([display_width(header), *(display_width(r[index]) for r in sample if len(r) > index)])
        widths.append(min(max(widest + 2, MIN_WIDTH), MAX_WIDTH))
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths)
    )
    # The zip entry's size is unknown until the end, so it is written with ZIP64 sizes.
    with archive.open(name, "w", force_zip64=True) as sheet:
        head = "".join(
            _cell(f"{letters[i]}1", cell_text(h), ' s="1"') for i, h in enumerate(headers) if cell_text(h)
        )
        sheet.write(
            (
                _XML + f"<worksheet {_NS} {_NS_R}>"
                '<sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
                f'<row r="1">{head}</row>'
            ).encode()
        )
        number = 1
        parts: list[str] = []
        # A row is built with one join: cells carry no reference (their place is their order, as
        # the format allows), an empty cell is <c/>, and the rare row needing escapes or holding a
        # control character is cleaned cell by cell first. Twice as fast as a cell at a time.
        for row in itertools.chain(sample, rows):
            number += 1
            texts = [v if v.__class__ is str else cell_text(v) for v in row]
            if _NEEDS_CARE.search("".join(texts)):
                texts = [_esc(_UNSAFE.sub("", t)) for t in texts]
            parts.append(
                f'<row r="{number}">{_OPEN}{_BETWEEN.join(texts)}{_CLOSE}</row>'.replace(_EMPTY, "<c/>")
            )
            if len(parts) >= CHUNK_ROWS:
                sheet.write("".join(parts).encode())
                parts = []
                yield sink.take()
        last = letters[-1] if letters else "A"
        sheet.write(
            ("".join(parts) + f'</sheetData><autoFilter ref="A1:{last}{number}"/></worksheet>').encode()
        )


def xlsx_bytes(headers: list[str], rows: Iterable[Iterable], title: str = "Sheet1") -> bytes:
    return b"".join(xlsx_chunks(headers, rows, title))


def xlsx_book_bytes(sheets: list[tuple[str, list[str], Iterable[Iterable]]]) -> bytes:
    return b"".join(xlsx_book_chunks(sheets))


def chunks(fmt: str, headers: list[str], rows: Iterable[Iterable], title: str) -> Iterator[bytes]:
    if fmt == "xlsx":
        return xlsx_chunks(headers, rows, title)
    if fmt == "csv":
        return csv_chunks(headers, rows)
    raise ValueError(fmt)


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def streaming_response(fmt: str, headers: list[str], rows: Iterable[Iterable], *, title: str, filename: str):
    """A download written while the rows are read: the first bytes leave before the last row is
    fetched, and the process holds a chunk at a time."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(chunks(fmt, headers, rows, title), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_file(path, fmt: str, headers: list[str], rows: Iterable[Iterable], *, title: str) -> None:
    """An export written to a file, chunk by chunk (commands)."""
    with open(path, "wb") as out:
        for chunk in chunks(fmt, headers, rows, title):
            out.write(chunk)
