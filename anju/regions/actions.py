"""Every write to the jurisdiction tree: permission, the change, the scope re-check and the audit
row, in one transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded, rejected_import_detail, snapshot
from anju.core.scoping import OutOfScope, covers, require_in_scope
from anju.core.tabular import ImportReport, RowError

from . import codes, geo
from .boundaries import ParsedBoundaries
from .choices import Level
from .importing import REGIONS, Parsed
from .models import Region, RegionBorder

FIELDS = ["name", "level", "parent_id", "grid_type", "households", "retired_on"]


def _check_change(actor, code: str) -> None:
    if not covers(actor, "region.change", code):
        raise OutOfScope(_("You may not change regions outside your jurisdiction."))


def create_region(
    actor, *, code: str, name: str, grid_type: str = "", households: int | None = None
) -> Region:
    code = codes.normalise(code)
    with refusals_recorded(
        actor, "region.create", region_code=code[:17], object_type="regions.region", object_id=code[:17]
    ):
        try:
            parent = codes.parent_code(code)
        except ValidationError as error:
            raise ValidationError({"code": error.messages}) from None
        _check_change(actor, parent or code)
        with transaction.atomic():
            if Region.objects.filter(code=code).exists():
                raise ValidationError({"code": _("Region %(code)s already exists.") % {"code": code}})
            region = Region(
                code=code,
                name=name.strip(),
                level=codes.level_of(code),
                parent=Region.objects.filter(code=parent).first() if parent else None,
                grid_type=grid_type,
                households=households,
            )
            if parent and region.parent is None:
                raise ValidationError(
                    {"code": _("The parent region %(code)s does not exist.") % {"code": parent}}
                )
            region.full_clean()
            region.save(force_insert=True)
            require_in_scope(region, actor, "change")
            record(actor, "region.create", region, region_code=code, after=snapshot(region, FIELDS))
    return region


def update_region(actor, region: Region, **changes) -> Region:
    allowed = {"name", "grid_type", "households"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    with refusals_recorded(actor, "region.update", region, region_code=region.code):
        _check_change(actor, region.code)
        with transaction.atomic():
            region = Region.objects.select_for_update().get(pk=region.pk)
            before = snapshot(region, FIELDS)
            for name, value in changes.items():
                setattr(region, name, value.strip() if isinstance(value, str) else value)
            region.full_clean()
            region.save()
            require_in_scope(region, actor, "change")
            record(
                actor,
                "region.update",
                region,
                region_code=region.code,
                before=before,
                after=snapshot(region, FIELDS),
            )
    return region


def retire_region(actor, region: Region, on: dt.date | None = None) -> Region:
    """Retire a region and its subtree: the codes stay, resolvable, and are never reused."""
    with refusals_recorded(actor, "region.retire", region, region_code=region.code):
        _check_change(actor, region.code)
        on = on or timezone.localdate()
        with transaction.atomic():
            count = (
                Region.objects.in_subtree(region.code).filter(retired_on__isnull=True).update(retired_on=on)
            )
            region.refresh_from_db()
            record(
                actor,
                "region.retire",
                region,
                region_code=region.code,
                after={"retired_on": str(on), "regions": count},
            )
    return region


def add_border(
    actor, region: Region, *, neighbour_code: str, neighbour_name: str = "", other_county: str = ""
) -> RegionBorder:
    """Link a border region. A local neighbour gets the link back; another county's is named by hand."""
    neighbour_code = codes.normalise(neighbour_code)
    with refusals_recorded(actor, "region.border.add", region, region_code=region.code):
        _check_change(actor, region.code)
        codes.level_of(neighbour_code)
        if neighbour_code == region.code:
            raise ValidationError({"neighbour_code": _("A region cannot border itself.")})
        local = Region.objects.filter(code=neighbour_code).first()
        if local is None and not other_county:
            raise ValidationError(
                {
                    "neighbour_code": _("%(code)s is not a region of this county: name the other county.")
                    % {"code": neighbour_code}
                }
            )
        with transaction.atomic():
            border, _created = RegionBorder.objects.update_or_create(
                region=region,
                neighbour_code=neighbour_code,
                defaults={
                    "neighbour_name": local.name if local else neighbour_name.strip(),
                    "other_county": "" if local else other_county.strip(),
                },
            )
            if local is not None:
                RegionBorder.objects.update_or_create(
                    region=local,
                    neighbour_code=region.code,
                    defaults={"neighbour_name": region.name, "other_county": ""},
                )
            record(
                actor,
                "region.border.add",
                region,
                region_code=region.code,
                after={"neighbour": neighbour_code, "other_county": border.other_county},
            )
    return border


def remove_border(actor, border: RegionBorder) -> None:
    region = border.region
    with refusals_recorded(actor, "region.border.remove", region, region_code=region.code):
        _check_change(actor, region.code)
        with transaction.atomic():
            RegionBorder.objects.filter(region=region, neighbour_code=border.neighbour_code).delete()
            RegionBorder.objects.filter(region_id=border.neighbour_code, neighbour_code=region.code).delete()
            record(
                actor,
                "region.border.remove",
                region,
                region_code=region.code,
                before={"neighbour": border.neighbour_code},
            )


