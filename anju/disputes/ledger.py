"""Dispute ledgers (台账): a county's Excel ledger read into checked rows, imported all or none, and
the platform's disputes written back out in the same layout (so an export imports again).

Headers vary from county to county, so columns are matched by alias and can be chosen by hand."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from anju.audit.actions import county_language, record, rejected_import_detail
from anju.audit.models import Result
from anju.core import importjobs, tabular
from anju.core.models import ImportJob
from anju.core.personal import (
    mask_id_number,
    mask_phone,
    normalise_id_number,
)
from anju.core.rows import analyze
from anju.core.scoping import SYSTEM, OutOfScope, covers
from anju.core.tabular import CellError, ImportReport, RowError, Table
from anju.regions import codes
from anju.regions.models import Region
from anju.regions.names import RegionNames
from anju.workflow import engine

from .actions import alerts_on_register, clean_parties, handling_unit_for, next_numbers
from .choices import (
    LEVEL_RANK,
    OPEN_STATUSES,
    REGION_LEVEL_TO_HANDLING,
    Category,
    Channel,
    HandlingLevel,
    PartyKind,
    PartyRole,
    Risk,
    Status,
)
from .kind import DISPUTE
from .models import Agreement, Alert, CategoryName, Dispute, Party, Subtype, TimelineEntry

# Rows written per INSERT batch: big enough that 100,000 rows take minutes, small enough that a
# batch's parties and timeline rows stay a modest amount of memory.
BATCH = 2000
# An import this big changes the table enough that the planner's statistics are refreshed at once,
# not when autovacuum next looks (anju.core.rows.analyze).
ANALYZE_AFTER = 10_000
# The prefix that marks a dispute as imported from a ledger; the rest is the row's key.
REF_PREFIX = "ledger:"
# A numbered row's key is its number within its own ledger. Each township keeps its ledger and
# numbers it itself, often from 1 again every year, so the same number in another township or
# another year is another dispute: the key is scoped by the township's code (the county's, for a
# county-level row) and the year of registration, as in ledger:629902100/2026/1.
REF_SCOPE_MAX = len("629902100/2026/")
# The longest ledger number that fits the 64 characters of Dispute.external_ref after the scope.
REF_MAX = 64 - len(REF_PREFIX) - REF_SCOPE_MAX
# Imported dates carry no time of day: registration and resolution are put at 09:00 local time.
IMPORT_TIME = dt.time(9, 0)


# --- the columns -------------------------------------------------------------------------------
# What a ledger column may be headed, in the county's words first (the first name is the header an
# export writes); the engine (anju.core.tabular) finds the header row and matches these names.


def _amount_cell(text: str) -> Decimal:
    try:
        amount = parse_amount(text)
    except (InvalidOperation, ValueError):
        raise CellError(_("%(value)s is not an amount of money.") % {"value": text}) from None
    if amount < 0:
        raise CellError(_("The amount cannot be negative."))
    if amount >= Decimal(10) ** 12:
        raise CellError(_("%(value)s is not an amount of money.") % {"value": text})
    return amount


def _people_cell(text: str) -> int:
    try:
        people = int(Decimal(text.rstrip("人").strip()))
    except (InvalidOperation, ValueError):
        people = 0
    if people < 1:
        raise CellError(_("%(value)s is not a number of people.") % {"value": text})
    return people


YES = {"是", "有", "已达成", "达成", "达成协议", "成功", "yes", "y", "true", "1", "√", "✓"}
NO = {"否", "无", "未达成", "没有", "未", "no", "n", "false", "0", "×"}


def _yes_no_cell(text: str) -> bool:
    value = tabular.norm(text)
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(_("%(value)s is neither yes (是) nor no (否).") % {"value": text})


def _labels(choices, skip: Iterable = (), note: Callable[[str], str] | None = None) -> list[tuple[str, str]]:
    return [
        (str(label), note(value) if note else "") for value, label in choices.choices if value not in skip
    ]


def _category_values() -> list[tuple[str, str]]:
    """The categories, then the county's subtypes and local names, each saying what it counts as."""
    values = _labels(Category)
    labels = dict(Category.choices)
    for subtype in Subtype.objects.filter(active=True).order_by("category", "name"):
        note = _("a subtype of %(category)s") % {"category": labels[subtype.category]}
        values.append((subtype.name, note))
    for name in CategoryName.objects.filter(subtype__isnull=True).order_by("category", "name"):
        values.append((name.name, _("counts as %(category)s") % {"category": labels[name.category]}))
    return values


def _result_values() -> list[tuple[str, str]]:
    def note(value: str) -> str:
        return _("imported as waiting to be accepted") if value in IMPORTED_STATUS else ""

    return _labels(Status, skip={Status.MERGED}, note=note)


def _today() -> str:
    return timezone.localdate().isoformat()


