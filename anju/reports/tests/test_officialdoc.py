"""The work report as files: the Word file read back as Word and WPS would read it (page, grid,
fonts, sizes, spacing, page numbers, signature), the workbook's sheets, and the PDF where LibreOffice
is installed."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from django.utils import translation
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from anju.reports import officialdoc
from anju.reports.document import Document, Heading, Paragraph, Table

REPORT = Document(
    title="安居县2026年平安建设工作总结",
    issuer="中共安居县委政法委员会",
    date=dt.date(2026, 3, 5),
    number="安政法〔2026〕12号",
    blocks=(
        Heading(1, "一、主要工作"),
        Paragraph("全年摸排矛盾纠纷1234件，化解1180件，化解率95.6%。"),
        Heading(2, "（一）领导重视"),
        Heading(3, "1.会议部署"),
        Heading(4, "（1）专题会议"),
        Paragraph("召开专题会议12次。"),
        Table(
            "表1 矛盾纠纷主要数据",
            ("指标", "本期", "上期", "去年同期"),
            (("摸排受理数", "1234", "1100", "1000"),),
        ),
    ),
    figures={"disputes.found": "1234", "disputes.resolution_rate": "95.6%"},
)


def east_asian(run) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def text_paragraphs(word):
    return [p for p in word.paragraphs if p.text.strip()]


@pytest.fixture(scope="module")
def word():
    return WordDocument(io.BytesIO(officialdoc.render_docx(REPORT)))


def test_the_page_is_a4_with_the_official_margins_and_a_grid_of_22_lines_of_28_characters(word):
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm, 1) for m in margins] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pt = int(grid.get(qn("w:linePitch"))) / 20
    assert 225 * 72 / 25.4 / 23 < line_pt <= 225 * 72 / 25.4 / 22  # 22 lines fit, 23 do not
    char_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert 156 * 72 / 25.4 / 29 < char_pt <= 156 * 72 / 25.4 / 28  # 28 characters fit, 29 do not
    normal = word.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.line_spacing == Pt(28.95)


def test_title_headings_and_body_carry_the_windows_font_names_and_sizes(word):
    paragraphs = text_paragraphs(word)
    by_text = {p.text: p for p in paragraphs}
    title = by_text[REPORT.title]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert (east_asian(title.runs[0]), title.runs[0].font.size) == ("方正小标宋简体", Pt(22))
    for text, font in [
        ("一、主要工作", "黑体"),
        ("（一）领导重视", "楷体_GB2312"),
        ("1.会议部署", "仿宋_GB2312"),
        ("（1）专题会议", "仿宋_GB2312"),
        ("召开专题会议12次。", "仿宋_GB2312"),
    ]:
        paragraph = by_text[text]
        assert (east_asian(paragraph.runs[0]), paragraph.runs[0].font.size) == (font, Pt(16)), text
        # Two characters in on the first line, as Word's character units and as points.
        assert paragraph.paragraph_format.first_line_indent == Pt(32)
        assert paragraph._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    # The defaults name the fonts themselves, not the theme's (which Word would prefer).
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and fonts.get(qn("w:eastAsiaTheme")) is None


def test_the_number_heads_the_document_and_issuer_and_date_sign_it_at_the_right(word):
    paragraphs = text_paragraphs(word)
    texts = [p.text for p in paragraphs]
    assert texts[:3] == ["中共安居县委政法委员会", "安政法〔2026〕12号", REPORT.title]
    assert east_asian(paragraphs[0].runs[0]) == "方正小标宋简体"
    assert paragraphs[0].runs[0].font.color.rgb == RGBColor.from_string("FF0000")
    issuer, date = paragraphs[-2:]
    assert (issuer.text, date.text) == ("中共安居县委政法委员会", "2026年3月5日")
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # The date starts two characters right of the issuer's first character (11 and 6 characters wide).
    assert issuer._p.pPr.ind.get(qn("w:rightChars")) == "200"
    assert date._p.pPr.ind.get(qn("w:rightChars")) == "500"


def test_page_numbers_alternate_sides_in_song_14pt_with_dashes(word):
    section = word.sections[0]
    assert word.settings.odd_and_even_pages_header_footer
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        xml = paragraph._p.xml
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert xml.count('w:fldCharType="begin"') == 1
        assert paragraph.text == "— 1 —"
        assert {(east_asian(run), run.font.size) for run in paragraph.runs} == {("宋体", Pt(14))}


def test_a_table_has_its_caption_and_a_header_row_that_repeats(word):
    captions = [p for p in word.paragraphs if p.text == "表1 矛盾纠纷主要数据"]
    assert captions and captions[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["指标", "本期", "上期", "去年同期"]
    assert [c.text for c in table.rows[1].cells] == ["摸排受理数", "1234", "1100", "1000"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_a_draft_has_no_masthead():
    draft = Document("标题", "安居县", dt.date(2026, 12, 31), (Paragraph("正文。"),))
    word = WordDocument(io.BytesIO(officialdoc.render_docx(draft)))
    assert [p.text for p in text_paragraphs(word)] == ["标题", "正文。", "安居县", "2026年12月31日"]


def test_signature_indents_move_the_issuer_left_when_the_date_is_longer():
    assert officialdoc.signature_indents("中共安居县委政法委员会", "2026年3月5日") == (2.0, 5.0)
    # A short name: the date stands two characters in, the name four left of the date's start.
    assert officialdoc.signature_indents("安居县", "2026年12月31日") == (8.0, 2.0)


def test_the_workbook_has_a_sheet_per_table_and_the_figures_used():
    import openpyxl

    with translation.override("zh-hans"):
        book = openpyxl.load_workbook(io.BytesIO(officialdoc.render_xlsx(REPORT)))
    assert book.sheetnames == ["表1 矛盾纠纷主要数据", "所用数据"]
    table = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert table == [["指标", "本期", "上期", "去年同期"], ["摸排受理数", "1234", "1100", "1000"]]
    figures = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert figures[1:] == [["disputes.found", "1234"], ["disputes.resolution_rate", "95.6%"]]


def test_without_libreoffice_the_pdf_is_refused_in_words(monkeypatch):
    monkeypatch.setattr(officialdoc, "soffice", lambda: None)
    with translation.override("en"), pytest.raises(officialdoc.PdfUnavailable) as refusal:
        officialdoc.render_pdf(REPORT)
    assert "LibreOffice is not installed" in str(refusal.value)


@pytest.mark.skipif(officialdoc.soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_makes_a_pdf_with_the_title(tmp_path):
    """The one conversion of the suite (a few seconds): every other test stops at the Word file."""
    pdf = officialdoc.render_pdf(REPORT, timeout=60)
    assert pdf.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        (tmp_path / "r.pdf").write_bytes(pdf)
        text = subprocess.run(
            [pdftotext, str(tmp_path / "r.pdf"), "-"], capture_output=True, check=True, timeout=30
        ).stdout.decode()
        assert REPORT.title in text.replace(" ", "")
        assert "2026年3月5日" in text.replace(" ", "")


def test_the_file_keeps_no_personal_names_beyond_the_issuer():
    with zipfile.ZipFile(io.BytesIO(officialdoc.render_docx(REPORT))) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "python-docx" not in core
    assert REPORT.issuer in core and REPORT.title in core