def import_regions(actor, parsed: Parsed, *, filename: str = "") -> ImportReport:
    """Create or update every row of a checked table, or nothing at all if any row is bad.
    Re-importing the same file changes nothing: rows are matched on their code."""
    report = ImportReport(errors=list(parsed.errors))
    rows = sorted(parsed.rows, key=lambda r: (len(r.code), r.code))
    in_file = {r.code for r in rows}
    wanted_parents = {r.parent_code for r in rows if r.parent_code} - in_file
    parents = set(Region.objects.filter(code__in=wanted_parents).values_list("code", flat=True))
    for row in rows:
        if not covers(actor, "region.change", row.code):
            message = _("%(code)s is outside your jurisdiction.")
            report.errors.append(RowError(row.row, REGIONS.heading("code"), message % {"code": row.code}))
        elif row.parent_code and row.parent_code not in parents and row.parent_code not in in_file:
            message = _("The parent region %(code)s is neither in the file nor in the tree.")
            column = REGIONS.heading("parent_code")
            report.errors.append(RowError(row.row, column, message % {"code": row.parent_code}))
    report.errors.sort(key=lambda e: e.row)
    if report.errors:
        record(
            actor, "region.import", result="refused", detail=rejected_import_detail(filename, report.bad_rows)
        )
        return report
    with transaction.atomic():
        existing = {r.code: r for r in Region.objects.select_for_update().filter(code__in=in_file)}
        for row in rows:
            values = {
                "name": row.name,
                "level": row.level,
                "parent_id": row.parent_code,
                "grid_type": row.grid_type,
                "households": row.households,
                "retired_on": row.retired_on,
            }
            region = existing.get(row.code)
            if region is None:
                Region.objects.create(code=row.code, **values)
                report.created += 1
            elif any(getattr(region, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(region, k, v)
                region.save()
                report.updated += 1
            else:
                report.unchanged += 1
        record(
            actor,
            "region.import",
            region_code=min((r.code for r in rows), key=len, default=""),
            after={
                "file": filename,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    return report


def import_boundaries(
    actor, parsed: ParsedBoundaries, *, within: Region | None = None, filename: str = ""
) -> ImportReport:
    """Set the boundary of every grid named in a checked GeoJSON file, or of none if any feature is
    bad: the grid must exist, be a grid, lie under `within` and in the actor's jurisdiction. A name
    stands for a grid only where one grid under `within` bears it."""
    report = ImportReport(errors=list(parsed.errors))
    prefix = within.code if within else ""
    grids = Region.objects.filter(level=Level.GRID, code__startswith=prefix)
    by_code = {r.code: r for r in Region.objects.filter(code__in={f.code for f in parsed.features if f.code})}
    by_name: dict[str, list[Region]] = {}
    for region in grids.filter(name__in={f.name for f in parsed.features if not f.code}):
        by_name.setdefault(region.name, []).append(region)
    matched: list[tuple[Region, dict]] = []
    for feature in parsed.features:
        if feature.code:
            region = by_code.get(feature.code)
            if region is None:
                message = _("%(code)s is not a region of this county.") % {"code": feature.code}
                report.errors.append(RowError(feature.number, "code", message))
                continue
        else:
            found = by_name.get(feature.name, [])
            if len(found) != 1:
                message = (
                    _("No grid is named %(name)s here.")
                    if not found
                    else _("%(count)d grids are named %(name)s: give the code instead.")
                )
                report.errors.append(
                    RowError(feature.number, "name", message % {"name": feature.name, "count": len(found)})
                )
                continue
            region = found[0]
        if region.level != Level.GRID:
            message = _("%(region)s is not a grid: boundaries are imported for grids.")
            report.errors.append(RowError(feature.number, "code", message % {"region": region}))
        elif not region.code.startswith(prefix) or not covers(actor, "region.change", region.code):
            message = (
                _("%(code)s is outside your jurisdiction.")
                if not within
                else _("%(code)s is not under %(within)s.")
            )
            report.errors.append(
                RowError(feature.number, "code", message % {"code": region.code, "within": within})
            )
        elif region.is_retired:
            message = _("%(region)s is retired.")
            report.errors.append(RowError(feature.number, "code", message % {"region": region}))
        else:
            matched.append((region, feature.geometry))
    report.errors.sort(key=lambda e: e.row)
    if report.errors:
        record(
            actor,
            "region.boundaries.import",
            within,
            region_code=prefix,
            result="refused",
            detail=f"{filename}: {report.bad_rows} bad features",
        )
        return report
    now = timezone.now()
    with transaction.atomic():
        locked = {
            r.code: r
            for r in Region.objects.select_for_update().filter(code__in=[r.code for r, _g in matched])
        }
        for region, geometry in matched:
            region = locked[region.code]
            if region.boundary == geometry:
                report.unchanged += 1
                continue
            if region.boundary is None:
                report.created += 1
            else:
                report.updated += 1
            west, south, east, north = geo.bbox(geometry)
            Region.objects.filter(code=region.code).update(
                boundary=geometry,
                bbox_west=west,
                bbox_south=south,
                bbox_east=east,
                bbox_north=north,
                boundary_updated_at=now,
            )
        record(
            actor,
            "region.boundaries.import",
            within,
            region_code=prefix,
            after={
                "file": filename,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    return report