Col = tabular.Column
COLUMNS: list[tabular.Column] = [
    Col(
        "ledger_ref",
        gettext_lazy("ledger reference"),
        ("编号", "台账编号", "案件编号", "纠纷编号", "登记编号", "案号", "ledger_ref", "ref", "case number"),
        example="TZ-001",
    ),
    Col(
        "registered_on",
        gettext_lazy("registered at"),
        ("登记日期", "受理日期", "登记时间", "受理时间", "排查日期", "排查时间", "发现日期", "registered_on"),
        required=True,
        parse=tabular.date_cell,
        example=_today,
    ),
    Col(
        "township",
        gettext_lazy("township"),
        ("乡镇", "乡镇（街道）", "乡镇街道", "所属乡镇", "乡（镇）", "镇（乡）", "街道", "township"),
    ),
    Col(
        "village",
        gettext_lazy("village or community"),
        ("村（社区）", "村居", "村委会", "村社区", "所在村", "村名", "村", "社区", "村（居）", "village"),
    ),
    Col(
        "region",
        gettext_lazy("region code"),
        (
            "区划代码",
            "区划编码",
            "行政区划代码",
            "村代码",
            "村编码",
            "网格代码",
            "网格编码",
            "代码",
            "编码",
            "region",
            "code",
        ),
    ),
    Col(
        "category",
        gettext_lazy("category"),
        ("纠纷类别", "纠纷类型", "矛盾类别", "矛盾类型", "矛盾纠纷类别", "类别", "类型", "category"),
        required=True,
        example="邻里",
        values=_category_values,
    ),
    Col(
        "channel",
        gettext_lazy("source"),
        ("来源", "纠纷来源", "来源渠道", "渠道", "channel", "source"),
        example="来访",
        values=lambda: _labels(Channel),
    ),
    Col(
        "title",
        gettext_lazy("summary"),
        ("简要案由", "案由", "纠纷名称", "事由", "title", "summary"),
        example="鸡鸭毁坏菜地",
    ),
    Col(
        "description",
        gettext_lazy("description"),
        ("纠纷情况", "纠纷简要情况", "简要情况", "基本情况", "主要情况", "description"),
        example="邻居家鸡鸭进入菜地，双方为赔偿争执。",
    ),
    Col(
        "location",
        gettext_lazy("location"),
        ("地点", "具体地点", "详细地点", "详细地址", "发生地点", "location"),
        example="三组",
    ),
    Col(
        "parties",
        gettext_lazy("parties"),
        ("当事人", "当事人姓名", "双方当事人", "当事人双方", "parties"),
        required=True,
        example="张三（13800001111）、李四",
    ),
    Col("phone", gettext_lazy("phone"), ("联系电话", "电话", "手机", "手机号码", "联系方式", "phone")),
    Col(
        "id_number",
        gettext_lazy("identity number"),
        ("身份证号", "身份证号码", "公民身份号码", "id_number", "id number"),
    ),
    Col(
        "amount",
        gettext_lazy("amount in dispute (yuan)"),
        ("涉及金额", "涉案金额", "争议金额", "标的额", "amount"),
        parse=_amount_cell,
        example="500",
    ),
    Col(
        "people",
        gettext_lazy("people involved"),
        ("涉及人数", "人数", "people", "people_involved"),
        parse=_people_cell,
        example="2",
    ),
    Col(
        "risk",
        gettext_lazy("risk"),
        ("风险等级", "风险", "risk"),
        example="一般",
        values=lambda: _labels(Risk),
    ),
    Col(
        "mediator",
        gettext_lazy("mediator"),
        ("调解员", "调解人", "调解员姓名", "承办人", "经办人", "包案人", "mediator"),
        example="王调解",
    ),
    Col(
        "agreement",
        gettext_lazy("agreement reached"),
        ("是否达成协议", "达成协议", "是否达成调解协议", "协议", "agreement", "agreement reached"),
        parse=_yes_no_cell,
        example="是",
        values=lambda: [("是", ""), ("否", "")],
    ),
    Col(
        "performance",
        gettext_lazy("how it was performed"),
        ("履行情况", "协议履行情况", "履行方式", "performance"),
        example="当场履行",
    ),
    Col(
        "result",
        gettext_lazy("mediation result"),
        ("调解结果", "处理结果", "化解结果", "结果", "状态", "办理状态", "化解情况", "result", "status"),
        example="化解",
        values=_result_values,
    ),
    Col(
        "resolved_on",
        gettext_lazy("resolved at"),
        (
            "化解日期",
            "调解日期",
            "办结日期",
            "结案日期",
            "化解时间",
            "调解时间",
            "办结时间",
            "结案时间",
            "resolved_on",
        ),
        parse=tabular.date_cell,
        example=_today,
    ),
    Col(
        "resolved_level",
        gettext_lazy("level where resolved"),
        ("化解层级", "化解级别", "resolved_level"),
        values=lambda: _labels(HandlingLevel),
    ),
    Col("remarks", gettext_lazy("remarks"), ("备注", "附注", "remarks", "notes")),
]
# A row needs a place (a code or a township or village name) and a summary or a description.
LEDGER = tabular.SheetKind(COLUMNS, one_of=(("region", "village", "township"), ("title", "description")))
FIELDS = COLUMNS
FIELD_BY_KEY = LEDGER.by_key
KIND = "disputes"

# The export's layout, a clerk's own sheet; every column but the handling unit imports again.
EXPORT_HEADERS = [
    "编号",
    "登记日期",
    "乡镇",
    "村（社区）",
    "区划代码",
    "纠纷类别",
    "来源",
    "简要案由",
    "纠纷情况",
    "当事人",
    "涉及金额",
    "涉及人数",
    "风险等级",
    "调解员",
    "是否达成协议",
    "履行情况",
    "状态",
    "化解日期",
    "化解层级",
    "承办单位",
    "备注",
]
_norm = tabular.norm


def template_examples(user) -> dict[str, str]:
    """The template's example row placed where this person registers disputes: the highest region
    below the county they handle cases in, so that the example imports as it stands."""
    region = (
        Region.objects.visible_to(user, "case.handle")
        .exclude(level="county")
        .exclude(retired_on__isnull=False)
        .order_by(Length("code"), "code")
        .only("code")
        .first()
    )
    return {"region": region.code} if region is not None else {}


def guess_mapping(headers: list[str]) -> dict[str, int]:
    return LEDGER.guess_mapping(headers)


def resolve_mapping(headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, int]:
    return LEDGER.resolve_mapping(headers, overrides)


def missing_fields(mapping: dict[str, int]) -> list[tabular.Column]:
    return LEDGER.missing(mapping)


# --- the values --------------------------------------------------------------------------------

