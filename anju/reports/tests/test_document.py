import datetime as dt

import pytest
from django.utils import translation

from anju.accounts.models import User
from anju.reports import document, periods


def test_dates_and_numbers_are_written_as_official_documents_write_them():
    assert document.chinese_date(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert document.document_number(2026, 12) == "〔2026〕12号"


@pytest.mark.django_db
def test_the_report_states_the_figures_it_used_as_the_dashboard_shows_them(quarter):
    leader = User.objects.get(username="leader")
    with translation.override("zh-hans"):
        doc = document.build_document(leader, periods.parse("2024-Q1"), region_name="安居县")
    # The shipped annual template's title; its appendix keeps every figure of the catalogue.
    assert doc.title == "安居县2024年第1季度平安建设暨政法工作总结"
    assert doc.date == dt.date(2024, 3, 31)
    assert doc.figures["disputes.found"] == "10"
    assert doc.figures["disputes.resolution_rate"] == "50.0%"
    table = next(b for b in doc.blocks if isinstance(b, document.Table) and b.caption.startswith("2024"))
    assert ("摸排受理数", "10", "1", "0") in table.rows
