"""Where an event is and what its photos show, through the pages and the API: the location read from a
photo's EXIF, the copies served without EXIF and the original kept for the handling chain, photos
Pillow cannot read refused, the grid found from the point, and the maps' points scoped to the viewer
with nothing personal in them."""

import base64
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from anju.demo import testing
from anju.events.models import Event
from anju.regions.models import Region

pytestmark = pytest.mark.django_db

# 36°36'N 101°42'E: inside the square given to grid A1 below.
GPS = {
    1: "N",
    2: (IFDRational(36), IFDRational(36), IFDRational(0)),
    3: "E",
    4: (IFDRational(101), IFDRational(42), IFDRational(0)),
}
BROKEN_JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"not really a photo" * 10


def jpeg_with_gps(gps=GPS) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "AcmePhone X"  # the phone's make: must never reach a served copy
    exif[0x8825] = gps
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def give_boundary(code: str, west: float, south: float, size: float = 0.02) -> None:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    Region.objects.filter(code=code).update(
        boundary={"type": "Polygon", "coordinates": [ring]},
        bbox_west=west,
        bbox_south=south,
        bbox_east=west + size,
        bbox_north=south + size,
        boundary_updated_at=timezone.now(),
    )


@pytest.fixture
def grid_a1_mapped(db):
    give_boundary(testing.GRID_A1, 101.69, 36.59)


def form(**extra):
    return {
        "type": "grazing-ban",
        "region": testing.VILLAGE_A1,
        "title": "禁牧区放牧",
        "description": "禁牧草场上有羊群。",
        "channel": "grid_worker",
        "extra_herd": ["羊"],
        "extra_count": "40",
        **extra,
    }


def test_a_photo_with_a_location_fills_the_coordinates_and_the_grid_and_is_served_without_exif(
    client_for, grid_a1_mapped
):
    mediator = client_for("mediator_a1")
    photo = SimpleUploadedFile("羊群.jpg", jpeg_with_gps())
    answer = mediator.post("/events/new/", form(photos=[photo]))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    event = Event.objects.get(title="禁牧区放牧")
    assert (float(event.latitude), float(event.longitude)) == (36.6, 101.7)
    assert event.location_from_photo
    # The reporter chose the village; the point lies in grid A1's boundary.
    assert event.region_id == testing.GRID_A1 and event.grid_from_point
    page = mediator.get(f"/events/{event.pk}/").content.decode()
    assert "位置取自照片" in page and "网格由坐标确定" in page
    photo = event.photos.get()
    base = f"/events/{event.pk}/photos/{photo.pk}/"
    assert f"{base}?copy=thumbnail" in page and f"{base}?copy=display" in page
    # The event's point and its grid's boundary on the page's map.
    assert f"/regions/{testing.GRID_A1}/boundaries.geojson" in page and '"lat": 36.6' in page
    leader = client_for("leader")
    for which in ("thumbnail", "display"):
        copy = leader.get(f"{base}?copy={which}")
        assert copy.status_code == 200 and copy["Content-Type"] == "image/jpeg"
        data = b"".join(copy.streaming_content)
        assert b"Exif" not in data and b"AcmePhone" not in data and not Image.open(io.BytesIO(data)).getexif()
    # The original, EXIF and all, stays for the handling chain; the county leader sees copies only.
    instead = leader.get(base)
    assert instead.status_code == 200 and instead["Content-Type"] == "image/jpeg"
    assert b"AcmePhone" not in b"".join(instead.streaming_content)
    assert f'href="{base}"' not in leader.get(f"/events/{event.pk}/").content.decode()
    assert f'href="{base}"' in page
    original = mediator.get(base)
    assert original.status_code == 200 and b"AcmePhone" in b"".join(original.streaming_content)


