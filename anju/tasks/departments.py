"""County departments (县直部门) as units that supervised tasks are addressed to: adding one (a
region under the county, marked as a department) and reading them. See models.Department for why a
department is a unit of the tree."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded
from anju.regions.actions import create_region
from anju.regions.codes import DEPARTMENT_FIRST, DEPARTMENT_LAST
from anju.regions.models import Region

from .choices import OPEN_STATUSES, UNFINISHED
from .models import Department, Task

# The township-level segments a county keeps for its departments (anju.regions.codes.is_department).
FIRST_SEGMENT, LAST_SEGMENT = DEPARTMENT_FIRST, DEPARTMENT_LAST


def next_code(county: Region) -> str:
    """The first free department code of the county; retired codes are never given again."""
    taken = set(
        Region.objects.filter(parent_id=county.code, code__gte=f"{county.code}{FIRST_SEGMENT}").values_list(
            "code", flat=True
        )
    )
    for segment in range(FIRST_SEGMENT, LAST_SEGMENT + 1):
        code = f"{county.code}{segment}"
        if code not in taken:
            return code
    raise ValidationError({"name": _("The county has no free department code left.")})


def add_department(actor, *, county: Region, name: str) -> Department:
    """A department of the county: its unit in the tree (with region.change on the county, as any
    unit), then its mark. Staff are then given roles on it as on any unit."""
    name = (name or "").strip()
    with refusals_recorded(actor, "department.add", region_code=county.code):
        if county.level != "county":
            raise ValidationError({"county": _("Departments belong to a county.")})
        if not name or len(name) > 100:
            raise ValidationError({"name": _("Name the department (at most 100 characters).")})
        if Region.objects.filter(parent_id=county.code, name=name, retired_on__isnull=True).exists():
            raise ValidationError({"name": _("%(name)s exists already.") % {"name": name}})
        with transaction.atomic():
            unit = create_region(actor, code=next_code(county), name=name)
            department = Department.objects.create(
                unit=unit, added_by=actor if getattr(actor, "pk", None) else None
            )
            record(actor, "department.add", department, region_code=unit.code, after={"name": name})
    return department


def departments(user) -> list[Department]:
    """The departments in this person's jurisdiction, each with its unfinished and overdue tasks."""
    found = list(
        Department.objects.visible_to(user, "view")
        .select_related("unit")
        .filter(unit__retired_on__isnull=True)
    )
    counts = {
        row["handling_unit_id"]: row
        for row in Task.objects.filter(handling_unit_id__in=[d.pk for d in found], status__in=UNFINISHED)
        .values("handling_unit_id")
        .annotate(
            unfinished=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_at__lt=timezone.now())),
        )
    }
    for department in found:
        row = counts.get(department.pk, {})
        department.unfinished, department.overdue = row.get("unfinished", 0), row.get("overdue", 0)
    return found


def department_codes(user) -> set[str]:
    return set(Department.objects.visible_to(user, "view").values_list("unit_id", flat=True))
