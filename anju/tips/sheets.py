"""A transferred batch as a spreadsheet: its columns (through the shared engine, anju.core.tabular),
the all-or-nothing import of its rows into tips, and the report back to the source.

The uploaded file is not kept (its import job holds the report only): it names informants in clear
text, which the database must never hold."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.audit.actions import record
from anju.core import importjobs, tabular
from anju.core.models import ImportJob
from anju.core.tabular import CellError, Column, ImportReport, SheetKind
from anju.regions.models import Region

from . import actions
from .choices import SubjectKind
from .kind import TIP
from .models import Batch

IMPORT_KIND = "tips.batch"
YES = {"是", "匿名", "y", "yes", "true", "1", "√"}


def _subject_kind(text: str) -> str:
    if text in {"单位", "组织", "企业", "organisation", "organization"} or "单位" in text or "公司" in text:
        return SubjectKind.ORGANISATION
    if text in {"个人", "人员", "person"}:
        return SubjectKind.PERSON
    raise CellError(_("Write 个人 (a person) or 单位 (an organisation)."))


BATCH_SHEET = SheetKind(
    [
        Column("source_ref", gettext_lazy("number at the source"), ("序号", "线索编号", "编号", "ref")),
        Column(
            "received_on",
            gettext_lazy("received on"),
            ("受理日期", "收到日期", "交办日期", "received"),
            parse=tabular.date_cell,
        ),
        Column("region", gettext_lazy("region"), ("所属地区", "地区", "乡镇", "区划代码", "region")),
        Column(
            "content",
            gettext_lazy("content"),
            ("线索内容", "反映内容", "主要内容", "问题线索", "content"),
            required=True,
        ),
        Column(
            "subject_kind",
            gettext_lazy("reported subject is"),
            ("被反映对象类型", "对象类型", "subject kind"),
            parse=_subject_kind,
        ),
        Column(
            "subject_name",
            gettext_lazy("reported subject"),
            ("被反映对象", "被反映人", "被举报人", "subject"),
            required=True,
        ),
        Column(
            "subject_details",
            gettext_lazy("about the subject"),
            ("被反映对象情况", "职务", "单位职务", "subject details"),
        ),
        Column(
            "informant_name",
            gettext_lazy("informant's name"),
            ("举报人", "反映人", "举报人姓名", "informant"),
        ),
        Column(
            "informant_contact",
            gettext_lazy("informant's contact"),
            ("联系方式", "举报人电话", "联系电话", "contact"),
        ),
        Column("anonymous", gettext_lazy("anonymous"), ("是否匿名", "匿名", "anonymous")),
    ]
)


def _region_of(text: str, batch: Batch, regions: dict[str, Region]) -> Region | None:
    if not text:
        return batch.region
    region = regions.get(text)
    if region is None and text.isdigit():
        region = Region.objects.filter(code=text).first()
    if region is None or not region.code.startswith(batch.region_id) or region.is_retired:
        return None
    return region


def import_batch(
    actor, batch: Batch, table: tabular.Table, *, filename: str
) -> tuple[ImportReport, ImportJob]:
    """Every row checked first; any bad row and nothing is written. Each error names the row and
    the column as the sheet heads it."""
    mapping = BATCH_SHEET.guess_mapping(table.headers)
    report = ImportReport()
    missing = BATCH_SHEET.missing(mapping)
    job = importjobs.save_upload(
        actor, IMPORT_KIND, b"", filename, table.headers, table.header_row, len(table.rows)
    )
    if missing:
        for column in missing:
            report.errors.append(
                tabular.RowError(
                    table.header_row,
                    str(column.label),
                    _("The sheet has no column %(column)s.") % {"column": column.header},
                )
            )
        importjobs.set_state(job, ImportJob.State.REJECTED, report=report.as_dict())
        return report, job
    regions = {
        r.name: r for r in Region.objects.filter(code__startswith=batch.region_id, retired_on__isnull=True)
    }
    checked = []
    for row in BATCH_SHEET.read(table, mapping):
        region = _region_of(row.text.get("region", ""), batch, regions)
        if region is None:
            row.bad("region", _("Not a region within %(unit)s.") % {"unit": batch.region.name})
        fields = {
            "content": row.get("content", ""),
            "subject_kind": row.get("subject_kind", SubjectKind.PERSON),
            "subject_name": row.get("subject_name", ""),
            "subject_details": row.get("subject_details", ""),
            "informant_name": row.get("informant_name", ""),
            "informant_contact": row.get("informant_contact", ""),
            "anonymous": row.text.get("anonymous", "").strip().lower() in YES,
            "received_on": row.get("received_on") or batch.received_on,
            "source_ref": row.get("source_ref", "")[:64],
        }
        try:
            fields = actions.clean_tip(fields)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                for message in messages:
                    row.bad(key, message)
        if row.ok:
            checked.append((region, fields))
        report.errors.extend(row.errors)
    if report.errors:
        importjobs.set_state(job, ImportJob.State.REJECTED, report=report.as_dict())
        return report, job
    now = timezone.now()
    unit = batch.region_id
    with transaction.atomic():
        for region, fields in checked:
            tip = actions._new_tip(
                actor, region=region, src=batch.source, unit=unit, batch=batch, now=now, **fields
            )
            from anju.workflow import engine

            engine.add_timeline(TIP, tip, actor, "imported", "", tip.status, batch.reference)
            report.created += 1
        record(
            actor,
            "tip.batch.import",
            batch,
            region_code=unit,
            after={"tips": report.created, "file": filename[:100], "informants": actions.PROTECTED},
        )
    importjobs.set_state(job, ImportJob.State.DONE, done=report.created, report=report.as_dict())
    return report, job


def report_file(batch: Batch):
    """The report as the county sends it: in the source's own layout where it gave one
    (tips.report_layout), in the county's language whoever clicks. Never the informant, never the
    subject: no column can be filled from them."""
    from django.conf import settings

    from anju.core.export import streaming_response

    from . import report_layout

    with translation.override(settings.LANGUAGE_CODE):
        layout = report_layout.layout_of(batch.source)
        headers = [column["header"] for column in layout]
        rows = list(report_layout.rows(batch, layout))
        title = _("Report on batch %(reference)s") % {"reference": batch.reference}
    return streaming_response("xlsx", headers, rows, title=title[:31], filename=f"tips-batch-{batch.pk}.xlsx")
