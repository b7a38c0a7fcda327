"""A photo added to a case file gets copies for the page: the case page shows its thumbnail, the
copies carry no EXIF, the original downloads byte for byte as it came, and outsiders get nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile

from anju.core.tests.test_photos import SOUTH_WEST, jpeg_with_exif, no_metadata
from anju.demo import testing


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_photo_attachment_is_shown_as_a_thumbnail_without_exif(client_for, cast):
    dispute = cast.dispute()
    original = jpeg_with_exif(size=(2400, 1800), gps=SOUTH_WEST)
    client = client_for("mediator_a1")
    sent = client.post(
        f"/disputes/{dispute.pk}/attachments/", {"file": SimpleUploadedFile("现场.jpg", original)}
    )
    assert sent.status_code == 302
    attachment = dispute.attachments.get(original_name="现场.jpg")
    url = f"/disputes/{dispute.pk}/attachments/{attachment.pk}/"
    page = client_for("leader").get(f"/disputes/{dispute.pk}/").content.decode()
    assert f'src="{url}?copy=thumbnail"' in page
    thumbnail = client_for("leader").get(url, {"copy": "thumbnail"})
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    small = body(thumbnail)
    large = body(client_for("leader").get(url, {"copy": "display"}))
    assert no_metadata(small) and no_metadata(large) and len(large) > len(small)
    assert body(client_for("leader").get(url)) == original  # the evidence, as it came
    assert client_for("officer_b").get(url, {"copy": "thumbnail"}).status_code == 404
    assert client_for("leader").get(url, {"copy": "original"}).status_code == 404


def test_a_pdf_has_no_copies_and_a_png_from_before_gets_them_on_first_view(client_for, cast):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    client.post(
        f"/disputes/{dispute.pk}/attachments/",
        {"file": SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")},
    )
    client.post(
        f"/disputes/{dispute.pk}/attachments/", {"file": SimpleUploadedFile("墙.png", testing.TINY_PNG)}
    )
    pdf = dispute.attachments.get(original_name="协议.pdf")
    png = dispute.attachments.get(original_name="墙.png")
    assert (
        client.get(f"/disputes/{dispute.pk}/attachments/{pdf.pk}/", {"copy": "thumbnail"}).status_code == 404
    )
    storage = png.file.storage
    storage.delete(f"{png.file.name}.thumbnail.jpg")
    again = client.get(f"/disputes/{dispute.pk}/attachments/{png.pk}/", {"copy": "thumbnail"})
    assert again.status_code == 200 and no_metadata(body(again))
