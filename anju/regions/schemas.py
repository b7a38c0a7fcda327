from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = Field(None, alias="parent_id")
    grid_type: str
    households: int | None
    retired_on: dt.date | None


class RegionPage(Schema):
    items: list[RegionOut]
    next_after: str | None


class RegionCreate(Schema):
    code: str = Field(..., min_length=6, max_length=24)
    name: str = Field(..., min_length=1, max_length=100)
    grid_type: str = ""
    households: int | None = Field(None, ge=0)


class RegionPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    grid_type: str | None = None
    households: int | None = Field(None, ge=0)


class StaffOut(Schema):
    user_id: int
    name: str
    role: str
    role_label: str


class BorderOut(Schema):
    neighbour_code: str
    neighbour_name: str
    other_county: str


class BorderIn(Schema):
    neighbour_code: str = Field(..., max_length=24)
    neighbour_name: str = Field("", max_length=100)
    other_county: str = Field("", max_length=100)
