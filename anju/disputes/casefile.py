"""The case file (卷宗) of a dispute: cover, registration form, mediation records, agreement, visit
records and, for an agreed case, the application for judicial confirmation (司法确认申请书). One
gathering of the contents serves the printable page and the Word file, so both say the same.

The documents are official Chinese forms whatever language the reader browses in: their fixed
wording is written here in Chinese, as on the paper copies the county files, and choice labels are
read in the county's language by the caller."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils import timezone

from anju.core.personal import mask_id_number, mask_phone

from .choices import PartyKind
from .models import Dispute

# Each line of a multi-line text is a paragraph of its own, indented as the writer indented it: a
# full-width space is one character, two ASCII spaces are one, a tab is two (capped, so a pasted
# block cannot push the text off the page).
MAX_INDENT = 8
COURT_BLANK = "＿＿＿＿＿＿＿＿"


@dataclass(frozen=True)
class Line:
    indent: int  # in characters beyond the paragraph's own two-character indent
    text: str


def lines(text: str) -> list[Line]:
    """The lines of a text as written, blank lines dropped, each with its indentation in characters."""
    found = []
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        body = raw.lstrip(" \t\u3000")
        if not body.strip():
            continue
        lead = raw[: len(raw) - len(body)]
        width = lead.count("\u3000") * 2 + lead.count(" ") + lead.count("\t") * 4
        found.append(Line(indent=min(MAX_INDENT, width // 2), text=body.rstrip()))
    return found


def chinese_date(day: dt.date | dt.datetime | None) -> str:
    """2026年3月5日: months and days not padded, as official documents write dates."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class PartyEntry:
    role: str
    name: str
    is_person: bool
    phone: str
    id_number: str
    address: str

    def particulars(self) -> str:
        """申请人：王某，身份证号码：…，住址：…，联系电话：…: the court form's line for a party."""
        parts = [self.name]
        if self.id_number:
            parts.append(f"{'身份证号码' if self.is_person else '统一社会信用代码'}：{self.id_number}")
        if self.address:
            parts.append(f"{'住址' if self.is_person else '住所地'}：{self.address}")
        if self.phone:
            parts.append(f"联系电话：{self.phone}")
        return "，".join(parts)


@dataclass
class CaseFile:
    dispute: Dispute
    full: bool
    printed_by: str
    printed_on: dt.date
    parties: list[PartyEntry] = field(default_factory=list)

    @property
    def committee(self) -> str:
        return f"{self.dispute.handling_unit.name}人民调解委员会"

    @property
    def sessions(self):
        return list(self.dispute.sessions.all())

    @property
    def agreements(self):
        return list(self.dispute.agreements.all())

    @property
    def agreement(self):
        """The agreement the parties take to court: the latest in effect."""
        agreements = self.agreements
        return agreements[0] if agreements else None

    @property
    def visits(self):
        return list(self.dispute.visits.all())

    def contents(self) -> list[str]:
        """The documents in the file, in filing order: the cover's list of contents (卷内目录)."""
        names = ["人民调解申请（登记）表"]
        if self.sessions:
            names.append("人民调解记录")
        if self.agreement:
            names.append("人民调解协议书")
        if self.visits:
            names.append("回访记录")
        if self.agreement:
            names.append("司法确认申请书")
        return names


def gather(dispute: Dispute, *, full: bool, printed_by) -> CaseFile:
    """The case file's contents; phone and ID numbers masked unless `full` (the caller has made the
    audited reveal)."""
    dispute = (
        Dispute.objects.select_related("region", "handling_unit", "registered_by")
        .prefetch_related(
            "parties", "sessions__recorded_by", "agreements__mediator", "visits__visitor", "mediators"
        )
        .get(pk=dispute.pk)
    )
    case = CaseFile(
        dispute=dispute,
        full=full,
        printed_by=printed_by.display_name,
        printed_on=timezone.localdate(),
    )
    for party in dispute.parties.all():
        case.parties.append(
            PartyEntry(
                role=party.get_role_display(),
                name=party.name,
                is_person=party.kind == PartyKind.PERSON,
                phone=party.phone if full else mask_phone(party.phone),
                id_number=party.id_number if full else mask_id_number(party.id_number),
                address=party.address,
            )
        )
    return case


# Word: A4 with the GB/T 9704 margins, body 3号 (16 pt) 仿宋 with a two-character first-line indent,
# titles 2号 (22 pt) 小标宋, page numbers "— 1 —" in 4号 (14 pt) 宋体 at the foot.
BODY_PT = 16
TITLE_PT = 22
PAGE_NUMBER_PT = 14
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
NUMBER_FONT = "宋体"
LINE_PT = 29


