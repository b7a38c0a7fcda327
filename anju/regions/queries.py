"""Named reads of the jurisdiction tree; every one starts from visible_to."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from anju.core.scoping import ALL, prefixes_for

from .choices import Level
from .models import Region, RegionBorder


def roots_for(user, perm: str = "region.view") -> QuerySet[Region]:
    """The top regions of a user's jurisdiction for `perm`: where the tree starts for them."""
    prefixes = prefixes_for(user, perm)
    if prefixes is ALL:
        return Region.objects.filter(parent__isnull=True)
    return Region.objects.filter(code__in=prefixes)


def children_of(region: Region, user) -> QuerySet[Region]:
    return (
        Region.objects.visible_to(user, "view")
        .filter(parent=region)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


def search(user, text: str, limit: int = 50) -> QuerySet[Region]:
    text = text.strip()
    return (
        Region.objects.visible_to(user, "view")
        .filter(Q(name__icontains=text) | Q(code__startswith=text))
        .order_by("code")[:limit]
    )


def staff_of(region: Region, user) -> QuerySet:
    """The role assignments on this region the user may see. accounts hangs them on the region
    (`role_assignments`); regions stands below accounts, so it reads them through that relation
    rather than importing accounts."""
    return (
        region.role_assignments.visible_to(user, "view")
        .select_related("user")
        .filter(user__is_active=True)
        .order_by("role", "user__username")
    )


def borders_of(region: Region, user) -> QuerySet[RegionBorder]:
    return RegionBorder.objects.visible_to(user, "view").filter(region=region)


def subtree_for_export(user, root: Region | None) -> QuerySet[Region]:
    regions = Region.objects.visible_to(user, "view")
    if root is not None:
        regions = regions.in_subtree(root.code)
    return regions.order_by("code")


def export_rows(regions: QuerySet[Region]):
    for r in regions.iterator(chunk_size=2000):
        yield [
            r.code,
            r.name,
            r.level,
            r.parent_id or "",
            r.grid_type,
            r.households,
            r.retired_on.isoformat() if r.retired_on else "",
        ]


def boundaries_under(region: Region, user) -> QuerySet[Region]:
    """The grids with a boundary in a region's subtree (the region itself when it is a grid) that
    the user may see, retired ones left out."""
    return (
        Region.objects.visible_to(user, "view")
        .in_subtree(region.code)
        .filter(level=Level.GRID, boundary__isnull=False, retired_on__isnull=True)
        .order_by("code")
    )
