"""The work report laid out as an official document (GB/T 9704-2012): Word, PDF through LibreOffice,
and the statistical tables as a workbook. The writers lay out what anju.reports.document built;
they never count and never choose words.

Word keeps the Windows font names (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体, 宋体) in the East
Asian slot, so the file looks right on officials' machines in Word and WPS. Only the PDF, made on this
server, maps those names to free fonts (Fandol, Noto CJK) through a fontconfig file of its own."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

from anju.core import export
from anju.core.inputs import strip_control

from .document import Document, Heading, Paragraph, Table, chinese_date

# --- the page (GB/T 9704-2012, 5.2 and 5.2.2) ----------------------------------------------------
PAGE_MM = (210, 297)  # A4
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26  # a type area of 156 x 225 mm
LINES, CHARS = 22, 28
# Points (2号 22, 3号 16, 4号 14).
TITLE_PT, BODY_PT, NUMBER_PT = 22, 16, 14
TABLE_PT, TABLE_LINE_PT = 14, 20
ISSUER_MARK_PT = 36
# 22 lines fill the 225 mm type area: 28.95 pt (579 twips) rounded down, so the 22nd line still fits.
LINE_TWIPS = 579
LINE_PT = LINE_TWIPS / 20
MM_PT = 72 / 25.4
TYPE_WIDTH_PT = (PAGE_MM[0] - LEFT_MM - RIGHT_MM) * MM_PT
# Word's character grid: each character's pitch beyond the body size, in 1/4096 pt, so that 28
# characters of 3号 fill the 156 mm line (a pitch of 15.79 pt).
CHAR_SPACE = round((TYPE_WIDTH_PT / CHARS - BODY_PT) * 4096)
# LibreOffice lays a character wider than the grid's pitch over two cells where Word narrows the pitch,
# so the file it converts has a grid of lines only and draws characters this much closer (in twips:
# 0.25 pt, so that 28 characters of 3号 fit the line as in Word).
LIBREOFFICE_CHAR_SPACING = -5
# The page number's dashes stand 7 mm below the type area: the middle of its line is there. The
# line is taller than the characters, so that Word's exact spacing clips nothing.
PAGE_NUMBER_GAP_MM = 7
NUMBER_LINE_PT = 20

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: BODY_FONT, 4: BODY_FONT}
NUMBER_FONT = "宋体"
CAPTION_FONT = "黑体"
RED = "FF0000"

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"docx": DOCX_TYPE, "pdf": "application/pdf", "xlsx": export.CONTENT_TYPES["xlsx"]}
FORMATS = tuple(CONTENT_TYPES)


def width_in_chars(text: str) -> float:
    """How many characters of the grid a text takes: a Chinese character one, a digit or a Latin
    letter half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def signature_indents(issuer: str, date_text: str) -> tuple[float, float]:
    """The right indents, in characters, of the issuer's name and the date under it (GB/T 9704
    7.3.5.2): the name two characters in from the right, the date starting two characters right of
    the name's first character; a date longer than that stands two in, and the name moves left."""
    name, date = width_in_chars(issuer), width_in_chars(date_text)
    date_right = max(2.0, name - date)
    return date_right + date + 2 - name, date_right