CATEGORY_NAMES = {
    Category.MARRIAGE_FAMILY: ("婚姻家庭", "婚姻", "家庭", "赡养", "抚养", "继承", "离婚", "婚恋"),
    Category.NEIGHBOUR: ("邻里", "邻里关系", "相邻关系"),
    Category.HOUSING_HOMESTEAD: ("房屋宅基地", "房屋", "宅基地", "房产"),
    Category.CONTRACT: ("合同", "民间借贷", "借贷", "债务", "债权债务", "买卖"),
    Category.BUSINESS: ("生产经营",),
    Category.DAMAGES: ("损害赔偿", "人身损害", "财产损害", "人身损害赔偿"),
    Category.FOREST_LAND: ("山林土地", "山林", "土地", "土地承包", "林地", "草场", "林权", "土地权属"),
    Category.LAND_REQUISITION: ("征地拆迁", "征地", "拆迁", "征收"),
    Category.POLLUTION: ("环境污染", "污染"),
    Category.LABOUR: ("劳动争议", "劳动", "劳资", "工资", "欠薪", "工伤"),
    Category.CONSUMER: ("消费", "消费者权益"),
    Category.MEDICAL: ("医疗", "医患"),
    Category.TRAFFIC: ("道路交通事故", "交通事故", "道路交通", "交通"),
    Category.PROPERTY_MANAGEMENT: ("物业",),
    Category.OTHER: ("其他", "其它"),
}
CHANNEL_NAMES = {
    Channel.GRID_VISIT: (
        "走访",
        "网格员走访",
        "排查",
        "摸排",
        "网格排查",
        "网格员排查",
        "排查发现",
        "网格上报",
    ),
    Channel.WALK_IN: ("来访", "上门", "群众来访"),
    Channel.HOTLINE: ("电话", "热线", "12345", "来电"),
    Channel.LETTER: ("来信", "信件"),
    Channel.COURT: ("法院", "法院委托", "诉前调解"),
    Channel.POLICE: ("公安", "派出所", "警情"),
    Channel.PETITION: ("信访", "信访部门"),
    Channel.PARTNER_COUNTY: ("邻县", "协作县"),
    Channel.GRID_EVENT: ("网格事件",),
}
RISK_NAMES = {
    Risk.GENERAL: ("一般", "低"),
    Risk.SERIOUS: ("较大", "中"),
    Risk.MAJOR: ("重大", "高"),
}
LEVEL_NAMES = {
    HandlingLevel.VILLAGE: ("村", "村级", "社区", "村（社区）", "村居"),
    HandlingLevel.TOWNSHIP: ("乡镇", "乡", "镇", "街道", "乡镇级", "乡级"),
    HandlingLevel.COUNTY: ("县", "县级", "区县", "县（区）"),
}
# What a ledger's result column says, and the status an imported dispute gets. Open cases come in
# as registered: they wait in the handling unit's queue until someone accepts them and names the
# mediators, and their time limit starts then.
RESULT_NAMES = {
    Status.RESOLVED: ("化解", "已化解", "调解成功", "成功", "解决", "已解决"),
    Status.FAILED: ("调解不成", "调解不成功", "调解失败", "未化解", "失败", "不成功"),
    Status.REFUSED: ("拒绝调解", "当事人拒绝"),
    Status.ENDED: ("终止调解", "终止"),
    Status.TRANSFERRED: ("移交", "已移交", "转交"),
    Status.REGISTERED: ("调解中", "在办", "办理中", "正在调解", "受理", "已受理", "登记", "待调解", "未结"),
}
IMPORTED_STATUS = {
    Status.ACCEPTED: Status.REGISTERED,
    Status.MEDIATING: Status.REGISTERED,
    Status.AGREED: Status.REGISTERED,
}
ORGANISATION_ENDINGS = (
    "公司",
    "厂",
    "合作社",
    "委员会",
    "村委会",
    "居委会",
    "医院",
    "学校",
    "中心",
    "局",
    "所",
    "店",
    "集团",
    "协会",
    "银行",
    "超市",
    "工地",
)
SEPARATORS = re.compile(r"[、,，;；\n]+")
_PARTY = re.compile(r"^(?P<name>.*?)\s*[（(](?P<inner>[^（）()]*)[）)]\s*$")


def _vocabulary(choices, extra: dict, remap: dict | None = None, skip: Iterable = ()) -> dict[str, str]:
    """Every way a ledger may write a choice: its value, its label in Chinese and in English
    (what an export writes), and the local names above."""
    vocabulary: dict[str, str] = {}
    for value, label in choices.choices:
        if value in skip:
            continue
        names = {value, value.replace("_", " "), *extra.get(value, ())}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(label))
        for name in names:
            vocabulary[_bare(name)] = (remap or {}).get(value, value)
    return vocabulary


def _bare(name: str) -> str:
    """A name as looked up: normalised, without the 纠纷 that clerks write after most categories."""
    key = _norm(name)
    if key.endswith("纠纷") and len(key) > 2:
        key = key[:-2]
    return key


def _lookup(vocabulary: dict[str, str], text: str) -> str | None:
    key = _bare(text)
    if key in vocabulary:
        return vocabulary[key]
    for suffix in ("纠纷", "类", "风险", "级"):
        if key.endswith(suffix) and key[: -len(suffix)] in vocabulary:
            return vocabulary[key[: -len(suffix)]]
    return None


parse_date = tabular.parse_date


def parse_amount(text: str) -> Decimal:
    """12000, 12,000.50, 1.2万, 500元."""
    value = re.sub(r"[\s,，元¥￥]", "", text)
    factor = Decimal(1)
    if value.endswith("万"):
        value, factor = value[:-1], Decimal(10000)
    amount = Decimal(value) * factor
    if not amount.is_finite():
        raise InvalidOperation(text)
    return amount.quantize(Decimal("0.01"))


def split_cell(text: str) -> list[str]:
    return [piece.strip() for piece in SEPARATORS.split(text) if piece.strip()]


def parse_parties(text: str) -> list[dict]:
    """张三（13800001111）、李四, 某公司: one cell, several parties; a number in brackets after a
    name is the phone, or an identity number when it has 18 characters. The first is the applicant."""
    parties = []
    for piece in split_cell(text):
        name, phone, id_number = piece, "", ""
        match = _PARTY.match(piece)
        if match and any(ch.isdigit() for ch in match["inner"]):
            name, inner = match["name"].strip(), match["inner"].strip()
            if len(normalise_id_number(inner)) == 18:
                id_number = inner
            else:
                phone = inner
        kind = PartyKind.ORGANISATION if name.endswith(ORGANISATION_ENDINGS) else PartyKind.PERSON
        role = PartyRole.APPLICANT if not parties else PartyRole.RESPONDENT
        parties.append({"name": name, "phone": phone, "id_number": id_number, "kind": kind, "role": role})
    return parties


