"""Keyset pages on (a time or a day, id), newest first, and the cursors a list gives out for them:
as fast on page 5,000 as on page 1. Every case list pages this way (disputes on registered_at, grid
events on reported_at, tips on registered_at, with the same cursor text, so a device pages them all
alike; the supervision lists with cursors of their own)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

Cursor = tuple[dt.datetime, int]


@dataclass
class Page:
    rows: list
    # Where the next page starts (`after`) and where the previous one ends (`before`); None at the end.
    next: Cursor | None
    prev: Cursor | None


def older_than(field: str, cursor: Cursor) -> Q:
    # The plain `field <= at` repeats what the OR says, for the database: it starts the index scan
    # at the cursor. With the OR alone PostgreSQL read the dispute index from the newest row and
    # filtered: 20,000 rows into 200,000 that was 28 ms a page, bounded 0.6 ms (bench/README.md).
    at, pk = cursor
    return Q(**{f"{field}__lte": at}) & (Q(**{f"{field}__lt": at}) | Q(**{field: at, "id__lt": pk}))


def newer_than(field: str, cursor: Cursor) -> Q:
    at, pk = cursor
    return Q(**{f"{field}__gte": at}) & (Q(**{f"{field}__gt": at}) | Q(**{field: at, "id__gt": pk}))


def page_query(
    rows: QuerySet, field: str, *, after: Cursor | None = None, before: Cursor | None = None, size: int
) -> QuerySet:
    """The one query `page` runs for a page: a row more than the page, to know whether another
    follows; read backward (oldest first) for `before`."""
    if before is not None:
        return rows.filter(newer_than(field, before)).order_by(field, "id")[: size + 1]
    if after is not None:
        rows = rows.filter(older_than(field, after))
    return rows.order_by(f"-{field}", "-id")[: size + 1]


def page(
    rows: QuerySet, field: str, *, after: Cursor | None = None, before: Cursor | None = None, size: int
) -> Page:
    """Keyset pagination on (field, id) descending. `after` reads on from the last row shown;
    `before` reads back from the first one, walking the same index the other way and turning the
    rows round. Neither counts rows nor steps over the earlier pages (no OFFSET), and as each page
    is read from a row, not from a position, rows added meanwhile neither push a row onto the next
    page twice nor hide one."""
    if after is not None and before is not None:
        raise ValueError("a page is read after one row or before one, not both")

    def key(row) -> Cursor:
        return getattr(row, field), row.pk

    if before is None:
        found = list(page_query(rows, field, after=after, size=size))
        more = len(found) > size
        found = found[:size]
        # A page read after a cursor has rows before it; if they have all gone since, reading back
        # from the cursor itself finds the start of the list (below) rather than an empty page.
        prev = (key(found[0]) if found else after) if after is not None else None
        return Page(found, next=key(found[-1]) if more else None, prev=prev)
    found = list(page_query(rows, field, before=before, size=size))
    if not found:
        # Nothing is newer than the cursor any more: the list starts here, so show its first page.
        return page(rows, field, size=size)
    more = len(found) > size
    found = found[:size][::-1]
    # Fewer than a page before the cursor is the start of the list. It is not filled up from the
    # cursor's own page: those rows were just shown, and the next link leads back to them.
    return Page(found, next=key(found[-1]), prev=key(found[0]) if more else None)


def encode_cursor(cursor: Cursor | None) -> str | None:
    if cursor is None:
        return None
    return f"{cursor[0].timestamp():.6f}_{cursor[1]}"


def decode_cursor(raw: str | None) -> Cursor | None:
    if not raw:
        return None
    try:
        stamp, pk = raw.split("_")
        return dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC), int(pk)
    except (ValueError, OverflowError, OSError):
        raise ValueError("bad cursor") from None


def decode_cursors(after: str | None, before: str | None) -> tuple[Cursor | None, Cursor | None]:
    """A list's two cursors, decoded; ValueError for one the server did not give out, or for both
    at once (no link carries both, and "after this row and before that one" is no page)."""
    if after and before:
        raise ValueError("two cursors")
    return decode_cursor(after), decode_cursor(before)


def cursors_from(request, form) -> tuple[Cursor | None, Cursor | None]:
    """A list page's cursors, from its address (`cursor`, `before`). One the server did not give
    out is said above the filter form (the page answers 400 with no rows), and none is used."""
    try:
        return decode_cursors(request.GET.get("cursor"), request.GET.get("before"))
    except ValueError:
        form.add_error(
            None, _("This page cursor is not one the server gave out; start again from the first page.")
        )
        return None, None


def pager_query(request) -> str:
    """The list's address without its cursors: the pager's links keep the filters and replace only
    the cursor."""
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("before", None)
    return query.urlencode()
