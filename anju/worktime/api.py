"""The working calendar over JSON: read by every role that sees regions, kept by administrators,
and a deadline calculator so other systems count working time the way the county does."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from anju.core.api import perm_auth
from anju.core.dates import Day

from . import actions, queries
from .calendar import OutOfRange, WorkingCalendar, county_tz, to_local
from .schemas import DayIn, DayOut, DayRange, DeadlineOut, DeadlineQuery

router = Router(tags=["calendar"])


@router.get("", response={200: list[DayOut], 422: dict}, auth=perm_auth("region.view"))
def list_days(request, filters: Query[DayRange]):
    """Holidays and make-up working days in [start, end]; other days follow Monday to Friday."""
    start, end = filters.start, filters.end
    if start is None:
        start = dt.date((end or timezone.localdate(timezone=county_tz())).year, 1, 1)
    if end is None:
        end = dt.date(start.year, 12, 31)
    # Both given: DayRange has checked them. One given: the other makes the range a calendar year.
    return list(queries.days_between(start, end))


# Declared before "/{day}", so that "deadline" is never read as a date.
@router.get("/deadline", response={200: DeadlineOut, 422: dict}, auth=perm_auth("region.view"))
def deadline(request, query: Query[DeadlineQuery]):
    calendar = WorkingCalendar.from_database()
    try:
        if query.working_days is not None:
            due = calendar.add_working_days(query.start, query.working_days)
        else:
            due = calendar.add_working_hours(query.start, query.working_hours)
    except OutOfRange as error:
        return Status(422, {"code": 422, "description": str(error)})
    return {"start": to_local(query.start), "due": due}


@router.put("/{day}", response=DayOut, auth=perm_auth("region.change"))
def put_day(request, day: Day, payload: DayIn):
    return actions.set_day(request.auth, day, payload.kind, payload.name)


@router.delete("/{day}", response={204: None}, auth=perm_auth("region.change"))
def delete_day(request, day: Day):
    """Idempotent: a day without an override answers 204 too."""
    actions.clear_day(request.auth, day)
    return Status(204, None)