# --- reading a ledger --------------------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int
    external_ref: str
    ledger_ref: str
    registered_on: dt.date
    region_code: str
    category: str
    subtype_id: int | None
    channel: str
    title: str
    description: str
    location: str
    parties: list[dict]
    amount: Decimal | None
    people: int
    risk: str
    status: str
    resolved_on: dt.date | None
    resolved_level: str
    mediator: str = ""
    agreement: bool | None = None
    performance: str = ""
    remarks: str = ""
    source: str = ""


@dataclass
class ParsedLedger:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # field -> the header as the file names it, for error messages
    columns: dict[str, str] = field(default_factory=dict)
    # the file's columns that are not imported, as it names them; totals rows skipped
    unused: list[str] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


@dataclass
class _Vocabularies:
    category: dict[str, str]
    subtypes: dict[str, tuple[str, int]]
    channel: dict[str, str]
    risk: dict[str, str]
    result: dict[str, str]
    level: dict[str, str]

    @classmethod
    def load(cls) -> _Vocabularies:
        category = _vocabulary(Category, CATEGORY_NAMES)
        subtypes = {
            _bare(s.name): (s.category, s.pk) for s in Subtype.objects.filter(active=True).order_by("pk")
        }
        # The county's own names: a name for a subtype counts under the subtype, else the category.
        for name in CategoryName.objects.select_related("subtype").order_by("pk"):
            if name.subtype_id and name.subtype.active:
                subtypes[_bare(name.name)] = (name.subtype.category, name.subtype_id)
            else:
                category[_bare(name.name)] = name.category
        return cls(
            category=category,
            subtypes=subtypes,
            channel=_vocabulary(Channel, CHANNEL_NAMES),
            risk=_vocabulary(Risk, RISK_NAMES),
            result=_vocabulary(Status, RESULT_NAMES, remap=IMPORTED_STATUS, skip={Status.MERGED}),
            level=_vocabulary(HandlingLevel, LEVEL_NAMES),
        )


def _regions(codes_wanted: set[str]) -> dict[str, Region]:
    """The regions the file names, in as few queries as the database's parameter limit allows."""
    found: dict[str, Region] = {}
    wanted = sorted(codes_wanted)
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        for region in Region.objects.filter(code__in=chunk).only("code", "name", "level", "retired_on"):
            found[region.code] = region
    return found


