"""Hostile documents (issue 11, item 6): a PDF that would run script or carry files is refused
with a clear message, and every stored file is served as a download, never as a page of the site."""

import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.demo import testing
from anju.workflow.attachments import pdf_is_active

PLAIN = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n"
SCRIPTED = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n"
)
ESCAPED = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /J#61vaScript /JS (x) >> >> endobj\n"


def in_object_stream(body: bytes) -> bytes:
    """A PDF whose dictionaries sit compressed in an object stream, where plain text shows nothing."""
    packed = zlib.compress(body)
    return (
        b"%PDF-1.5\n5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
        + str(len(packed)).encode()
        + b" >>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n%%EOF\n"
    )


@pytest.mark.parametrize(
    ("data", "active"),
    [
        (PLAIN, False),
        (SCRIPTED, True),
        (ESCAPED, True),
        (b"%PDF-1.7\n<< /Names << /EmbeddedFiles 3 0 R >> >>", True),
        (b"%PDF-1.7\n<< /A << /S /Launch /F (cmd.exe) >> >>", True),
        (in_object_stream(b"<< /S /JavaScript /JS (x) >>"), True),
        (in_object_stream(b"<< /Type /Page /MediaBox [0 0 595 842] >>"), False),
        # A stream that unpacks to more than the reader allows is not unpacked: a bomb, not a scan.
        (in_object_stream(b"0" * (65 * 2**20)), True),
    ],
)
def test_active_pdfs_are_told_from_plain_ones(data, active):
    assert pdf_is_active(data) is active


@pytest.mark.django_db
def test_a_pdf_with_script_is_refused_with_a_clear_message(client_for, cast):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    before = dispute.attachments.count()
    refused = client.post(
        f"/disputes/{dispute.pk}/attachments/", {"file": SimpleUploadedFile("通知书.pdf", SCRIPTED)}
    )
    assert refused.status_code == 400
    assert "脚本" in refused.content.decode()
    assert dispute.attachments.count() == before
    taken = client.post(
        f"/disputes/{dispute.pk}/attachments/", {"file": SimpleUploadedFile("扫描件.pdf", PLAIN)}
    )
    assert taken.status_code == 302 and dispute.attachments.count() == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [("扫描件.pdf", PLAIN), ("现场.png", testing.TINY_PNG)])
def test_every_file_is_served_as_a_download_in_a_sandbox(client_for, cast, name, content):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    client.post(f"/disputes/{dispute.pk}/attachments/", {"file": SimpleUploadedFile(name, content)})
    attachment = dispute.attachments.latest("pk")
    served = client.get(f"/disputes/{dispute.pk}/attachments/{attachment.pk}/")
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
