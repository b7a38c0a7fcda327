"""The case file (卷宗): one printable page and one Word document of a whole dispute, masked unless a
handler reveals the numbers for a court, with a reason the auditor reads."""

import io
import re

import pytest
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from anju.audit.models import AccessRecord
from anju.demo import testing
from anju.disputes.tests.test_pages import act

pytestmark = pytest.mark.django_db

FULL_ID = "11010519491231002X"
MASKED_ID = "110105********002X"
MASKED_PHONE = "138****0001"
# Terms as a mediator types them: numbered clauses, a sub-clause indented by two full-width spaces.
TERMS = "一、乙方于十日内拆除越界院墙。\n\u3000\u3000（一）拆除费用由乙方承担。\n二、甲方不再追究。"


def agreed(client, dispute, mediator):
    """Accepted, one session, a written agreement with multi-line terms, one visit: a full file."""
    today = timezone.localdate().isoformat()
    assert act(client, dispute, "accept", {"mediators": [mediator.pk]}).status_code == 302
    session = {"held_on": today, "place": "村委会", "participants": "双方当事人", "record_text": "各自陈述"}
    assert act(client, dispute, "record_session", {**session, "outcome": "同意调解"}).status_code == 302
    agreement = {"kind": "written", "facts": "院墙越界半米。", "terms": TERMS, "performance": "自行拆除。"}
    assert act(client, dispute, "record_agreement", {**agreement, "signed_on": today}).status_code == 302
    visit = {"visited_on": today, "performance": "performed", "note": "院墙已拆除"}
    assert act(client, dispute, "record_visit", visit).status_code == 302
    return dispute