class _Writer:
    def __init__(self, document: Document, *, for_libreoffice: bool = False):
        from docx import Document as WordDocument

        self.source = document
        self.for_libreoffice = for_libreoffice
        self.word = WordDocument()
        self._page()
        self._defaults()
        self._page_numbers()
        properties = self.word.core_properties
        properties.title = document.title
        properties.author = document.issuer
        properties.subject = document.number
        properties.comments = ""
        properties.language = "zh-CN"

    # -- set-up ---------------------------------------------------------------------------------

    def _page(self) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        section = self.word.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
        section.header_distance = Mm(15)
        # The footer's bottom edge, so that the middle of its one line is PAGE_NUMBER_GAP_MM below the
        # type area.
        section.footer_distance = Mm(BOTTOM_MM - PAGE_NUMBER_GAP_MM) - Pt(NUMBER_LINE_PT / 2)
        # 22 lines of 28 characters: Word's "lines and characters" grid.
        sect = section._sectPr
        for old in sect.findall(qn("w:docGrid")):
            sect.remove(old)
        grid = OxmlElement("w:docGrid")
        grid.set(qn("w:type"), "lines" if self.for_libreoffice else "linesAndChars")
        grid.set(qn("w:linePitch"), str(LINE_TWIPS))
        if not self.for_libreoffice:
            grid.set(qn("w:charSpace"), str(CHAR_SPACE))
        sect.append(grid)
        # Odd pages carry their number on the right, even pages on the left.
        self.word.settings.odd_and_even_pages_header_footer = True

    def _defaults(self) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        styles = self.word.styles.element
        # The template's defaults name theme fonts, which Word prefers to any name set beside them.
        defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        self._fonts(defaults, BODY_FONT)
        size = defaults.get_or_add_sz()
        size.set(qn("w:val"), str(BODY_PT * 2))
        lang = defaults.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            defaults.append(lang)
        lang.set(qn("w:eastAsia"), "zh-CN")
        if self.for_libreoffice:
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(LIBREOFFICE_CHAR_SPACING))
            defaults.insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:lang")
        normal = self.word.styles["Normal"]
        self._fonts(normal.element.get_or_add_rPr(), BODY_FONT)
        normal.font.size = Pt(BODY_PT)
        fmt = normal.paragraph_format
        fmt.line_spacing = Pt(LINE_PT)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.space_before = fmt.space_after = Pt(0)
        # A page holds its 22 lines: no line is pushed over to keep a paragraph's last line company.
        fmt.widow_control = False

    @staticmethod
    def _fonts(rpr, name: str) -> None:
        """Every script slot names `name`; Chinese text reads the East Asian one."""
        from docx.oxml.ns import qn

        fonts = rpr.get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), name)

    def _run(self, paragraph, text: str, font: str, size: float, *, color: str = "", bold: bool = False):
        from docx.shared import Pt, RGBColor

        run = paragraph.add_run(strip_control(text))
        self._fonts(run._r.get_or_add_rPr(), font)
        run.font.size = Pt(size)
        if bold:
            run.font.bold = True
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        return run

    @staticmethod
    def _indent(paragraph, *, first: float = 0, left: float = 0, right: float = 0, size: float = BODY_PT):
        """Indents in characters, written both ways: Word and WPS read the characters (so the
        indent follows the grid), LibreOffice the points."""
        from docx.oxml.ns import qn
        from docx.shared import Pt

        fmt = paragraph.paragraph_format
        if first:
            fmt.first_line_indent = Pt(size * first)
        if left:
            fmt.left_indent = Pt(size * left)
        if right:
            fmt.right_indent = Pt(size * right)
        ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
        for attribute, chars in (("w:firstLineChars", first), ("w:leftChars", left), ("w:rightChars", right)):
            if chars:
                ind.set(qn(attribute), str(round(chars * 100)))

    @staticmethod
    def _off_grid(paragraph) -> None:
        """Tables and the footer set their own spacing: they do not snap to the body's grid."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        ppr = paragraph._p.get_or_add_pPr()
        ppr.insert_element_before(snap, "w:spacing", "w:ind", "w:jc", "w:rPr")

    def _page_numbers(self) -> None:
        """— 1 — in 4号 宋体, one character in from the right on odd pages, from the left on even."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        section = self.word.sections[0]
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self.word.styles["Normal"]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
            fmt = paragraph.paragraph_format
            fmt.line_spacing = Pt(NUMBER_LINE_PT)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            self._off_grid(paragraph)
            if odd:
                self._indent(paragraph, right=1, size=NUMBER_PT)
            else:
                self._indent(paragraph, left=1, size=NUMBER_PT)
            self._run(paragraph, "— ", NUMBER_FONT, NUMBER_PT)
            field = self._run(paragraph, "", NUMBER_FONT, NUMBER_PT)
            for kind, text in (
                ("begin", None),
                (None, " PAGE "),
                ("separate", None),
                (None, "1"),
                ("end", None),
            ):
                if kind:
                    element = OxmlElement("w:fldChar")
                    element.set(qn("w:fldCharType"), kind)
                elif text == "1":
                    element = OxmlElement("w:t")
                    element.text = text
                else:
                    element = OxmlElement("w:instrText")
                    element.set(qn("xml:space"), "preserve")
                    element.text = text
                field._r.append(element)
            self._run(paragraph, " —", NUMBER_FONT, NUMBER_PT)

    # -- the parts of the document ----------------------------------------------------------------

    def masthead(self) -> None:
        """For a numbered document: the issuer's name in red, the number under it and the red line
        4 mm below the number (GB/T 9704 7.2); the title follows two lines down."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        doc = self.source
        mark = self.word.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        size = min(ISSUER_MARK_PT, int(TYPE_WIDTH_PT / max(width_in_chars(doc.issuer), 1)))
        mark.paragraph_format.line_spacing = Pt(size * 1.3)
        self._off_grid(mark)
        self._run(mark, doc.issuer, TITLE_FONT, size, color=RED)
        mark.paragraph_format.space_after = Pt(LINE_PT * 2)

        number = self.word.add_paragraph()
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(number, doc.number, BODY_FONT, BODY_PT)
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for name, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "11"), ("w:color", RED)):
            bottom.set(qn(name), value)
        border.append(bottom)
        number._p.get_or_add_pPr().insert_element_before(
            border, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr"
        )
        number.paragraph_format.space_after = Pt(LINE_PT * 2)

    def title(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph = self.word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(paragraph, self.source.title, TITLE_FONT, TITLE_PT)
        # One blank line between the title and the text.
        paragraph.paragraph_format.space_after = Pt(LINE_PT)

    def heading(self, block: Heading) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        if block.level not in HEADING_FONTS:
            raise ValueError(f"heading level {block.level}: official documents have levels 1 to 4")
        paragraph = self.word.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        self._indent(paragraph, first=2)
        # The outline level puts the heading in Word's navigation pane without Word's heading styles.
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(block.level - 1))
        paragraph._p.get_or_add_pPr().append(outline)
        self._run(paragraph, block.text, HEADING_FONTS[block.level], BODY_PT)

    def paragraph(self, block: Paragraph) -> None:
        for line in strip_control(block.text.replace("\r\n", "\n")).split("\n"):
            if line.strip():
                paragraph = self.word.add_paragraph()
                self._indent(paragraph, first=2)
                self._run(paragraph, line.strip(), BODY_FONT, BODY_PT)

    def table(self, block: Table) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.shared import Pt

        caption = self.word.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.keep_with_next = True
        self._run(caption, block.caption, CAPTION_FONT, BODY_PT)

        columns = (
            max(len(block.headers), *(len(row) for row in block.rows)) if block.rows else len(block.headers)
        )
        columns = max(columns, 1)
        table = self.word.add_table(rows=0, cols=columns)
        table.style = self.word.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        # The first column names the figure and takes the room it needs; the numbers share the rest.
        first = TYPE_WIDTH_PT * (0.4 if columns > 2 else 1 / columns)
        widths = [first] + [(TYPE_WIDTH_PT - first) / (columns - 1)] * (columns - 1)

        def fill(cells, values, *, header: bool) -> None:
            for index, cell in enumerate(cells):
                cell.width = Pt(widths[index])
                paragraph = cell.paragraphs[0]
                paragraph.alignment = (
                    WD_ALIGN_PARAGRAPH.LEFT if index == 0 and not header else WD_ALIGN_PARAGRAPH.CENTER
                )
                fmt = paragraph.paragraph_format
                fmt.line_spacing = Pt(TABLE_LINE_PT)
                fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                self._off_grid(paragraph)
                text = values[index] if index < len(values) else ""
                self._run(paragraph, str(text), CAPTION_FONT if header else BODY_FONT, TABLE_PT)

        head = table.add_row()
        # The header row repeats on every page the table runs over.
        head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        fill(head.cells, block.headers, header=True)
        for row in block.rows:
            fill(table.add_row().cells, row, header=False)
        for index, column in enumerate(table.columns):
            column.width = Pt(widths[index])
        # The text goes on after one blank line's worth of space.
        after = self.word.add_paragraph()
        after.paragraph_format.line_spacing = Pt(LINE_PT / 2)

    def signature(self) -> None:
        """The issuer one blank line below the text, the date on the line under it (GB/T 9704 7.3.5.2)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        doc = self.source
        date_text = chinese_date(doc.date)
        issuer_right, date_right = signature_indents(doc.issuer, date_text)
        issuer = self.word.add_paragraph()
        issuer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        issuer.paragraph_format.space_before = Pt(LINE_PT)
        self._indent(issuer, right=issuer_right)
        self._run(issuer, doc.issuer, BODY_FONT, BODY_PT)
        date = self.word.add_paragraph()
        date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._indent(date, right=date_right)
        self._run(date, date_text, BODY_FONT, BODY_PT)

    def write(self) -> bytes:
        # The template's one empty paragraph would stand above the title.
        body = self.word.element.body
        for paragraph in list(body.iterchildren()):
            if paragraph.tag.endswith("}p"):
                body.remove(paragraph)
        if self.source.number:
            self.masthead()
        self.title()
        for block in self.source.blocks:
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Table):
                self.table(block)
            else:
                raise TypeError(f"not a block of a document: {block!r}")
        self.signature()
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()


