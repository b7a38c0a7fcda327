"""Photos from the field: the location read from EXIF, the copies upright, resized and carrying no
EXIF at all, the original untouched, and what is not a photo (or is a bomb) refused with a reason."""

import io
import struct
import zlib

import pytest
from django.utils import translation
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from anju.core import photos

MAKE, ORIENTATION, GPS = 0x010F, 0x0112, 0x8825


def jpeg_with_exif(size=(3000, 2000), orientation=1, gps=None, fmt="JPEG") -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "AcmePhone X"
    exif[0x0131] = "Camera 1.2"  # Software
    exif[ORIENTATION] = orientation
    if gps is not None:
        exif[GPS] = gps
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))  # left half blue: tells rotation apart
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def rational(*values):
    return tuple(IFDRational(v) if isinstance(v, int) else IFDRational(*v) for v in values)


SOUTH_WEST = {1: "S", 2: rational(36, 30, (1234, 100)), 3: "W", 4: rational(103, 51, 0)}
NORTH_EAST = {1: b"N", 2: rational(35, 37, (2460, 100)), 3: b"E", 4: rational(103, (45, 2), 0)}


def no_metadata(data: bytes) -> bool:
    image = Image.open(io.BytesIO(data))
    return (
        not image.getexif()
        and b"Exif\x00\x00" not in data
        and b"AcmePhone" not in data
        and b"ns.adobe.com/xap" not in data
        and "exif" not in image.info
        and "icc_profile" not in image.info
    )


def test_the_location_is_read_with_its_references_and_every_exif_field_is_left_out_of_the_copies():
    original = jpeg_with_exif(gps=SOUTH_WEST)
    kept = bytes(original)
    copies = photos.process(original)
    assert copies.location == pytest.approx((-(36 + 30 / 60 + 12.34 / 3600), -(103 + 51 / 60)))
    assert copies.content_type == "image/jpeg"
    assert original == kept  # the evidence is not touched
    assert no_metadata(copies.display) and no_metadata(copies.thumbnail)
    assert Image.open(io.BytesIO(copies.display)).size == (1600, 1067)
    assert max(Image.open(io.BytesIO(copies.thumbnail)).size) == 320


def test_north_east_references_as_bytes_and_fractional_minutes():
    copies = photos.process(jpeg_with_exif(size=(200, 100), gps=NORTH_EAST))
    assert copies.location == pytest.approx((35 + 37 / 60 + 24.6 / 3600, 103 + 22.5 / 60))
    # A small photo is not blown up.
    assert Image.open(io.BytesIO(copies.display)).size == (200, 100)


@pytest.mark.parametrize(
    "gps",
    [
        None,
        {},
        {1: "N", 2: rational(0, 0, 0), 3: "E", 4: rational(0, 0, 0)},  # a phone without a fix
        {1: "N", 2: rational(95, 0, 0), 3: "E", 4: rational(103, 0, 0)},  # no such latitude
        {1: "N", 2: (IFDRational(36, 0),), 3: "E", 4: rational(103, 0, 0)},  # a zero denominator
        {1: "N", 3: "E", 4: rational(103, 0, 0)},  # half a position
    ],
)
def test_no_or_nonsense_gps_gives_no_location(gps):
    assert photos.process(jpeg_with_exif(size=(100, 50), gps=gps)).location is None


def test_the_orientation_tag_is_applied_to_the_copies():
    copies = photos.process(jpeg_with_exif(size=(400, 200), orientation=6))  # "rotate 90° clockwise"
    display = Image.open(io.BytesIO(copies.display)).convert("RGB")
    assert display.size == (200, 400)
    # The blue left half of the sensor's picture is now the top.
    assert display.getpixel((100, 20))[2] > 200 and display.getpixel((100, 380))[0] > 200


def test_png_with_transparency_and_webp_are_taken():
    rgba = Image.new("RGBA", (50, 40), (0, 0, 0, 0))
    buffer = io.BytesIO()
    rgba.save(buffer, "PNG")
    copies = photos.process(buffer.getvalue())
    assert copies.content_type == "image/png"
    assert Image.open(io.BytesIO(copies.thumbnail)).convert("RGB").getpixel((5, 5)) == (255, 255, 255)
    webp = photos.process(jpeg_with_exif(size=(120, 80), gps=SOUTH_WEST, fmt="WEBP"))
    assert webp.content_type == "image/webp" and webp.location is not None
    assert no_metadata(webp.display)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims enormous dimensions: a few dozen bytes that would unpack to gigabytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(10_000, 7_000), (50_000, 50_000)])
def test_a_decompression_bomb_is_refused_before_its_pixels_are_read(size):
    with translation.override("en"), pytest.raises(photos.PhotoError, match="megapixels"):
        photos.process(png_header_only(*size))


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"%PDF-1.7 not a photo", "Only photos"),
        (b"GIF89a" + b"\x00" * 40, "Only photos"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "cannot be read"),
    ],
)
def test_what_is_not_a_photo_is_refused_with_the_reason(data, said):
    with translation.override("en"), pytest.raises(photos.PhotoError, match=said):
        photos.process(data)


def test_heic_without_the_plugin_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(photos, "heic_supported", lambda: False)
    heic_head = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    with translation.override("en"), pytest.raises(photos.PhotoError, match="HEIC"):
        photos.process(heic_head + b"\x00" * 100)
