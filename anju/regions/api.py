from __future__ import annotations

from django.db.models import Q
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from anju.core.api import perm_auth
from anju.core.scoping import get_scoped_or_404

from . import actions, queries
from .choices import Level
from .models import Region
from .schemas import BorderIn, BorderOut, RegionCreate, RegionOut, RegionPage, RegionPatch, StaffOut

router = Router(tags=["regions"])


class RegionFilter(Schema):
    parent: str | None = Field(None, max_length=17)
    level: Level | None = None
    q: str | None = Field(None, max_length=50)
    after: str | None = Field(
        None, max_length=17, description="keyset cursor: the last code of the previous page"
    )
    limit: int = Field(100, ge=1, le=1000)


@router.get("", response=RegionPage, auth=perm_auth("region.view"))
def list_regions(request, filters: Query[RegionFilter]):
    regions = Region.objects.visible_to(request.auth, "view")
    if filters.parent:
        regions = regions.filter(parent_id=filters.parent)
    if filters.level:
        regions = regions.filter(level=filters.level)
    if filters.q:
        regions = regions.filter(Q(name__icontains=filters.q) | Q(code__startswith=filters.q))
    if filters.after:
        regions = regions.filter(code__gt=filters.after)
    items = list(regions.order_by("code")[: filters.limit + 1])
    more = len(items) > filters.limit
    items = items[: filters.limit]
    return {"items": items, "next_after": items[-1].code if more else None}


@router.post("", response={201: RegionOut}, auth=perm_auth("region.change"))
def create_region(request, payload: RegionCreate):
    return Status(201, actions.create_region(request.auth, **payload.dict()))


@router.get("/{code}", response=RegionOut, auth=perm_auth("region.view"))
def get_region(request, code: str):
    return get_scoped_or_404(Region, request.auth, "view", code=code)


@router.patch("/{code}", response=RegionOut, auth=perm_auth("region.change"))
def patch_region(request, code: str, payload: RegionPatch):
    region = get_scoped_or_404(Region, request.auth, "change", code=code)
    return actions.update_region(request.auth, region, **payload.dict(exclude_unset=True))


@router.post("/{code}/retire", response=RegionOut, auth=perm_auth("region.change"))
def retire_region(request, code: str):
    region = get_scoped_or_404(Region, request.auth, "change", code=code)
    return region if region.is_retired else actions.retire_region(request.auth, region)


@router.get("/{code}/children", response=list[RegionOut], auth=perm_auth("region.view"))
def region_children(request, code: str):
    region = get_scoped_or_404(Region, request.auth, "view", code=code)
    return list(queries.children_of(region, request.auth))


@router.get("/{code}/staff", response=list[StaffOut], auth=perm_auth("region.view"))
def region_staff(request, code: str):
    region = get_scoped_or_404(Region, request.auth, "view", code=code)
    return [
        {
            "user_id": a.user_id,
            "name": a.user.display_name,
            "role": a.role,
            "role_label": str(a.get_role_display()),
        }
        for a in queries.staff_of(region, request.auth)
    ]


@router.get("/{code}/borders", response=list[BorderOut], auth=perm_auth("region.view"))
def region_borders(request, code: str):
    region = get_scoped_or_404(Region, request.auth, "view", code=code)
    return list(queries.borders_of(region, request.auth))


@router.post("/{code}/borders", response={201: BorderOut}, auth=perm_auth("region.change"))
def add_border(request, code: str, payload: BorderIn):
    region = get_scoped_or_404(Region, request.auth, "change", code=code)
    return Status(201, actions.add_border(request.auth, region, **payload.dict()))