def render_docx(document: Document, *, for_libreoffice: bool = False) -> bytes:
    """The report as a Word file laid out per GB/T 9704-2012 (`for_libreoffice`: the same page as
    LibreOffice lays it out, for the PDF)."""
    return _Writer(document, for_libreoffice=for_libreoffice).write()


# --- the statistical tables -----------------------------------------------------------------------


def render_xlsx(document: Document) -> bytes:
    """Each table of the report as a sheet of its own (named by its caption), then every figure the
    report used by its stable name, through the platform's one spreadsheet writer."""
    sheets = [
        (block.caption, list(block.headers), [list(row) for row in block.rows])
        for block in document.blocks
        if isinstance(block, Table)
    ]
    sheets.append(
        (
            _("Figures used"),
            [_("Figure"), _("Value")],
            [[name, value] for name, value in document.figures.items()],
        )
    )
    return export.xlsx_book_bytes(sheets)


# --- PDF through LibreOffice ---------------------------------------------------------------------

PDF_TIMEOUT_SECONDS = 120
# Free fonts for the Windows names, best first; a family not installed is skipped by fontconfig.
# Fandol comes with texlive-lang-chinese, Noto CJK with fonts-noto-cjk.
PDF_FONTS = {
    TITLE_FONT: ("FandolSong", "Noto Serif CJK SC"),
    BODY_FONT: ("FandolFang", "Noto Serif CJK SC"),
    "楷体_GB2312": ("FandolKai", "Noto Serif CJK SC"),
    "黑体": ("FandolHei", "Noto Sans CJK SC"),
    NUMBER_FONT: ("FandolSong", "Noto Serif CJK SC"),
}
# 小标宋 is a heavy Song: the free Song faces stand in for it in bold.
BOLD_STAND_INS = {TITLE_FONT}


