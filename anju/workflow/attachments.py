"""Files in a case file: photos, scans and PDFs, recognised by their first bytes rather than by
their names, and added to any kind's file with a timeline row and an audit row."""

from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded
from anju.core import photos
from anju.core.scoping import covers

from .engine import note_row
from .kinds import Kind

# What a case file accepts, recognised by the file's first bytes rather than its name.
SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"%PDF-": ("application/pdf", ".pdf"),
}


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ("image/webp", ".webp")
    return None


# Names in a PDF that make it act rather than show: scripts, launching programs, files carried
# inside, rich media. A county's scans and printed documents have none of them.
ACTIVE_PDF_NAMES = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia"}
)
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")
# What the streams of one PDF may inflate to while being read for active content: a compressed
# stream that unpacks to more than this is refused rather than read (a bomb, not a scan).
PDF_INFLATE_LIMIT = 64 * 2**20


def _pdf_names(data: bytes) -> set[bytes]:
    """The names in PDF text, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {
        re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), n)
        for n in _PDF_NAME.findall(data)
    }


def pdf_is_active(data: bytes) -> bool:
    """Does the PDF hold scripts, launch actions, embedded files or rich media, in its plain text
    or in its compressed streams (object streams hide dictionaries there)? A stream that inflates
    past PDF_INFLATE_LIMIT counts as active: it is not read further."""
    if _pdf_names(data) & ACTIVE_PDF_NAMES:
        return True
    budget = PDF_INFLATE_LIMIT
    for match in _PDF_STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[match.end() : match.end() + budget], budget)
        except zlib.error:
            continue  # not a Flate stream (an image's DCT data, say)
        if inflater.unconsumed_tail:
            return True
        budget -= len(inflated)
        if budget <= 0:
            return True
        if _pdf_names(inflated) & ACTIVE_PDF_NAMES:
            return True
    return False


def check_attachment(upload) -> tuple[str, str]:
    """The content type and extension of a file the case file takes (JPEG, PNG, WebP or PDF, up to
    ANJU_ATTACHMENT_MAX_MB), told by its first bytes; a ValidationError saying why it is not one."""
    if upload.size > settings.ANJU_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.ANJU_ATTACHMENT_MAX_BYTES // 2**20}
        )
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(_("Only photos (JPEG, PNG, WebP) and PDF files can be attached."))
    if kind[0] == "application/pdf":
        data = upload.read()
        upload.seek(0)
        if pdf_is_active(data):
            raise ValidationError(
                _(
                    "This PDF holds scripts, embedded files or actions, which the case file does not take. "
                    "Print it to a new PDF or scan the paper instead."
                )
            )
    return kind


def download(attachment, filename: str):
    """The response that serves a stored file: always as a download, never shown by the browser
    as a page of the site (a PDF's scripts, an SVG's, a polyglot's), with its type fixed and a
    sandbox for any browser that shows it anyway. Images still show in the case page's <img>."""
    from urllib.parse import quote

    from django.http import FileResponse

    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# The copies of a photo made for the page (anju/core/photos.py), stored beside the original under
# the same name with a suffix, so no kind's attachment model needs a column for them.
PHOTO_COPIES = ("display", "thumbnail")


def copy_name(attachment, which: str) -> str:
    return f"{attachment.file.name}.{which}.jpg"


def make_photo_copies(attachment, copies: photos.Copies | None = None) -> photos.Copies:
    """Store a photo attachment's display copy and thumbnail (upright, resized, no EXIF) beside the
    original, which stays as it came; the Copies tell the photo's EXIF location. A PhotoError when
    the file is not a photo Pillow can read. `copies` already made from the same file (a kind that
    read the photo before saving) are stored as they are rather than made twice."""
    if not attachment.content_type.startswith("image/"):
        raise photos.PhotoError(_("Only photos have copies for the page."))
    if copies is None:
        with attachment.file.open("rb") as original:
            copies = photos.process(original.read())
    storage = attachment.file.storage
    for which in PHOTO_COPIES:
        name = copy_name(attachment, which)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(getattr(copies, which)))
    return copies


def serve_photo_copy(attachment, which: str):
    """The response with a photo's display copy or thumbnail: pixels only, shown inline. Made on the
    first request for a photo attached before copies existed; Http404 for a PDF, an unknown copy or a
    photo that cannot be read."""
    from django.http import FileResponse, Http404

    if which not in PHOTO_COPIES or not attachment.content_type.startswith("image/"):
        raise Http404
    storage = attachment.file.storage
    name = copy_name(attachment, which)
    if not storage.exists(name):
        try:
            make_photo_copies(attachment)
        except photos.PhotoError:
            raise Http404 from None
    response = FileResponse(storage.open(name, "rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def check_files(uploads: Sequence[UploadedFile], limit: int) -> None:
    """Files sent with a registration: at most `limit`, each one the case file takes. Every bad file
    is named, so the worker knows which to leave out."""
    if len(uploads) > limit:
        message = _(
            "At most %(limit)d files can be sent with a registration; add the others on the case's page."
        )
        raise ValidationError({"attachments": message % {"limit": limit}})
    errors = []
    for upload in uploads:
        try:
            check_attachment(upload)
        except ValidationError as error:
            errors.extend(
                _("%(file)s: %(message)s") % {"file": upload.name, "message": m} for m in error.messages
            )
    if errors:
        raise ValidationError({"attachments": errors})


def may_attach(kind: Kind, user, case) -> bool:
    if kind.may_attach is not None:
        return kind.may_attach(user, case)
    return covers(user, kind.handle_perm, case.handling_unit_id)


def attach(kind: Kind, actor, case, upload, *, description: str = "", copies: photos.Copies | None = None):
    """Add a file to the case file: checked by its content, stored under MEDIA_ROOT (served only
    through the scoped view), on the timeline and in the audit trail. `copies`: the photo's copies
    when the kind has already made them (see make_photo_copies)."""
    action = f"{kind.name}.attach"
    with refusals_recorded(actor, action, case, region_code=kind.region_code(case)):
        if not may_attach(kind, actor, case):
            raise PermissionDenied(_("You may not add files to this case."))
        try:
            content_type, extension = check_attachment(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        with transaction.atomic():
            attachment = kind.attachment_model(
                **{kind.case_field: case},
                original_name=upload.name[:200],
                content_type=content_type,
                size=upload.size,
                description=description[:200],
                uploaded_by=actor,
            )
            attachment.file.save(f"upload{extension}", upload, save=False)
            attachment.save()
            if content_type.startswith("image/"):
                # The copies are for the page; a photo Pillow cannot read is still kept as evidence
                # (it passed the signature check), and shown as a file name only.
                with contextlib.suppress(photos.PhotoError):
                    make_photo_copies(attachment, copies)
            note_row(kind, case, actor, "attach", upload.name[:200])
            record(
                actor,
                action,
                case,
                region_code=kind.region_code(case),
                after={"file": upload.name[:200], "size": upload.size},
            )
    return attachment
