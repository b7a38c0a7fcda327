"""The report back to a source in the source's own layout: the columns it wants, in its order and
under its headers, taken from a sample sheet it sent (its header row is read through the shared
engine, anju.core.tabular, and each header matched to what the platform can fill in).

Only the workflow's facts can be columns: a header asking for the informant or the reported subject
(举报人, 被反映人) is kept as an empty column for the clerk, never filled from the tip."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.audit.actions import record, refusals_recorded
from anju.core import tabular
from anju.core.scoping import holds_top_level
from anju.core.tabular import Column, SheetKind

from .choices import DISPATCH, MEASURES, Outcome, Result, Status
from .models import Source, Tip

MAX_COLUMNS = 60

# What a report column may hold, with the headers sources write for it. The first name is the header
# of the platform's own layout.
REPORT_SHEET = SheetKind(
    [
        Column(
            "source_ref", gettext_lazy("number at the source"), ("序号", "线索编号", "原编号", "交办编号")
        ),
        Column("number", gettext_lazy("tip number"), ("本地编号", "登记编号", "受理编号")),
        Column("received_on", gettext_lazy("received on"), ("受理日期", "收到日期", "交办日期", "接收日期")),
        Column(
            "handling_unit", gettext_lazy("handling unit"), ("承办单位", "办理单位", "核查单位", "责任单位")
        ),
        Column("status", gettext_lazy("status"), ("办理状态", "办理进度", "进展情况", "状态")),
        Column("result", gettext_lazy("result"), ("核查结论", "核查结果", "查实情况", "是否属实")),
        Column("outcome", gettext_lazy("outcome"), ("处置方式", "处理结果", "办理结果", "移送情况")),
        Column(
            "police_case_number", gettext_lazy("police case number"), ("立案编号", "案件编号", "公安案号")
        ),
        Column("criminal_cases", MEASURES["criminal_cases"], ("刑事立案数", "立案数", "刑事立案")),
        Column("persons_dealt_with", MEASURES["persons_dealt_with"], ("处理人数", "查处人数", "打处人数")),
        Column("sanctions", MEASURES["sanctions"], ("党纪政务处分", "党纪政纪处分", "处分人数", "处分")),
        Column("admonishment_talks", MEASURES["admonishment_talks"], ("诫勉谈话", "诫勉")),
        Column("probation_extended", MEASURES["probation_extended"], ("延长预备期", "延长预备党员预备期")),
        Column("warnings", MEASURES["warnings"], ("警示提醒", "提醒谈话", "警告")),
        Column("self_criticisms", MEASURES["self_criticisms"], ("书面检查", "责令检查")),
        Column("verified_on", gettext_lazy("verified on"), ("核查完成日期", "核查日期", "查结日期")),
        Column("closed_on", gettext_lazy("closed on"), ("办结日期", "办结时间", "销号日期")),
    ]
)
FIELDS = [c.key for c in REPORT_SHEET.columns]
# The platform's own layout, the one a source without a sample gets.
DEFAULT_FIELDS = [k for k in FIELDS if k not in {"handling_unit", "verified_on"}]


def default_layout() -> list[dict]:
    return [{"field": key, "header": str(REPORT_SHEET.by_key[key].label)} for key in DEFAULT_FIELDS]


def layout_of(source: Source) -> list[dict]:
    return source.report_layout or default_layout()


def layout_from_headers(headers: list[str]) -> list[dict]:
    """The source's headers in its order, each with the field it is filled from ("" for none); a
    field is filled in one column only, the first that names it."""
    mapping = REPORT_SHEET.guess_mapping(headers)
    by_index = {index: key for key, index in mapping.items()}
    layout = []
    for index, header in enumerate(headers):
        header = (header or "").strip()
        if header:
            layout.append({"field": by_index.get(index, ""), "header": header[:100]})
    return layout


def layout_from_sample(data: bytes, filename: str) -> list[dict]:
    try:
        table = tabular.read_table(data, filename, REPORT_SHEET)
    except tabular.TableError as error:
        raise ValidationError({"file": str(error)}) from None
    layout = layout_from_headers(table.headers)
    if not layout:
        raise ValidationError({"file": _("The sample has no header row.")})
    if len(layout) > MAX_COLUMNS:
        raise ValidationError({"file": _("At most %(n)d columns.") % {"n": MAX_COLUMNS}})
    if not any(column["field"] for column in layout):
        raise ValidationError({"file": _("None of the sample's headers is one the platform can fill in.")})
    return layout


def set_layout(actor, source: Source, layout: list[dict]) -> Source:
    """The county sets a source's report layout ([] for the platform's own), with an audit row."""
    with refusals_recorded(actor, "tip.source.layout", source):
        if not holds_top_level(actor, DISPATCH):
            raise PermissionDenied(_("Only the county sets how reports to a source are laid out."))
        for column in layout:
            if column.get("field", "") not in {"", *FIELDS} or not str(column.get("header", "")).strip():
                raise ValidationError({"file": _("A column of the layout is not one the platform knows.")})
        with transaction.atomic():
            before = {"columns": [c["header"] for c in layout_of(source)]}
            source.report_layout = [{"field": c["field"], "header": c["header"]} for c in layout]
            source.save(update_fields=["report_layout"])
            after = {"columns": [c["header"] for c in layout_of(source)]}
            record(actor, "tip.source.layout", source, before=before, after=after)
    return source


def _cell(tip: Tip, key: str, labels: dict) -> object:
    if key in MEASURES:
        return getattr(tip, key)
    if key == "handling_unit":
        return tip.handling_unit.name
    if key == "received_on":
        return tip.received_on.isoformat()
    if key in {"verified_on", "closed_on"}:
        at = tip.verified_at if key == "verified_on" else tip.closed_at
        return timezone.localtime(at).date().isoformat() if at else ""
    if key in labels:
        return str(labels[key].get(getattr(tip, key), ""))
    return getattr(tip, key)


def rows(batch, layout: list[dict]):
    """One row per tip in the source's order, each column filled from its field or left empty."""
    labels = {
        "status": dict(Status.choices),
        "result": dict(Result.choices),
        "outcome": dict(Outcome.choices),
    }
    keys = [column["field"] for column in layout]
    for tip in batch.tips.select_related("handling_unit").order_by("source_ref", "id"):
        yield [_cell(tip, key, labels) if key else "" for key in keys]