def parse_ledger(
    table: Table,
    mapping: dict[str, int] | None = None,
    *,
    names: RegionNames | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedLedger:
    """Check every row of a ledger; a row with any problem is left out and each problem listed.
    Township and village names are resolved with `names` (by default, within every county)."""
    mapping = guess_mapping(table.headers) if mapping is None else dict(mapping)
    result = ParsedLedger(skipped=list(table.skipped))
    for key, index in mapping.items():
        header = table.headers[index] if index < len(table.headers) else ""
        result.columns[key] = header or str(FIELD_BY_KEY[key].label)
    result.unused = LEDGER.unused(table.headers, mapping)
    missing = missing_fields(mapping)
    if missing:
        labels = ", ".join(str(f.label) for f in missing)
        result.errors.append(
            RowError(table.header_row, labels, _("Missing column(s): %(columns)s.") % {"columns": labels})
        )
        return result

    if names is None and ("township" in mapping or "village" in mapping):
        names = RegionNames.for_actor(SYSTEM, "case.view")
    rows = list(LEDGER.read(table, mapping))
    wanted = set()
    for row in rows:
        if row.text.get("township") or row.text.get("village"):
            code, key, message = names.resolve(
                row.text.get("township", ""), row.text.get("village", ""), row.text.get("region", "")
            )
            if message:
                row.bad(key, message)
            row.values["region"] = code
        else:
            row.values["region"] = codes.normalise(row.text.get("region", ""))
        wanted.add(row.values["region"])
    regions = _regions({c for c in wanted if c.isdigit()})
    words = _Vocabularies.load()
    today = timezone.localdate()
    seen_refs: dict[str, int] = {}
    for done, source in enumerate(rows, start=1):
        if progress and done % 1000 == 0:
            progress(done, len(rows))
        row = _parse_row(source, result, regions, words, today)
        if row is None:
            continue
        first = seen_refs.get(row.external_ref)
        if first is not None:
            if row.ledger_ref:
                message = _("%(code)s appears again (first on row %(row)d).") % {
                    "code": row.ledger_ref,
                    "row": first,
                }
                result.errors.append(RowError(row.row, result.columns["ledger_ref"], message))
            else:
                message = _("This row repeats row %(row)d.") % {"row": first}
                result.errors.append(RowError(row.row, "", message))
            continue
        seen_refs[row.external_ref] = row.row
        result.rows.append(row)
    if progress:
        progress(len(rows), len(rows))
    result.errors.sort(key=lambda e: e.row)
    return result


def _parse_row(
    source: tabular.Row,
    result: ParsedLedger,
    regions: dict[str, Region],
    words: _Vocabularies,
    today: dt.date,
) -> ParsedRow | None:
    number = source.number
    values = source.text
    bad = source.bad

    def too_long(key: str, text: str, limit: int) -> bool:
        if len(text) > limit:
            bad(key, _("This is longer than %(max)d characters.") % {"max": limit})
            return True
        return False

    def date_of(key: str) -> dt.date | None:
        day = source.get(key)
        if day is not None and day > today:
            bad(key, _("The date is in the future."))
        return day

    ledger_ref = values.get("ledger_ref", "")
    too_long("ledger_ref", ledger_ref, REF_MAX)

    registered_on = date_of("registered_on")
    if not values.get("registered_on"):
        bad("registered_on", _("The registration date is empty."))

    code = source.get("region", "")
    region = regions.get(code)
    place_key = "region" if values.get("region") else ("village" if values.get("village") else "township")
    if not code:
        if not any(values.get(k) for k in ("region", "township", "village")):
            bad(place_key, _("The region code is empty."))
    elif region is None:
        try:
            codes.level_of(code)
        except ValidationError as error:
            bad(place_key, "; ".join(error.messages))
        else:
            bad(place_key, _("%(code)s is not a region of this county's tree.") % {"code": code})
    elif region.level == "county":
        bad(
            place_key,
            _("%(code)s is a county: give the township, village or grid where it arose.") % {"code": code},
        )
    elif region.retired_on and (registered_on is None or registered_on >= region.retired_on):
        message = _("%(region)s was retired on %(date)s.")
        bad(place_key, message % {"region": region, "date": region.retired_on.isoformat()})
    elif refusal := codes.not_a_place(region):
        bad(place_key, refusal)

    category, subtype_id = "", None
    category_text = values.get("category", "")
    if not category_text:
        bad("category", _("The category is empty."))
    elif _bare(category_text) in words.subtypes:
        category, subtype_id = words.subtypes[_bare(category_text)]
    else:
        category = _lookup(words.category, category_text) or ""
        if not category:
            bad("category", _("Unknown category %(value)s.") % {"value": category_text})

    channel = Channel.WALK_IN
    source_text = values.get("channel", "")
    if source_text:
        channel = _lookup(words.channel, source_text) or ""
        if not channel:
            bad("channel", _("Unknown channel %(value)s.") % {"value": source_text})
    too_long("channel", source_text, 100)

    risk = Risk.GENERAL
    if values.get("risk"):
        risk = _lookup(words.risk, values["risk"]) or ""
        if not risk:
            bad("risk", _("Unknown risk level %(value)s.") % {"value": values["risk"]})

    title, description = values.get("title", ""), values.get("description", "")
    if not title and not description:
        bad(
            "title" if "title" in result.columns else "description",
            _("The row has neither a summary nor a description."),
        )
    # A long summary is cut for the list; its full text stays in the description.
    if len(title) > 100 and not description:
        description = title
    title = title or description
    if len(title) > 100:
        title = title[:99] + "…"
    description = description or title
    location = values.get("location", "")
    too_long("location", location, 200)
    mediator = values.get("mediator", "")
    too_long("mediator", mediator, 100)
    performance = values.get("performance", "")
    too_long("performance", performance, 200)
    remarks = values.get("remarks", "")

    parties = _parties(values, bad)
    amount = source.get("amount")
    people = source.get("people") or max(len(parties), 1)

    resolved_on = date_of("resolved_on")
    status = Status.REGISTERED
    result_text = values.get("result", "")
    if result_text:
        status = _lookup(words.result, result_text) or ""
        if not status:
            bad("result", _("Unknown result %(value)s.") % {"value": result_text})
    elif resolved_on is not None:
        status = Status.RESOLVED
    if status == Status.RESOLVED and resolved_on is None and not values.get("resolved_on"):
        bad("resolved_on", _("A resolved dispute needs the date it was resolved."))
    if status in OPEN_STATUSES and resolved_on is not None:
        bad("resolved_on", _("An open dispute has no resolution date."))
    if resolved_on and registered_on and resolved_on < registered_on:
        bad("resolved_on", _("The resolution date is before the registration date."))

    resolved_level = ""
    if status == Status.RESOLVED and region is not None and region.level != "county":
        origin = REGION_LEVEL_TO_HANDLING[region.level]
        resolved_level = origin
        if values.get("resolved_level"):
            resolved_level = _lookup(words.level, values["resolved_level"]) or ""
            if not resolved_level:
                message = _("Unknown level %(level)s.") % {"level": values["resolved_level"]}
                bad("resolved_level", message)
            elif LEVEL_RANK[resolved_level] < LEVEL_RANK[origin]:
                bad("resolved_level", _("A dispute cannot be resolved below the level where it arose."))

    if source.errors or registered_on is None:
        result.errors.extend(source.errors)
        return None
    if ledger_ref:
        external_ref = numbered_ref(code, registered_on.year, ledger_ref)
    else:
        content = [
            registered_on.isoformat(),
            code,
            category,
            title,
            description,
            [p["name"] for p in parties],
            str(amount or ""),
            people,
            status,
            resolved_on.isoformat() if resolved_on else "",
        ]
        digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()
        external_ref = REF_PREFIX + digest[:40]
    return ParsedRow(
        row=number,
        external_ref=external_ref,
        ledger_ref=ledger_ref,
        registered_on=registered_on,
        region_code=code,
        category=category,
        subtype_id=subtype_id,
        channel=channel,
        title=title,
        description=description,
        location=location,
        parties=parties,
        amount=amount,
        people=people,
        risk=risk,
        status=status,
        resolved_on=resolved_on,
        resolved_level=resolved_level,
        mediator=mediator,
        agreement=source.get("agreement"),
        performance=performance,
        remarks=remarks,
        source=source_text,
    )


def numbered_ref(region_code: str, year: int, ledger_ref: str) -> str:
    """The key of a ledger row numbered `ledger_ref`: its township (a 6-digit county code stays as
    it is), its year of registration, its number."""
    return f"{REF_PREFIX}{region_code[:9]}/{year}/{ledger_ref}"


def _parties(values: dict[str, str], bad: Callable[[str, str], None]) -> list[dict]:
    """The row's parties, checked by the rule every registration follows (actions.clean_parties);
    each problem is put on the column the value came from and names the party it is about."""
    parties = parse_parties(values.get("parties", ""))
    for key in ("phone", "id_number"):
        extra = split_cell(values.get(key, ""))
        if parties and len(extra) > len(parties):
            bad(key, _("This column names more values than there are parties."))
            continue
        for party, value in zip(parties, extra, strict=False):
            party[key] = party[key] or value
    for party in parties:
        # The ledger's own limit, as for its other text columns: the API and the form cap names too.
        if len(party["name"]) > 100:
            bad("parties", _("This is longer than %(max)d characters.") % {"max": 100})
    try:
        return clean_parties(parties)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            problem = "; ".join(messages)
            if key == "parties":
                bad("parties", problem)
                continue
            _prefix, index, field_name = key.split(".")
            party = parties[int(index)]
            who = party["name"] or _("party %(number)d") % {"number": int(index) + 1}
            column = field_name if field_name != "name" and field_name in values else "parties"
            bad(column, _("%(party)s: %(problem)s") % {"party": who, "problem": problem})
    return parties


# --- importing ---------------------------------------------------------------------------------


class LedgerReport(ImportReport):
    """A ledger import's report. A ledger never changes a case it imported before, so `updated`
    stays 0."""


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class _Holder:
    """The dispute that already holds a row's key: where it arose, and whether it was found by its
    case number (an exported ledger) rather than by the key of an earlier import."""

    region: str
    by_case_number: bool


def _existing(rows: list[ParsedRow]) -> dict[str, _Holder]:
    """Rows already in the platform -> the dispute holding them: imported before (same key), or
    exported from here (the ledger number is a case number)."""
    found: dict[str, _Holder] = {}
    refs = [r.external_ref for r in rows]
    for chunk in _chunks(refs, 900):
        # The unique index on external_ref is partial (WHERE external_ref <> ''); PostgreSQL proves
        # an IN list of more than 100 values implies that only when the query says so itself.
        chunk_rows = Dispute.objects.filter(external_ref__in=chunk).exclude(external_ref="")
        for ref, region in chunk_rows.values_list("external_ref", "region_id"):
            found[ref] = _Holder(region, by_case_number=False)
    # Case numbers are unique in the whole county, so this match needs no scope; a number may stand
    # on rows of several townships or years, each of which is that case.
    numbers: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.ledger_ref:
            numbers[r.ledger_ref].append(r.external_ref)
    for chunk in _chunks(list(numbers), 900):
        for number, region in Dispute.objects.filter(number__in=chunk).values_list("number", "region_id"):
            for ref in numbers[number]:
                found.setdefault(ref, _Holder(region, by_case_number=True))
    return found


def _common_code(region_codes: Iterable[str]) -> str:
    ordered = sorted(set(region_codes))
    prefix = ""
    if ordered:
        first, last = ordered[0], ordered[-1]
        while len(prefix) < min(len(first), len(last)) and first[len(prefix)] == last[len(prefix)]:
            prefix += first[len(prefix)]
    for length in (17, 15, 12, 9, 6):
        if len(prefix) >= length:
            return prefix[:length]
    return ""


def _take_numbers(rows: list[ParsedRow]) -> dict[int, str]:
    """Case numbers for new rows: a block from each (county, year) counter, held until the import
    commits, given out in the order the disputes were registered."""
    groups: dict[tuple[str, int], list[ParsedRow]] = defaultdict(list)
    for row in rows:
        groups[(row.region_code[:6], row.registered_on.year)].append(row)
    numbers: dict[int, str] = {}
    for (county, year), members in sorted(groups.items()):
        ordered = sorted(members, key=lambda r: (r.registered_on, r.row))
        for row, number in zip(ordered, next_numbers(county, year, len(ordered)), strict=True):
            numbers[row.row] = number
    return numbers


def _at(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, IMPORT_TIME), timezone.get_default_timezone())


