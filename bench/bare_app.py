"""WSGI entry and URLconf for bench/create_api.py: the product's URLs unchanged, plus one bare
django-ninja endpoint that parses the registration's JSON and writes it with one INSERT into a
bench-only table. Registrations/s over its requests/s is what the registration's own work costs,
on the same server, load and minutes; neither module is imported by the product.

    gunicorn --pythonpath bench bare_app:application"""

from __future__ import annotations

import json
import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bare_settings"
application = get_wsgi_application()

from bare_settings import BARE_TABLE  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import NinjaAPI, Schema  # noqa: E402
from pydantic import Field  # noqa: E402

from anju.urls import urlpatterns as product_urlpatterns  # noqa: E402

bare = NinjaAPI(title="bench bare endpoint", urls_namespace="bench_bare", docs_url=None)


class PartyIn(Schema):
    role: str = Field(max_length=20)
    name: str = Field(max_length=100)
    phone: str = Field("", max_length=20)


class CaseIn(Schema):
    region: str = Field(max_length=20)
    channel: str = Field(max_length=20)
    category: str = Field(max_length=40)
    title: str = Field(max_length=100)
    description: str = Field(max_length=10_000)
    check_duplicates: bool = True
    parties: list[PartyIn] = Field(min_length=1, max_length=20)


@bare.post("/cases", response={201: dict})
def register_bare(request, payload: CaseIn):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (region_id, category, title, description, parties)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING id",
            [
                payload.region,
                payload.category,
                payload.title,
                payload.description,
                json.dumps([p.dict() for p in payload.parties], ensure_ascii=False),
            ],
        )
        return 201, {"id": cursor.fetchone()[0]}


urlpatterns = [*product_urlpatterns, path("bench/bare/", bare.urls)]