class _Word:
    def __init__(self):
        from docx import Document
        from docx.enum.section import WD_SECTION
        from docx.shared import Mm, Pt

        self.Pt = Pt
        self.document = Document()
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28)
        self.WD_SECTION = WD_SECTION
        normal = self.document.styles["Normal"]
        self._font(normal.font, BODY_FONT, BODY_PT)
        normal.paragraph_format.line_spacing = Pt(LINE_PT)
        normal.paragraph_format.space_after = Pt(0)
        self._page_numbers(section)
        self.first = True

    def _font(self, font, name: str, size: int, *, bold: bool = False) -> None:
        from docx.oxml.ns import qn

        font.name = name
        font.size = self.Pt(size)
        font.bold = bold
        # Word takes Chinese text's font from the East Asian slot, which `name` alone leaves empty.
        fonts = font.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), name)

    def _page_numbers(self, section) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._font(paragraph.add_run("— ").font, NUMBER_FONT, PAGE_NUMBER_PT)
        field_run = paragraph.add_run()
        self._font(field_run.font, NUMBER_FONT, PAGE_NUMBER_PT)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            field_run._r.append(element)
        self._font(paragraph.add_run(" —").font, NUMBER_FONT, PAGE_NUMBER_PT)

    def new_sheet(self) -> None:
        """Each document of the file starts on a page of its own."""
        if not self.first:
            self.document.add_page_break()
        self.first = False

    def title(self, text: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = self.Pt(LINE_PT)
        self._font(paragraph.add_run(text).font, TITLE_FONT, TITLE_PT)

    def para(self, text: str, *, indent: int = 2, first_line: int | None = None, align: str = ""):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        paragraph = self.document.add_paragraph(text)
        fmt = paragraph.paragraph_format
        if first_line is None:
            fmt.first_line_indent = self.Pt(BODY_PT * indent)
        else:
            fmt.left_indent = self.Pt(BODY_PT * indent)
            fmt.first_line_indent = self.Pt(BODY_PT * first_line)
        if align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return paragraph

    def text_lines(self, text: str) -> None:
        """A multi-line text, each line a paragraph indented as written: every line of a clause,
        wrapped or not, stands at the same place."""
        for line in lines(text):
            self.para(line.text, indent=2 + line.indent, first_line=0)

    def table(self, rows: list[tuple[str, str]]) -> None:
        from docx.shared import Mm

        table = self.document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Mm(36), Mm(120)
            cells[0].text = label
            for i, line in enumerate(value.split("\n") if value else [""]):
                paragraph = cells[1].paragraphs[0] if i == 0 else cells[1].add_paragraph()
                paragraph.text = line

    def signatures(self, names: list[str]) -> None:
        self.para("")
        for name in names:
            self.para(name, indent=0, first_line=0)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def registration_rows(case: CaseFile) -> list[tuple[str, str]]:
    d = case.dispute
    rows = [
        ("编号", d.number),
        ("登记时间", chinese_date(d.registered_at)),
        ("来源", d.get_channel_display()),
        ("纠纷类别", d.get_category_display() + (f"（{d.subtype}）" if d.subtype_id else "")),
        ("发生地", d.region.name + (f"，{d.location}" if d.location else "")),
    ]
    for p in case.parties:
        details = [p.name]
        if p.id_number:
            details.append(f"身份证号码 {p.id_number}")
        if p.phone:
            details.append(f"电话 {p.phone}")
        if p.address:
            details.append(f"住址 {p.address}")
        rows.append((p.role, "　".join(details)))
    amount = f"{d.amount} 元" if d.amount is not None else "—"
    rows += [
        ("纠纷简要情况", d.description),
        ("涉及金额／人数", f"{amount}／{d.people_involved} 人"),
        ("登记人", d.registered_by.display_name),
    ]
    return rows


def session_rows(session) -> list[tuple[str, str]]:
    return [
        ("时间", chinese_date(session.held_on)),
        ("地点", session.place),
        ("参加人", session.participants),
        ("调解情况", session.record),
        ("调解结果", session.outcome or "—"),
        ("记录人", session.recorded_by.display_name),
    ]


def cover_rows(case: CaseFile) -> list[tuple[str, str]]:
    d = case.dispute
    rows = [
        ("案件编号", d.number),
        ("纠纷名称", d.title),
        ("纠纷类别", d.get_category_display()),
        ("当事人", "\n".join(f"{p.role}：{p.name}" for p in case.parties)),
        ("调解组织", case.committee),
        ("人民调解员", "、".join(m.display_name for m in d.mediators.all()) or "—"),
        ("登记日期", chinese_date(d.registered_at)),
        ("受理日期", chinese_date(d.accepted_at) or "—"),
        ("结案日期", chinese_date(d.closed_at) or "—"),
        ("办理状态", d.get_status_display()),
    ]
    return rows


def application_request(case: CaseFile) -> str:
    agreement = case.agreement
    return (
        f"请求人民法院依法确认申请人于{chinese_date(agreement.signed_on)}经{case.committee}"
        "主持调解达成的人民调解协议有效。"
    )


def application_facts(case: CaseFile) -> str:
    agreement = case.agreement
    names = "、".join(p.name for p in case.parties)
    return (
        f"申请人{names}因{case.dispute.get_category_display()}纠纷，于{chinese_date(agreement.signed_on)}"
        f"经{case.committee}主持调解，自愿达成如下协议："
    )


def performance_text(agreement) -> str:
    text = agreement.performance.rstrip().rstrip("。．.；;，,")
    if agreement.perform_by:
        text += f"，于{chinese_date(agreement.perform_by)}前履行完毕"
    return f"履行方式、时限：{text}。"


UNDERTAKINGS = (
    "一、申请人出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；",
    "二、如果因为该协议内容而给他人造成损害的，愿意承担相应的民事责任和其他法律责任。",
)
AGREEMENT_EFFECT = (
    "本协议自各方当事人签名（盖章）、人民调解员签名并加盖人民调解委员会印章之日起生效。"
    "当事人可以自协议生效之日起三十日内共同向人民法院申请司法确认。"
)


def to_docx(case: CaseFile) -> bytes:
    """The case file as a Word document, section by section as the printable page shows it."""
    word = _Word()
    d = case.dispute
    word.new_sheet()
    word.title("人民调解卷宗")
    word.table(cover_rows(case))
    word.para("")
    word.para("卷内目录", indent=0)
    for i, name in enumerate(case.contents(), start=1):
        word.para(f"{i}. {name}", indent=2, first_line=0)
    word.para("")
    word.para(f"立卷：{case.printed_by}　{chinese_date(case.printed_on)}", indent=0, align="right")
    if not case.full:
        word.para("本卷宗中的身份证号码、电话号码已部分遮蔽。", indent=0)

    word.new_sheet()
    word.title("人民调解申请（登记）表")
    word.table(registration_rows(case))
    word.signatures(["当事人（签名）：", "人民调解员（签名）："])

    for session in case.sessions:
        word.new_sheet()
        word.title("人民调解记录")
        word.para(f"案件编号：{d.number}　纠纷：{d.title}", indent=0)
        word.table(session_rows(session))
        word.signatures(["当事人（签名）：", "人民调解员（签名）：", "记录人（签名）："])

    for agreement in case.agreements:
        word.new_sheet()
        word.title("人民调解协议书")
        word.para(f"编号：{d.number}")
        for p in case.parties:
            word.para(f"{p.role}：{p.particulars()}")
        word.para("纠纷主要事实、争议事项及各方当事人责任：")
        word.text_lines(agreement.facts)
        word.para("经调解，自愿达成如下协议：")
        word.text_lines(agreement.terms)
        word.para(performance_text(agreement))
        word.para(AGREEMENT_EFFECT)
        word.signatures([f"{p.role}（签名或盖章）：" for p in case.parties] + ["人民调解员（签名）："])
        word.para(f"{case.committee}（印章）", indent=0, align="right")
        word.para(chinese_date(agreement.signed_on), indent=0, align="right")

    if case.visits:
        word.new_sheet()
        word.title("回访记录")
        for visit in case.visits:
            word.table(
                [
                    ("回访日期", chinese_date(visit.visited_on)),
                    ("协议履行情况", visit.get_performance_display()),
                    ("回访情况", visit.note or "—"),
                    ("回访人", visit.visitor.display_name),
                ]
            )
            word.para("")

    if case.agreement:
        word.new_sheet()
        word.title("司法确认申请书")
        for p in case.parties:
            word.para(f"申请人：{p.particulars()}")
        word.para("请求事项：", indent=0)
        word.para(application_request(case))
        word.para("事实和理由：", indent=0)
        word.para(application_facts(case))
        word.text_lines(case.agreement.terms)
        word.para(performance_text(case.agreement))
        word.para("申请人承诺：", indent=0)
        for undertaking in UNDERTAKINGS:
            word.para(undertaking)
        word.para("此致", indent=2)
        word.para(f"{COURT_BLANK}人民法院", indent=0, first_line=0)
        word.para("附：人民调解协议书一份", indent=2)
        # Signed by hand: a typed name would read as a signature the party never gave.
        word.signatures(["申请人（签名或盖章）：" for _p in case.parties])
        word.para("年　　月　　日", indent=0, align="right")
    return word.save()


def page_context(case: CaseFile) -> dict:
    """What the printable page (disputes/casefile.html) shows: the same rows and sentences as Word."""
    agreement = case.agreement
    return {
        "case": case,
        "dispute": case.dispute,
        "cover_rows": cover_rows(case),
        "registration_rows": registration_rows(case),
        "sessions": [session_rows(s) for s in case.sessions],
        "agreements": [(a, performance_text(a)) for a in case.agreements],
        "agreement_effect": AGREEMENT_EFFECT,
        "application": {
            "request": application_request(case),
            "facts": application_facts(case),
            "terms": agreement.terms,
            "performance": performance_text(agreement),
            "undertakings": UNDERTAKINGS,
            "court_blank": COURT_BLANK,
        }
        if agreement
        else None,
    }