def import_ledger(
    actor,
    parsed: ParsedLedger,
    *,
    filename: str,
    progress: Callable[[int, int], None] | None = None,
) -> LedgerReport:
    """Register every row of a checked ledger, or nothing at all if any row is bad or lies outside
    the actor's jurisdiction. Rows imported before (or exported from here) are left as they are."""
    if getattr(actor, "pk", None) is None:
        raise ValueError("a ledger is imported by a person's account, who registers its disputes")
    report = LedgerReport(errors=list(parsed.errors))
    region_column = next(
        (parsed.columns[key] for key in ("region", "village", "township") if key in parsed.columns),
        LEDGER.heading("region"),
    )
    allowed: dict[str, bool] = {}
    for row in parsed.rows:
        if row.region_code not in allowed:
            allowed[row.region_code] = covers(actor, "case.handle", row.region_code)
        if not allowed[row.region_code]:
            message = _("%(code)s is outside your jurisdiction.") % {"code": row.region_code}
            report.errors.append(RowError(row.row, region_column, message))
    inside = [r for r in parsed.rows if allowed[r.region_code]]
    existing = _existing(inside)
    new_rows = []
    for row in inside:
        holder = existing.get(row.external_ref)
        if holder is None:
            new_rows.append(row)
        elif holder.region == row.region_code:
            report.unchanged += 1
        else:
            column = LEDGER.heading("ledger_ref", parsed.columns)
            if row.ledger_ref and not holder.by_case_number:
                # Two ledgers of one township numbered apart (say, two villages' own ledgers) meet
                # here: taking the row as imported before would lose a dispute.
                message = _(
                    "Number %(number)s is already used by another dispute of this township in %(year)d: "
                    "within a township and year, each row needs a number of its own."
                ) % {"number": row.ledger_ref, "year": row.registered_on.year}
            else:
                message = _(
                    "This row's ledger number is already used by another dispute: number the rows uniquely."
                )
            report.errors.append(RowError(row.row, column, message))
    report.errors.sort(key=lambda e: e.row)
    all_codes = [r.region_code for r in parsed.rows]
    if report.errors:
        report.unchanged = 0
        record(
            actor,
            "dispute.import",
            region_code=_common_code(all_codes),
            result=Result.REFUSED,
            detail=rejected_import_detail(filename, report.bad_rows),
        )
        return report

    total = len(parsed.rows)
    done = report.unchanged
    if progress:
        progress(done, total)
    try:
        with transaction.atomic():
            numbers = _take_numbers(new_rows)
            region_levels = _levels(new_rows)
            for batch in _chunks(new_rows, BATCH):
                _write_batch(actor, batch, numbers, region_levels, filename)
                done += len(batch)
                report.created += len(batch)
                if progress:
                    progress(done, total)
            record(
                actor,
                "dispute.import",
                region_code=_common_code(all_codes),
                after={
                    "file": filename,
                    "rows": total,
                    "created": report.created,
                    "unchanged": report.unchanged,
                },
            )
    except IntegrityError:
        # Another import of the same rows committed first; this one rolled back whole.
        report.created = report.unchanged = 0
        message = _(
            "Another import wrote some of these rows at the same time; nothing was imported. "
            "Import the file again."
        )
        report.errors.append(RowError(0, "", message))
        with county_language():
            detail = _("%(file)s: another import wrote the same rows first") % {"file": filename}
        record(actor, "dispute.import", result=Result.REFUSED, detail=detail)
    if report.created >= ANALYZE_AFTER:
        analyze(Dispute, Party, TimelineEntry, Alert)
    return report


