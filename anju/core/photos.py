"""Photos from the field: what a phone sends is checked (JPEG, PNG, WebP, and HEIC where the HEIF
plug-in is installed), its location read from EXIF, and copies made for the page (turned upright,
resized, every EXIF field and other metadata left out). The original is never changed: it is the
evidence, kept as it came.

The copies carry nothing but pixels because a photo's EXIF says more than the case needs (the
phone's make and serial, the time to the second, other places' coordinates in thumbnails)."""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# A phone's largest photos are about 50 megapixels; past this a file is a decompression bomb (a few
# kilobytes that unpack to gigabytes), refused before its pixels are read.
MAX_PIXELS = 60_000_000
DISPLAY_SIZE = 1600  # the longer side of the copy shown on a case's page
THUMBNAIL_SIZE = 320  # the longer side of the copy in lists and beside the timeline
JPEG_QUALITY = 82
GPS_IFD = 0x8825
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4
HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}


class PhotoError(ValueError):
    """Why a file is not a photo the system takes, said for the person who sent it."""


@dataclass(frozen=True)
class Copies:
    """What a photo gives: its type, size and location, and the two copies to serve (JPEG, no metadata)."""

    content_type: str
    width: int
    height: int
    location: tuple[float, float] | None  # (latitude, longitude) from EXIF
    display: bytes
    thumbnail: bytes


def heic_supported() -> bool:
    """HEIC (an iPhone's default) needs the pillow-heif plug-in, which is not a dependency: it
    brings libheif, which not every county server has. Without it HEIC is refused by name."""
    try:
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_heif_opener()
    return True


def sniff(head: bytes) -> str | None:
    """The format told by a file's first bytes: JPEG, PNG, WEBP or HEIF; None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


def _open(data: bytes) -> tuple[Image.Image, str]:
    kind = sniff(data[:16])
    if kind is None:
        raise PhotoError(_("Only photos (JPEG, PNG, WebP or HEIC) are taken."))
    if kind == "HEIF" and not heic_supported():
        raise PhotoError(
            _(
                "HEIC photos cannot be read on this server: set the phone to take JPEG (Settings › Camera › "
                "Formats › Most Compatible) or send the photo as JPEG."
            )
        )
    try:
        # Pillow's own bomb check warns at its limit and raises at twice it; ours is stricter and
        # comes first, read from the header before any pixel is decoded.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(_too_large()) from None
    except (UnidentifiedImageError, OSError):
        raise PhotoError(
            _("The photo cannot be read: the file is damaged or not what its type says.")
        ) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise PhotoError(_too_large())
    return image, kind


def _too_large() -> str:
    return _("The photo has more than %(mp)d megapixels: it is refused.") % {"mp": MAX_PIXELS // 1_000_000}


def _number(value) -> float | None:
    """An EXIF rational (Pillow's IFDRational, or a (numerator, denominator) pair) as a float."""
    try:
        if isinstance(value, tuple):
            numerator, denominator = value
            return numerator / denominator if denominator else None
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _degrees(value, ref, negative: str) -> float | None:
    if not isinstance(value, tuple | list) or not 1 <= len(value) <= 3:
        return None
    parts = [_number(v) for v in value]
    if any(p is None or p < 0 for p in parts):
        return None
    parts += [0.0] * (3 - len(parts))
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    return -degrees if str(ref or "").strip().upper().startswith(negative) else degrees


def location_of(image: Image.Image) -> tuple[float, float] | None:
    """(latitude, longitude) in decimal degrees from the photo's EXIF GPS tags, or None when the
    photo has none or they make no sense (a phone without a fix writes zeros or nothing)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # a damaged EXIF block is no location, not a refused photo
        return None
    if not gps:
        return None
    lat = _degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), "S")
    lon = _degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return None
    return round(lat, 7), round(lon, 7)


def _jpeg(image: Image.Image, size: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    # A fresh image holds only pixels: no EXIF, XMP, ICC profile, comments or text chunks go along.
    clean = Image.new("RGB", copy.size)
    clean.paste(copy)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def process(data: bytes) -> Copies:
    """Check a photo and make its copies; a PhotoError says why it is refused."""
    image, kind = _open(data)
    try:
        location = location_of(image)
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # a damaged orientation tag: show the photo as it was taken
            upright = image
        upright.load()
        if upright.mode in ("RGBA", "LA", "P", "PA"):
            # Transparency becomes white, as a photo printed on paper would show it.
            rgba = upright.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            upright = flat
        elif upright.mode != "RGB":
            upright = upright.convert("RGB")
        return Copies(
            content_type=CONTENT_TYPES[kind],
            width=upright.width,
            height=upright.height,
            location=location,
            display=_jpeg(upright, DISPLAY_SIZE),
            thumbnail=_jpeg(upright, THUMBNAIL_SIZE),
        )
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        if isinstance(error, PhotoError):
            raise
        raise PhotoError(
            _("The photo cannot be read: the file is damaged or not what its type says.")
        ) from None
    finally:
        image.close()
