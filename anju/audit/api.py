from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field, model_validator

from anju.core.api import perm_auth
from anju.core.dates import Day, check_day_order

from . import queries

router = Router(tags=["audit"])


class EventOut(Schema):
    id: int
    at: dt.datetime
    actor_username: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    region_code: str
    before: dict | None
    after: dict | None
    result: str
    detail: str
    request_id: str
    ip: str | None


class EventFilter(Schema):
    user: str = Field("", max_length=150)
    action: str = Field("", max_length=60)
    object_type: str = Field("", max_length=60)
    object_id: str = Field("", max_length=64)
    result: str = Field("", pattern="^(|ok|refused)$")
    date_from: Day | None = None
    date_to: Day | None = None
    limit: int = Field(100, ge=1, le=1000)
    before_id: int | None = Field(None, description="keyset cursor: the last id of the previous page")

    @model_validator(mode="after")
    def dates_in_order(self):
        check_day_order(self.date_from, self.date_to)
        return self


@router.get("/events", response=list[EventOut], auth=perm_auth("audit.view"))
def list_events(request, filters: Query[EventFilter]):
    events = queries.search_events(
        request.auth,
        user_name=filters.user,
        action=filters.action,
        object_type=filters.object_type,
        object_id=filters.object_id,
        result=filters.result,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    if filters.before_id:
        events = events.filter(id__lt=filters.before_id)
    return list(events[: filters.limit])