def _levels(rows: list[ParsedRow]) -> dict[str, str]:
    return {code: region.level for code, region in _regions({r.region_code for r in rows}).items()}


def _write_batch(
    actor, batch: list[ParsedRow], numbers: dict[int, str], levels: dict[str, str], filename: str
):
    disputes = []
    for row in batch:
        origin = REGION_LEVEL_TO_HANDLING[levels[row.region_code]]
        level = row.resolved_level or origin
        place = Region(code=row.region_code)
        registered_at = _at(row.registered_on)
        closed = row.status not in OPEN_STATUSES
        disputes.append(
            Dispute(
                number=numbers[row.row],
                region_id=row.region_code,
                origin_level=origin,
                handling_level=level,
                handling_unit_id=handling_unit_for(place, level),
                status=row.status,
                channel=row.channel,
                category=row.category,
                subtype_id=row.subtype_id,
                title=row.title,
                description=row.description,
                location=row.location,
                amount=row.amount,
                people_involved=row.people,
                risk=row.risk,
                registered_by=actor,
                registered_at=registered_at,
                closed_at=(_at(row.resolved_on) or registered_at) if closed else None,
                resolved_at=_at(row.resolved_on) if row.status == Status.RESOLVED else None,
                resolved_level=row.resolved_level,
                external_ref=row.external_ref,
                mediator_name=row.mediator,
                agreement_reached=row.agreement,
                performance_note=row.performance,
                remarks=row.remarks,
                source=row.source,
            )
        )
    Dispute.objects.bulk_create(disputes)
    if any(d.pk is None for d in disputes):  # a database that does not return keys from bulk inserts
        keys = dict(
            Dispute.objects.filter(number__in=[d.number for d in disputes]).values_list("number", "pk")
        )
        for d in disputes:
            d.pk = d.id = keys[d.number]
    parties, timeline, alerts = [], [], []
    for row, dispute in zip(batch, disputes, strict=True):
        for p in row.parties:
            parties.append(
                Party(
                    dispute_id=dispute.pk,
                    kind=p["kind"],
                    role=p["role"],
                    name=p["name"],
                    phone=p["phone"],
                    id_number=p["id_number"],
                )
            )
        timeline.append(
            TimelineEntry(
                dispute_id=dispute.pk,
                actor=actor,
                transition="imported",
                from_status="",
                to_status=dispute.status,
                handling_unit_id=dispute.handling_unit_id,
                note=_("%(file)s, row %(row)d") % {"file": filename, "row": row.row},
            )
        )
        # As at registration, for the cases still open.
        if dispute.status in OPEN_STATUSES:
            alerts.extend(alerts_on_register(dispute))
    Party.objects.bulk_create(parties, batch_size=BATCH)
    TimelineEntry.objects.bulk_create(timeline, batch_size=BATCH)
    Alert.objects.bulk_create(alerts, batch_size=BATCH)
    engine.added(DISPUTE, disputes)
    # The re-check after the write: every new case lies in the actor's jurisdiction.
    keys = [d.pk for d in disputes]
    if Dispute.objects.visible_to(actor, "case.handle").filter(pk__in=keys).count() != len(keys):
        raise OutOfScope(f"an imported dispute is outside the jurisdiction of {actor}")


# --- exporting ---------------------------------------------------------------------------------

_ID_IN_TEXT = re.compile(r"(?<![0-9])\d{17}[\dXx](?![0-9])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")
_LANDLINE_IN_TEXT = re.compile(r"(?<![0-9-])0\d{2,3}-\d{7,8}(?![0-9])")
_DIGITS = re.compile(r"\d{7}")


def mask_text(text: str) -> str:
    """Free text typed by staff may hold a phone or an identity number: an export masks them too."""
    if not _DIGITS.search(text):  # most texts hold no long number: one scan instead of three
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group().upper()), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def export_queryset(disputes: QuerySet[Dispute]) -> QuerySet[Dispute]:
    """The disputes a ledger lists: merged duplicates are not disputes of their own."""
    return disputes.exclude(status=Status.MERGED)


_EXPORT_FIELDS = [
    "id",
    "number",
    "registered_at",
    "region_id",
    "category",
    "subtype_id",
    "channel",
    "source",
    "title",
    "description",
    "amount",
    "people_involved",
    "risk",
    "mediator_name",
    "agreement_reached",
    "performance_note",
    "status",
    "resolved_at",
    "resolved_level",
    "handling_unit_id",
    "remarks",
]


def _by_dispute(model, column: str, ids: list[int]) -> list[tuple[int, Any]]:
    """(dispute id, column) of a chunk's rows of `model`, in their order. On PostgreSQL the ids go
    as one array parameter: preparing 5,000 IN parameters one by one cost more than the query."""
    if connection.vendor != "postgresql":
        return list(model.objects.filter(dispute_id__in=ids).order_by("id").values_list("dispute_id", column))
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # Table and column are the model's own names, not input.
        cursor.execute(
            f"SELECT dispute_id, {column} FROM {table} WHERE dispute_id = ANY(%s) ORDER BY id",  # noqa: S608
            [ids],
        )
        return cursor.fetchall()


def _mediators(ids: list[int]) -> list[tuple[int, str]]:
    through = Dispute.mediators.through.objects.filter(dispute_id__in=ids).order_by("id")
    if connection.vendor == "postgresql":
        through = Dispute.mediators.through.objects.extra(where=["dispute_id = ANY(%s)"], params=[ids])
        through = through.order_by("id")
    return [
        (d, full or user)
        for d, full, user in through.values_list("dispute_id", "user__full_name", "user__username")
    ]


