"""Hostile spreadsheets (issue 11, item 6): a workbook that would unpack far past its size, or a
sheet with more rows than any county keeps, is refused before it can fill the server's memory."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from openpyxl import Workbook

from anju.core import tabular

pytestmark = pytest.mark.django_db


def workbook(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "level"])
    for n in range(rows):
        sheet.append([f"6299021{n:08d}", "重复的名字" * 20, "village"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_that_unpacks_too_far_is_refused_unread(tmp_path):
    data = workbook(3000)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    # A limit a tenth of the file's own size: the sheet unpacks to far more than 40 times that.
    with override_settings(ANJU_IMPORT_MAX_BYTES=len(data) // 10), pytest.raises(CommandError, match="MB"):
        call_command("import_regions", str(path))
    assert len(tabular.read_rows(data, "fine.xlsx")) == 3001  # the same file, under the real limit


def test_a_sheet_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    csv = "code,name\n" + "".join(f"62990210{n},村{n}\n" for n in range(5))
    with pytest.raises(tabular.TableError, match="3"):
        tabular.read_rows(csv.encode(), "long.csv")
    assert len(tabular.read_rows(csv.encode()[:30], "short.csv")) <= 3
