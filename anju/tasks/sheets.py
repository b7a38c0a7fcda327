"""Activities as a spreadsheet, through the shared engine: the columns an import reads (Chinese and
English names, synonyms, parsers) and the export writes back under the same headers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import importjobs, tabular
from anju.core.export import labels
from anju.core.models import ImportJob
from anju.core.tabular import CellError, Column, ImportReport, RowError, SheetKind
from anju.regions.models import Region

from .choices import ActivityKind

# The names clerks write for each kind, beside its code and its label in English and Chinese.
KIND_NAMES = {
    "training": ("培训", "业务培训", "Training"),
    "competition": ("竞赛", "比赛", "Competition"),
    "award": ("获奖", "荣誉", "Award won"),
    "publicity": ("宣传", "宣传活动", "Publicity event"),
    "inspection": ("督导", "检查", "督导检查", "Inspection"),
}


def _kind(text: str) -> str:
    names = {value: (value, str(label), *KIND_NAMES[value]) for value, label in ActivityKind.choices}
    value = tabular.lookup_alias(names, text)
    if value is None:
        raise CellError(_("%(value)s is not a kind of activity.") % {"value": text})
    return value


def _count(text: str) -> int:
    try:
        value = int(float(text))
    except ValueError:
        raise CellError(_("%(value)s is not a number.") % {"value": text}) from None
    if not 0 <= value <= 1_000_000:
        raise CellError(_("%(value)s is not a number of people.") % {"value": text})
    return value


def _kind_values() -> list[tuple[str, str]]:
    return [(KIND_NAMES[value][0], str(label)) for value, label in ActivityKind.choices]


def _yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


ACTIVITIES = SheetKind(
    [
        Column(
            "held_on",
            gettext_lazy("date"),
            ("日期", "date", "活动日期", "时间"),
            True,
            tabular.date_cell,
            example=_yesterday,
        ),
        Column(
            "kind",
            gettext_lazy("kind of activity"),
            ("类型", "kind", "活动类型", "类别"),
            True,
            _kind,
            example="培训",
            values=_kind_values,
        ),
        Column(
            "title",
            gettext_lazy("title"),
            ("名称", "title", "活动名称", "主题"),
            True,
            example="调解员业务培训",
        ),
        Column(
            "organiser",
            gettext_lazy("organiser"),
            ("组织单位", "organiser", "主办单位", "承办单位"),
            True,
            example="县司法局",
        ),
        Column(
            "participants",
            gettext_lazy("participants"),
            ("参加人数", "participants", "人数"),
            False,
            _count,
            example="30",
        ),
        Column("region", gettext_lazy("region code"), ("区划代码", "region", "地区代码"), True),
        Column("note", gettext_lazy("note"), ("备注", "note"), False),
    ]
)
HEADERS = [c.header for c in ACTIVITIES.columns]


IMPORT_KIND = "tasks.activities"


def template_examples(user) -> dict[str, str]:
    """The example row placed in a unit whose records this person keeps, so it imports as it stands."""
    from .actions import assigner_units

    units = assigner_units(user)
    return {"region": units[0].code} if units else {}


def import_activities(actor, data: bytes, filename: str) -> ImportReport:
    """All or nothing: every row is checked (the columns, the region in the person's records, the
    activity's own rules) and only a file without a bad row is saved."""
    from . import actions

    report = ImportReport()
    try:
        table = tabular.read_table(data, filename, ACTIVITIES)
    except tabular.TableError as error:
        report.errors.append(RowError(0, "", str(error)))
        return report
    # The import is one request: the job keeps its report for the person's recent imports, not the file.
    job = importjobs.save_upload(
        actor, IMPORT_KIND, b"", filename, table.headers, table.header_row, len(table.rows)
    )
    mapping = ACTIVITIES.guess_mapping(table.headers)
    missing = ACTIVITIES.missing(mapping)
    if missing:
        for column in missing:
            report.errors.append(
                RowError(
                    table.header_row,
                    column.header,
                    _("The file has no column %(header)s.") % {"header": column.header},
                )
            )
        importjobs.set_state(job, ImportJob.State.REJECTED, report=report.as_dict())
        return report
    regions = {}
    ready = []
    for row in ACTIVITIES.read(table, mapping):
        for key in ("held_on", "kind", "title", "organiser", "region"):
            if key not in row.values and not row.text.get(key):
                row.bad(key, _("This cell is empty."))
        code = row.values.get("region", "")
        if code and code not in regions:
            regions[code] = Region.objects.filter(code=code, retired_on__isnull=True).first()
        region = regions.get(code)
        if code and region is None:
            row.bad("region", _("No unit has this code."))
        if region is not None and "held_on" in row.values and "kind" in row.values:
            problems = actions.check_activity(
                actor,
                region,
                kind=row.values["kind"],
                held_on=row.values["held_on"],
                title=row.values.get("title", ""),
                organiser=row.values.get("organiser", ""),
                participants=row.values.get("participants", 0),
            )
            for key, message in problems.items():
                row.bad(key, str(message))
        report.errors.extend(row.errors)
        if not row.errors:
            ready.append((region, row.values))
    if report.errors:
        importjobs.set_state(job, ImportJob.State.REJECTED, report=report.as_dict())
        return report
    with transaction.atomic():
        for region, values in ready:
            actions.record_activity(
                actor,
                region=region,
                kind=values["kind"],
                held_on=values["held_on"],
                title=values["title"],
                organiser=values["organiser"],
                participants=values.get("participants", 0),
                note=values.get("note", ""),
            )
            report.created += 1
    importjobs.set_state(job, ImportJob.State.DONE, done=report.created, report=report.as_dict())
    return report


def export_rows(activities):
    kinds = labels(ActivityKind)
    for a in activities.iterator():
        yield [
            a.held_on,
            kinds.get(a.kind, a.kind),
            a.title,
            a.organiser,
            a.participants,
            a.region_id,
            a.note,
        ]