def export_rows(disputes: QuerySet[Dispute], chunk: int = 5000) -> Iterator[list]:
    """Rows in the order of EXPORT_HEADERS, streamed: read a chunk at a time by (registered_at, id),
    each chunk's parties, mediators and agreements in one query each, and every label (category,
    status, region names) looked up once per value, not once per row. Parties by name only: no
    phone or identity number leaves the platform in a ledger."""
    from anju.core.export import labels

    category, channel = labels(Category), labels(Channel)
    risk, status, level = labels(Risk), labels(Status), labels(HandlingLevel)
    subtypes = dict(Subtype.objects.values_list("pk", "name"))
    names: dict[str, str] = {}

    def name_of(code: str) -> str:
        if code not in names:
            names.update(dict(Region.objects.filter(code__startswith=code[:9]).values_list("code", "name")))
            names.setdefault(code, "")
        return names[code]

    yes, no = _("yes"), _("no")
    zone = timezone.get_current_timezone()
    base = export_queryset(disputes).order_by("registered_at", "id").values_list(*_EXPORT_FIELDS)
    after = None
    while True:
        page = base
        if after is not None:
            at, pk = after
            # The plain bound makes the keyset an index range (see bench/README, paging back).
            page = page.filter(registered_at__gte=at).exclude(registered_at=at, id__lte=pk)
        rows = list(page[:chunk])
        if not rows:
            return
        after = (rows[-1][2], rows[-1][0])
        ids = [r[0] for r in rows]
        parties: dict[int, list[str]] = defaultdict(list)
        for dispute_id, name in _by_dispute(Party, "name", ids):
            parties[dispute_id].append(name)
        mediators: dict[int, list[str]] = defaultdict(list)
        for dispute_id, name in _mediators(ids):
            mediators[dispute_id].append(name)
        agreed = {dispute_id for dispute_id, _id in _by_dispute(Agreement, "id", ids)}
        for (
            pk, number, registered_at, region_id, cat, subtype_id, chan, source, title, description,
            amount, people, rsk, mediator_name, agreement, performance, stat, resolved_at, resolved_level,
            unit, remarks,
        ) in rows:  # fmt: skip
            reached = agreement if agreement is not None else (True if pk in agreed else None)
            yield [
                number,
                registered_at.astimezone(zone).date().isoformat(),
                name_of(region_id[:9]) if len(region_id) >= 9 else "",
                name_of(region_id[:12]) if len(region_id) >= 12 else "",
                region_id,
                subtypes.get(subtype_id) or category.get(cat, cat),
                source or channel.get(chan, chan),
                mask_text(title),
                mask_text(description),
                "、".join(parties.get(pk, ())),
                amount,
                people,
                risk.get(rsk, rsk),
                mediator_name or "、".join(mediators.get(pk, ())),
                "" if reached is None else (yes if reached else no),
                performance,
                status.get(stat, stat),
                resolved_at.astimezone(zone).date().isoformat() if resolved_at else "",
                level.get(resolved_level, "") if resolved_level else "",
                name_of(unit),
                remarks,
            ]


def export_chunks(disputes: QuerySet[Dispute], fmt: str) -> Iterator[bytes]:
    """The ledger as .xlsx or .csv, a chunk of bytes at a time."""
    from anju.core.export import chunks

    return chunks(fmt, EXPORT_HEADERS, export_rows(disputes), title="矛盾纠纷台账")


def export_file(disputes: QuerySet[Dispute], fmt: str) -> tuple[bytes, int]:
    """The whole ledger as bytes, and how many disputes it lists (small exports and tests)."""
    if fmt not in ("xlsx", "csv"):
        raise ValueError(fmt)
    body = b"".join(export_chunks(disputes, fmt))
    return body, export_queryset(disputes).count()


# --- background imports ------------------------------------------------------------------------
# An upload waits between the steps as an ImportJob (anju.core.importjobs): file, headers, chosen
# columns, progress and report all in the database, so the web process and the worker share no disk.

BACKGROUND_ABOVE = 2000  # rows; smaller files are imported while the page waits


def read_upload(job: ImportJob) -> Table:
    return tabular.read_table(bytes(job.data), job.filename, LEDGER, header_row=job.header_row)


def start_job(job: ImportJob, mapping: dict[str, int], language: str) -> None:
    importjobs.set_state(
        job, ImportJob.State.QUEUED, done=0, total=job.rows, mapping=mapping, report=None, language=language
    )
    import_ledger_job.enqueue(job.token)


@task()
def import_ledger_job(token: str) -> dict:
    """The background import of a large ledger, as the person who uploaded it."""
    job = importjobs.job_of(token, kind=KIND)
    if job is None:
        return {"state": "missing"}
    with translation.override(job.language or None):
        progress = None
        try:
            actor = job.owner
            if not actor.is_active:
                raise PermissionError(actor)
            importjobs.set_state(job, ImportJob.State.CHECKING, done=0)
            table = read_upload(job)
            checking = importjobs.Progress(job, ImportJob.State.CHECKING)
            parsed = parse_ledger(
                table, job.mapping, names=RegionNames.for_actor(actor, "case.handle"), progress=checking
            )
            checking.close()
            progress = importjobs.Progress(job, ImportJob.State.IMPORTING)
            report = import_ledger(actor, parsed, filename=job.filename, progress=progress)
        except Exception:
            importjobs.set_state(job, ImportJob.State.FAILED)
            raise
        finally:
            if progress is not None:
                progress.close()
        outcome = ImportJob.State.DONE if report.ok else ImportJob.State.REJECTED
        fields = {"done": len(parsed.rows), "total": len(parsed.rows), "report": report.as_dict()}
        if report.ok:
            fields["data"] = b""  # imported: the file is not kept
        importjobs.set_state(job, outcome, **fields)
    return {"state": outcome, "created": report.created, "unchanged": report.unchanged}