def test_given_coordinates_win_over_the_photo_and_a_point_outside_every_grid_keeps_the_region(
    client_for, grid_a1_mapped
):
    mediator = client_for("mediator_a1")
    photo = SimpleUploadedFile("羊群.jpg", jpeg_with_gps())
    data = form(photos=[photo], latitude="36.900000", longitude="101.900000")
    assert mediator.post("/events/new/", data).status_code == 302
    event = Event.objects.get(title="禁牧区放牧")
    assert str(event.latitude) == "36.900000" and not event.location_from_photo
    assert event.region_id == testing.VILLAGE_A1 and not event.grid_from_point
    assert "位置取自照片" not in mediator.get(f"/events/{event.pk}/").content.decode()


def test_a_report_point_in_a_grid_lands_there_through_the_api(client_for, grid_a1_mapped):
    answer = client_for("mediator_a1").post(
        "/api/events",
        {
            "region": testing.VILLAGE_A1,
            "category": "illegal-dumping",
            "title": "路边垃圾",
            "description": "路边倾倒了一车建筑垃圾。",
            "latitude": "36.605000",
            "longitude": "101.705000",
            "extra": {"waste": "建筑垃圾", "area": "12"},
            "photos": [{"name": "现场.jpg", "content_base64": base64.b64encode(jpeg_with_gps()).decode()}],
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["region"] == testing.GRID_A1


def test_a_photo_pillow_cannot_read_is_refused_with_a_clear_message(client_for):
    mediator = client_for("mediator_a1")
    refused = mediator.post("/events/new/", form(photos=[SimpleUploadedFile("坏.jpg", BROKEN_JPEG)]))
    assert refused.status_code == 400
    assert "坏.jpg" in refused.content.decode() and "无法读取照片" in refused.content.decode()
    assert not Event.objects.filter(title="禁牧区放牧").exists()
    event = Event.objects.get(title=testing.EVENT_TITLE)
    added = mediator.post(
        f"/events/{event.pk}/photos/", {"file": SimpleUploadedFile("坏.jpg", BROKEN_JPEG), "description": ""}
    )
    assert added.status_code == 400 and "无法读取照片" in added.content.decode()
    answer = mediator.post(
        "/api/events",
        {
            "region": testing.VILLAGE_A1,
            "category": "illegal-dumping",
            "title": "路边垃圾",
            "description": "路边倾倒了一车建筑垃圾。",
            "extra": {"waste": "建筑垃圾", "area": "12"},
            "photos": [{"name": "坏.jpg", "content_base64": base64.b64encode(BROKEN_JPEG).decode()}],
        },
        content_type="application/json",
    )
    assert answer.status_code == 400 and "坏.jpg" in json.dumps(answer.json(), ensure_ascii=False)


def test_the_map_points_are_scoped_and_carry_nothing_personal(client_for, cast):
    event = cast.event()
    mine = client_for("officer_a").get("/events/map.json")
    assert mine.status_code == 200
    points = mine.json()["points"]
    assert [p["label"].split()[0] for p in points] == [event.number]
    assert points[0]["state"] == "dispatched" and points[0]["url"] == f"/events/{event.pk}/"
    text = mine.content.decode()
    for personal in (event.reporter_name, event.reporter_phone, "mediator_a1", "甲调解员"):
        assert personal not in text
    assert client_for("officer_b").get("/events/map.json").json() == {"points": [], "next": None}
    assert client_for("norole").get("/events/map.json").status_code == 403
    board = client_for("officer_b").get("/events/board/").content.decode()
    assert "/events/map.json" in board and event.number not in board
    assert "/events/map.json" in client_for("officer_a").get("/events/board/").content.decode()


def test_the_board_map_draws_the_grids_of_the_jurisdiction(client_for, grid_a1_mapped):
    board = client_for("officer_a").get("/events/board/").content.decode()
    assert f"/regions/{testing.TOWNSHIP_A}/boundaries.geojson" in board
    assert "boundaries.geojson" not in client_for("officer_b").get("/events/board/").content.decode()