class PdfUnavailable(Exception):
    """The PDF cannot be made here; the message says why, for people."""


def soffice() -> str | None:
    """The LibreOffice program on this machine, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_missing_message() -> str:
    return _(
        "PDF is not available on this server: LibreOffice is not installed. Download the Word file "
        "and print it to PDF, or ask the administrator to install LibreOffice."
    )


def render_pdf(document: Document, *, timeout: float = PDF_TIMEOUT_SECONDS) -> bytes:
    """The Word file converted by LibreOffice, headless, in a folder of its own (its own profile, so
    conversions running side by side do not share one). PdfUnavailable where LibreOffice is missing,
    fails or takes longer than `timeout` seconds."""
    program = soffice()
    if program is None:
        raise PdfUnavailable(pdf_missing_message())
    with tempfile.TemporaryDirectory(prefix="anju-report-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        source.write_bytes(render_docx(document, for_libreoffice=True))
        env = {**os.environ, "HOME": str(work)}
        if sys.platform.startswith("linux"):
            env["FONTCONFIG_FILE"] = str(_fontconfig(work))
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        # A session of its own, so that a conversion that hangs is ended with every process it started.
        process = subprocess.Popen(  # noqa: S603 (the program is LibreOffice, the arguments our own)
            command, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _out, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfUnavailable(
                _("LibreOffice took longer than %(seconds)d seconds to make the PDF.") % {"seconds": timeout}
            ) from None
        target = work / "report.pdf"
        if process.returncode != 0 or not target.is_file():
            detail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise PdfUnavailable(
                _("LibreOffice could not make the PDF: %(detail)s") % {"detail": detail[0][:200]}
            )
        return target.read_bytes()


def _fontconfig(folder: Path) -> Path:
    """A fontconfig file that reads the machine's own and then puts the free fonts in place of the
    Windows names, for this conversion only."""
    from xml.sax.saxutils import escape

    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    rules = []
    for name, families in PDF_FONTS.items():
        prefer = "".join(f"<string>{escape(family)}</string>" for family in families)
        weight = (
            '<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>'
            if name in BOLD_STAND_INS
            else ""
        )
        rules.append(
            f'<match target="pattern"><test name="family" qual="any"><string>{escape(name)}</string></test>'
            f'<edit name="family" mode="prepend" binding="strong">{prefer}</edit>{weight}</match>'
        )
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>'
        f'<include ignore_missing="yes">{escape(system)}</include>{"".join(rules)}</fontconfig>\n',
        encoding="utf-8",
    )
    return path


def render(document: Document, fmt: str) -> bytes:
    """The report in `fmt` (docx, pdf or xlsx)."""
    if fmt == "docx":
        return render_docx(document)
    if fmt == "pdf":
        return render_pdf(document)
    if fmt == "xlsx":
        return render_xlsx(document)
    raise ValueError(fmt)