def docx_text(content: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return document, "\n".join(texts)


def test_the_case_file_page_holds_every_document_one_per_sheet(client_for, cast):
    client = client_for("mediator_a1")
    dispute = agreed(client, cast.dispute(), cast.mediator_a1)
    detail = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert (
        f"/disputes/{dispute.pk}/casefile/" in detail and f"/disputes/{dispute.pk}/casefile/docx/" in detail
    )
    page = client.get(f"/disputes/{dispute.pk}/casefile/")
    html = page.content.decode()
    assert page.status_code == 200 and '<link rel="stylesheet" href="/static/anju/print.css">' in html
    titles = re.findall(r"<h1>(.*?)</h1>", html)
    assert titles == [
        "人民调解卷宗",
        "人民调解申请（登记）表",
        "人民调解记录",
        "人民调解协议书",
        "回访记录",
        "司法确认申请书",
    ]
    # Each document is a sheet; the stylesheet starts every sheet after the first on a new page.
    assert html.count('<section class="sheet') == len(titles)
    from pathlib import Path

    import anju

    css = (Path(anju.__file__).parent / "static" / "anju" / "print.css").read_text(encoding="utf-8")
    assert ".sheet + .sheet { break-before: page; }" in css and "counter(page)" in css
    # Masked by default, in every document that names the parties.
    assert MASKED_PHONE in html and MASKED_ID in html
    assert testing.PARTY_PHONE not in html and FULL_ID not in html
    # The court's application: its parts in the usual order, the court left blank to fill in.
    application = html[html.index("司法确认申请书</h1>") :]
    order = [
        "申请人：甲当事人一",
        "请求事项",
        "事实和理由",
        "申请人承诺",
        "此致",
        "＿人民法院",
        "申请人（签名或盖章）",
    ]
    assert [application.index(part) for part in order] == sorted(application.index(part) for part in order)
    assert "甲一村人民调解委员会主持调解" in application
    # Each line of the terms keeps its own indentation: the sub-clause two characters further in.
    assert '<p class="indent-0">一、乙方于十日内拆除越界院墙。</p>' in html
    assert '<p class="indent-2">（一）拆除费用由乙方承担。</p>' in html
    assert '<p class="indent-0">二、甲方不再追究。</p>' in html


def test_a_case_without_an_agreement_has_no_application(client_for, cast):
    page = client_for("mediator_a1").get(f"/disputes/{cast.dispute().pk}/casefile/").content.decode()
    assert "人民调解申请（登记）表" in page and "司法确认申请书" not in page and "人民调解协议书" not in page


def test_the_word_case_file_reads_back_masked_with_its_sections_and_indentation(client_for, cast):
    client = client_for("mediator_a1")
    dispute = agreed(client, cast.dispute(), cast.mediator_a1)
    answer = client.get(f"/disputes/{dispute.pk}/casefile/docx/")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "attachment" in answer["Content-Disposition"]
    document, text = docx_text(b"".join(answer.streaming_content))
    for title in ("人民调解卷宗", "人民调解申请（登记）表", "人民调解记录", "人民调解协议书", "回访记录"):
        assert title in text
    assert "司法确认申请书" in text and "＿＿＿＿＿＿＿＿人民法院" in text
    assert MASKED_PHONE in text and MASKED_ID in text
    assert testing.PARTY_PHONE not in text and FULL_ID not in text
    # A4 with the official margins.
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37
    # Every document after the cover starts on a new page.
    breaks = sum(1 for p in document.paragraphs for r in p.runs if 'w:br w:type="page"' in r._r.xml)
    assert breaks == 5
    # The page number is a field in the footer.
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    # Every line of the terms is its own paragraph, each indented as written, in both documents.
    terms = {p.text: p for p in document.paragraphs if p.text.startswith(("一、乙方", "（一）", "二、甲方"))}
    assert set(terms) == {
        "一、乙方于十日内拆除越界院墙。",
        "（一）拆除费用由乙方承担。",
        "二、甲方不再追究。",
    }
    indents = {text: p.paragraph_format.left_indent for text, p in terms.items()}
    assert indents["一、乙方于十日内拆除越界院墙。"] == indents["二、甲方不再追究。"] == Pt(32)
    assert indents["（一）拆除费用由乙方承担。"] == Pt(64)
    counted = [p.text for p in document.paragraphs].count("（一）拆除费用由乙方承担。")
    assert counted == 2  # in the agreement and in the application


def test_full_numbers_are_a_reveal_with_a_reason_the_auditor_reads(client_for, cast):
    client = client_for("mediator_a1")
    dispute = agreed(client, cast.dispute(), cast.mediator_a1)
    detail = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert f"/disputes/{dispute.pk}/casefile/full/" in detail
    url = f"/disputes/{dispute.pk}/casefile/full/"
    refused = client.post(url, {"purpose": "", "format": "docx"})
    assert refused.status_code == 400 and "说明" in refused.content.decode()
    assert not AccessRecord.objects.exists()
    answer = client.post(url, {"purpose": "申请司法确认", "format": "docx"})
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    _document, text = docx_text(b"".join(answer.streaming_content))
    assert testing.PARTY_PHONE in text and FULL_ID in text and MASKED_PHONE not in text
    assert "身份证号码：11010519491231002X" in text  # the court form's line for the applicant
    # One access record per number shown: two phones and one ID number.
    records = AccessRecord.objects.filter(actor__username="mediator_a1")
    assert sorted(records.values_list("field", flat=True)) == ["id_number", "phone", "phone"]
    assert all("申请司法确认" in r.purpose for r in records)
    page = client.post(url, {"purpose": "法院要求", "format": "html"}).content.decode()
    assert FULL_ID in page and "已部分遮蔽" not in page
    trail = " ".join(client_for("auditor").get("/audit/access/").content.decode().split())
    assert "申请司法确认" in trail and "法院要求" in trail


def test_the_case_file_keeps_to_jurisdiction_and_role(client_for, cast):
    dispute = cast.dispute()
    for name in ("officer_b", "admin_b"):
        for path in ("casefile/", "casefile/docx/"):
            assert client_for(name).get(f"/disputes/{dispute.pk}/{path}").status_code in (403, 404)
    assert client_for("officer_b").get(f"/disputes/{dispute.pk}/casefile/").status_code == 404
    full = f"/disputes/{dispute.pk}/casefile/full/"
    assert client_for("officer_b").post(full, {"purpose": "查看", "format": "html"}).status_code == 404
    # The leader reads the file, masked, but is no handler: printing it in full is refused.
    leader = client_for("leader")
    assert leader.get(f"/disputes/{dispute.pk}/casefile/").status_code == 200
    assert "/casefile/full/" not in leader.get(f"/disputes/{dispute.pk}/").content.decode()
    assert leader.post(full, {"purpose": "查看", "format": "html"}).status_code == 403
    assert client_for("norole").get(f"/disputes/{dispute.pk}/casefile/").status_code == 403
    assert client_for("mediator_a1").get(full).status_code == 405
    bad = client_for("mediator_a1").post(full, {"purpose": "法院要求", "format": "pdf"})
    assert bad.status_code == 400
    assert not AccessRecord.objects.exists()


def test_the_case_file_is_in_chinese_for_a_reader_browsing_in_english(client_for, cast):
    client = client_for("mediator_a1")
    page = client.get(f"/disputes/{cast.dispute().pk}/casefile/", headers={"accept-language": "en"})
    assert "房屋宅基地" in page.content.decode() and "申请人" in page.content.decode()
