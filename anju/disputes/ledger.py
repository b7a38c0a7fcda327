"""Dispute ledgers (台账): a county's Excel ledger read into checked rows, imported all or none, and
the platform's disputes written back out in the same layout (so an export imports again).

Headers vary from county to county, so columns are matched by alias and can be chosen by hand."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from anju.audit.actions import record
from anju.audit.models import Result
from anju.core import tabular
from anju.core.personal import (
    mask_id_number,
    mask_phone,
    normalise_id_number,
)
from anju.core.rows import analyze
from anju.core.scoping import OutOfScope, covers
from anju.core.tabular import ImportReport, RowError, Table
from anju.regions import codes
from anju.regions.models import Region

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
from .models import Alert, Dispute, Party, Subtype, TimelineEntry

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


@dataclass(frozen=True)
class LedgerField:
    key: str
    label: Any  # a lazy translation
    aliases: tuple[str, ...]
    required: bool = False


FIELDS: list[LedgerField] = [
    LedgerField(
        "ledger_ref",
        gettext_lazy("ledger reference"),
        ("编号", "台账编号", "案件编号", "纠纷编号", "登记编号", "案号", "ledger_ref", "ref", "case number"),
    ),
    LedgerField(
        "registered_on",
        gettext_lazy("registered at"),
        ("登记日期", "受理日期", "登记时间", "受理时间", "排查日期", "排查时间", "发现日期", "registered_on"),
        required=True,
    ),
    LedgerField(
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
            "region",
            "code",
        ),
        required=True,
    ),
    LedgerField(
        "category",
        gettext_lazy("category"),
        ("纠纷类别", "纠纷类型", "矛盾类别", "矛盾类型", "类别", "类型", "category"),
        required=True,
    ),
    LedgerField("channel", gettext_lazy("channel"), ("来源", "纠纷来源", "来源渠道", "渠道", "channel")),
    LedgerField(
        "title", gettext_lazy("summary"), ("简要案由", "案由", "纠纷名称", "事由", "title", "summary")
    ),
    LedgerField(
        "description",
        gettext_lazy("description"),
        ("纠纷情况", "纠纷简要情况", "简要情况", "基本情况", "description"),
    ),
    LedgerField(
        "location", gettext_lazy("location"), ("地点", "具体地点", "详细地点", "详细地址", "location")
    ),
    LedgerField(
        "parties", gettext_lazy("parties"), ("当事人", "当事人姓名", "双方当事人", "parties"), required=True
    ),
    LedgerField("phone", gettext_lazy("phone"), ("联系电话", "电话", "手机", "手机号码", "phone")),
    LedgerField(
        "id_number",
        gettext_lazy("identity number"),
        ("身份证号", "身份证号码", "公民身份号码", "id_number", "id number"),
    ),
    LedgerField(
        "amount", gettext_lazy("amount in dispute (yuan)"), ("涉及金额", "涉案金额", "争议金额", "amount")
    ),
    LedgerField("people", gettext_lazy("people involved"), ("涉及人数", "人数", "people", "people_involved")),
    LedgerField("risk", gettext_lazy("risk"), ("风险等级", "风险", "risk")),
    LedgerField(
        "result",
        gettext_lazy("mediation result"),
        ("调解结果", "处理结果", "化解结果", "结果", "状态", "办理状态", "result", "status"),
    ),
    LedgerField(
        "resolved_on",
        gettext_lazy("resolved at"),
        ("化解日期", "结案日期", "化解时间", "结案时间", "办结日期", "resolved_on"),
    ),
    LedgerField(
        "resolved_level", gettext_lazy("level where resolved"), ("化解层级", "化解级别", "resolved_level")
    ),
]
FIELD_BY_KEY = {f.key: f for f in FIELDS}

# The export's layout (the columns a county ledger keeps); every one of them imports again.
EXPORT_HEADERS = [
    "编号",
    "登记日期",
    "发生地",
    "区划代码",
    "纠纷类别",
    "来源",
    "简要案由",
    "纠纷情况",
    "当事人",
    "涉及金额",
    "涉及人数",
    "风险等级",
    "状态",
    "承办单位",
    "化解日期",
    "化解层级",
]

_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_SPACES = re.compile(r"[\s*：:]+")


def _norm(text: str) -> str:
    """A header or value as compared: no spaces, no bracketed notes such as （元）, lower case."""
    return _SPACES.sub("", _BRACKETS.sub("", str(text))).lower()


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """field -> column index, from the headers' names: exact aliases first, then a header that
    contains an alias (纠纷当事人姓名 is the parties)."""
    normalised = [_norm(h) for h in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for f in FIELDS:
        names = {_norm(a) for a in f.aliases}
        for index, header in enumerate(normalised):
            if index not in used and header and header in names:
                mapping[f.key] = index
                used.add(index)
                break
    for f in FIELDS:
        if f.key in mapping:
            continue
        aliases = sorted({_norm(a) for a in f.aliases if not a.isascii()}, key=len, reverse=True)
        for alias in aliases:
            index = next((i for i, h in enumerate(normalised) if i not in used and alias in h), None)
            if index is not None:
                mapping[f.key] = index
                used.add(index)
                break
    return mapping


def resolve_mapping(headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, int]:
    """The guessed mapping with some fields chosen by header name (field -> header; an empty
    header leaves the field out). Raises ValidationError naming unknown fields and headers."""
    mapping = guess_mapping(headers)
    problems = []
    for key, header in (overrides or {}).items():
        if key not in FIELD_BY_KEY:
            problems.append(
                _("%(field)s is not a ledger field; the fields are: %(fields)s.")
                % {"field": key, "fields": ", ".join(FIELD_BY_KEY)}
            )
            continue
        if not header.strip():
            mapping.pop(key, None)
            continue
        index = _find_header(headers, header)
        if index is None:
            problems.append(_("The file has no column %(header)s.") % {"header": header})
            continue
        for other, taken in list(mapping.items()):
            if taken == index:
                del mapping[other]
        mapping[key] = index
    if problems:
        raise ValidationError(problems)
    return mapping


def _find_header(headers: list[str], wanted: str) -> int | None:
    for index, header in enumerate(headers):
        if header.strip() == wanted.strip():
            return index
    for index, header in enumerate(headers):
        if _norm(header) == _norm(wanted):
            return index
    return None


def missing_fields(mapping: dict[str, int]) -> list[LedgerField]:
    """The required fields a mapping leaves out (a summary or a description is enough)."""
    missing = [f for f in FIELDS if f.required and f.key not in mapping]
    if "title" not in mapping and "description" not in mapping:
        missing.append(FIELD_BY_KEY["title"])
    return missing


# --- the values --------------------------------------------------------------------------------

CATEGORY_NAMES = {
    Category.MARRIAGE_FAMILY: ("婚姻家庭", "婚姻", "家庭"),
    Category.NEIGHBOUR: ("邻里",),
    Category.HOUSING_HOMESTEAD: ("房屋宅基地", "房屋", "宅基地"),
    Category.CONTRACT: ("合同",),
    Category.BUSINESS: ("生产经营",),
    Category.DAMAGES: ("损害赔偿",),
    Category.FOREST_LAND: ("山林土地", "山林", "土地"),
    Category.LAND_REQUISITION: ("征地拆迁", "征地", "拆迁"),
    Category.POLLUTION: ("环境污染", "污染"),
    Category.LABOUR: ("劳动争议", "劳动", "劳资"),
    Category.CONSUMER: ("消费", "消费者权益"),
    Category.MEDICAL: ("医疗", "医患"),
    Category.TRAFFIC: ("道路交通事故", "交通事故", "道路交通"),
    Category.PROPERTY_MANAGEMENT: ("物业",),
    Category.OTHER: ("其他", "其它"),
}
CHANNEL_NAMES = {
    Channel.GRID_VISIT: ("走访", "网格员走访", "排查", "摸排", "网格排查"),
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
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


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
            vocabulary[_norm(name)] = (remap or {}).get(value, value)
    return vocabulary


def _lookup(vocabulary: dict[str, str], text: str) -> str | None:
    key = _norm(text)
    if key in vocabulary:
        return vocabulary[key]
    for suffix in ("纠纷", "类", "风险", "级"):
        if key.endswith(suffix) and key[: -len(suffix)] in vocabulary:
            return vocabulary[key[: -len(suffix)]]
    return None


def parse_date(text: str) -> dt.date:
    """2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305, or an ISO date and time."""
    value = text.strip()
    match = _DATE.match(value) or _COMPACT_DATE.match(value)
    if not match:
        raise ValueError(value)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


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


@dataclass
class ParsedLedger:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # field -> the header as the file names it, for error messages
    columns: dict[str, str] = field(default_factory=dict)


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
        return cls(
            category=_vocabulary(Category, CATEGORY_NAMES),
            subtypes={
                _norm(s.name): (s.category, s.pk) for s in Subtype.objects.filter(active=True).order_by("pk")
            },
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


def parse_ledger(table: Table, mapping: dict[str, int] | None = None) -> ParsedLedger:
    """Check every row of a ledger; a row with any problem is left out and each problem listed."""
    mapping = guess_mapping(table.headers) if mapping is None else dict(mapping)
    result = ParsedLedger()
    for key, index in mapping.items():
        header = table.headers[index] if index < len(table.headers) else ""
        result.columns[key] = header or str(FIELD_BY_KEY[key].label)
    missing = missing_fields(mapping)
    if missing:
        names = ", ".join(str(f.label) for f in missing)
        result.errors.append(RowError(1, names, _("Missing column(s): %(columns)s.") % {"columns": names}))
        return result

    def cell(cells: list[str], key: str) -> str:
        index = mapping.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    region_cells = {codes.normalise(cell(cells, "region")) for _number, cells in table.rows}
    regions = _regions({c for c in region_cells if c.isdigit()})
    words = _Vocabularies.load()
    today = timezone.localdate()
    seen_refs: dict[str, int] = {}
    for number, cells in table.rows:
        row = _parse_row(number, {k: cell(cells, k) for k in mapping}, result, regions, words, today)
        if row is None:
            continue
        first = seen_refs.get(row.external_ref)
        if first is not None:
            if row.ledger_ref:
                message = _("%(code)s appears again (first on row %(row)d).") % {
                    "code": row.ledger_ref,
                    "row": first,
                }
                result.errors.append(RowError(number, result.columns["ledger_ref"], message))
            else:
                message = _("This row repeats row %(row)d.") % {"row": first}
                result.errors.append(RowError(number, "", message))
            continue
        seen_refs[row.external_ref] = number
        result.rows.append(row)
    result.errors.sort(key=lambda e: e.row)
    return result


def _parse_row(
    number: int,
    values: dict[str, str],
    result: ParsedLedger,
    regions: dict[str, Region],
    words: _Vocabularies,
    today: dt.date,
) -> ParsedRow | None:
    errors: list[RowError] = []

    def bad(key: str, message: str) -> None:
        errors.append(RowError(number, result.columns.get(key, key), message))

    def too_long(key: str, text: str, limit: int) -> bool:
        if len(text) > limit:
            bad(key, _("This is longer than %(max)d characters.") % {"max": limit})
            return True
        return False

    def date_of(key: str) -> dt.date | None:
        text = values.get(key, "")
        if not text:
            return None
        try:
            day = parse_date(text)
        except ValueError:
            bad(key, _("%(value)s is not a date (YYYY-MM-DD, YYYY/M/D or YYYY年M月D日).") % {"value": text})
            return None
        if day > today:
            bad(key, _("The date is in the future."))
        return day

    ledger_ref = values.get("ledger_ref", "")
    too_long("ledger_ref", ledger_ref, REF_MAX)

    registered_on = date_of("registered_on")
    if registered_on is None and not values.get("registered_on"):
        bad("registered_on", _("The registration date is empty."))

    code = codes.normalise(values.get("region", ""))
    region = regions.get(code)
    if not code:
        bad("region", _("The region code is empty."))
    elif region is None:
        try:
            codes.level_of(code)
        except ValidationError as error:
            bad("region", "; ".join(error.messages))
        else:
            bad("region", _("%(code)s is not a region of this county's tree.") % {"code": code})
    elif region.level == "county":
        bad(
            "region",
            _("%(code)s is a county: give the township, village or grid where it arose.") % {"code": code},
        )
    elif region.retired_on and (registered_on is None or registered_on >= region.retired_on):
        message = _("%(region)s was retired on %(date)s.")
        bad("region", message % {"region": region, "date": region.retired_on.isoformat()})

    category, subtype_id = "", None
    category_text = values.get("category", "")
    if not category_text:
        bad("category", _("The category is empty."))
    elif _norm(category_text) in words.subtypes:
        category, subtype_id = words.subtypes[_norm(category_text)]
    else:
        category = _lookup(words.category, category_text) or ""
        if not category:
            bad("category", _("Unknown category %(value)s.") % {"value": category_text})

    channel = Channel.WALK_IN
    if values.get("channel"):
        channel = _lookup(words.channel, values["channel"]) or ""
        if not channel:
            bad("channel", _("Unknown channel %(value)s.") % {"value": values["channel"]})

    risk = Risk.GENERAL
    if values.get("risk"):
        risk = _lookup(words.risk, values["risk"]) or ""
        if not risk:
            bad("risk", _("Unknown risk level %(value)s.") % {"value": values["risk"]})

    title, description = values.get("title", ""), values.get("description", "")
    if not title and not description:
        bad("title", _("The row has neither a summary nor a description."))
    # A long summary is cut for the list; its full text stays in the description.
    if len(title) > 100 and not description:
        description = title
    title = title or description
    if len(title) > 100:
        title = title[:99] + "…"
    description = description or title
    location = values.get("location", "")
    too_long("location", location, 200)

    parties = _parties(values, bad)

    amount = None
    if values.get("amount"):
        try:
            amount = parse_amount(values["amount"])
        except (InvalidOperation, ValueError):
            bad("amount", _("%(value)s is not an amount of money.") % {"value": values["amount"]})
        else:
            if amount < 0:
                bad("amount", _("The amount cannot be negative."))
            elif amount >= Decimal(10) ** 12:
                bad("amount", _("%(value)s is not an amount of money.") % {"value": values["amount"]})

    people = max(len(parties), 1)
    if values.get("people"):
        try:
            people = int(Decimal(values["people"].rstrip("人").strip()))
            if people < 1:
                raise ValueError
        except (InvalidOperation, ValueError):
            bad("people", _("%(value)s is not a number of people.") % {"value": values["people"]})

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

    if errors or registered_on is None:
        result.errors.extend(errors)
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
    """A ledger import's report, kept in the job's state while the background worker runs it.
    A ledger never changes a case it imported before, so `updated` stays 0."""

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "unchanged": self.unchanged,
            "errors": [asdict(e) for e in self.errors],
        }

    @classmethod
    def from_dict(cls, data: dict) -> LedgerReport:
        return cls(
            created=data.get("created", 0),
            unchanged=data.get("unchanged", 0),
            errors=[RowError(**e) for e in data.get("errors", [])],
        )


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
    region_column = parsed.columns.get("region", "region")
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
            column = parsed.columns.get("ledger_ref", "")
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
            detail=f"{filename}: {report.bad_rows} bad rows",
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
        record(actor, "dispute.import", result=Result.REFUSED, detail=f"{filename}: concurrent import")
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
    # The re-check after the write: every new case lies in the actor's jurisdiction.
    keys = [d.pk for d in disputes]
    if Dispute.objects.visible_to(actor, "case.handle").filter(pk__in=keys).count() != len(keys):
        raise OutOfScope(f"an imported dispute is outside the jurisdiction of {actor}")


# --- exporting ---------------------------------------------------------------------------------

_ID_IN_TEXT = re.compile(r"(?<![0-9])\d{17}[\dXx](?![0-9])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")
_LANDLINE_IN_TEXT = re.compile(r"(?<![0-9-])0\d{2,3}-\d{7,8}(?![0-9])")


def mask_text(text: str) -> str:
    """Free text typed by staff may hold a phone or an identity number: an export masks them too."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group().upper()), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def export_queryset(disputes: QuerySet[Dispute]) -> QuerySet[Dispute]:
    """The disputes a ledger lists: merged duplicates are not disputes of their own."""
    return (
        disputes.exclude(status=Status.MERGED)
        .select_related("region", "handling_unit")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.only("id", "dispute_id", "name", "role"))
        )
        .order_by("registered_at", "id")
    )


def export_rows(disputes: QuerySet[Dispute]) -> Iterator[list]:
    """Rows in the order of EXPORT_HEADERS. Parties by name only: no phone or identity number
    leaves the platform in a ledger."""
    for d in export_queryset(disputes).iterator(chunk_size=BATCH):
        yield [
            d.number,
            timezone.localdate(d.registered_at),
            d.region.name,
            d.region_id,
            d.get_category_display(),
            d.get_channel_display(),
            mask_text(d.title),
            mask_text(d.description),
            "、".join(p.name for p in d.parties.all()),
            d.amount,
            d.people_involved,
            d.get_risk_display(),
            d.get_status_display(),
            d.handling_unit.name,
            timezone.localdate(d.resolved_at) if d.resolved_at else None,
            d.get_resolved_level_display() if d.resolved_level else "",
        ]


def export_file(disputes: QuerySet[Dispute], fmt: str) -> tuple[bytes, int]:
    """The ledger as .xlsx or .csv bytes, and how many disputes it lists."""
    count = 0

    def counted() -> Iterator[list]:
        nonlocal count
        for row in export_rows(disputes):
            count += 1
            yield row

    if fmt == "xlsx":
        body = tabular.write_xlsx(EXPORT_HEADERS, counted(), title="矛盾纠纷台账")
    elif fmt == "csv":
        body = tabular.write_csv(EXPORT_HEADERS, counted())
    else:
        raise ValueError(fmt)
    return body, count


# --- background imports ------------------------------------------------------------------------
# An upload waits between the steps as MEDIA_ROOT/imports/<token>.<ext>, with <token>.json beside
# it holding who uploaded it, its headers and, once it runs, the job's progress and report. A file
# (not the cache) so the web process and the worker see the same state without a shared cache.

BACKGROUND_ABOVE = 2000  # rows; smaller files are imported while the page waits
KEEP_UPLOADS = dt.timedelta(days=2)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _state_path(token: str) -> Path:
    return imports_dir() / f"{token}.json"


def upload_path(token: str, state: dict) -> Path:
    return imports_dir() / f"{token}{state['ext']}"


def write_state(token: str, state: dict) -> None:
    path = _state_path(token)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def read_state(token: str, owner=None) -> dict | None:
    """The upload's state, or None if the token is malformed, unknown or another person's."""
    if not _TOKEN.match(token or ""):
        return None
    try:
        state = json.loads(_state_path(token).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if owner is not None and state.get("owner") != owner.pk:
        return None
    return state


def read_headers(data: bytes, filename: str) -> tuple[list[str], int]:
    """A file's headers and its number of rows, for the mapping step. A large workbook is not read
    in full here (that takes the worker's time, not the page's): its dimension gives the count."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            rows = sheet.max_row
            first = next(sheet.iter_rows(max_row=1, values_only=True), None)
            workbook.close()
        except Exception:  # read_table below says what is wrong with the file
            rows, first = None, None
        if rows and first is not None and rows > BACKGROUND_ABOVE:
            return ["" if v is None else str(v).strip() for v in first], rows - 1
    table = tabular.read_table(data, filename)
    return table.headers, len(table.rows)


def save_upload(owner, data: bytes, filename: str, headers: list[str], rows: int) -> str:
    """Keep an uploaded ledger until it is imported; returns the token that names it."""
    folder = imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _forget_old_uploads(folder)
    token = secrets.token_urlsafe(24)
    ext = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    (folder / f"{token}{ext}").write_bytes(data)
    write_state(
        token,
        {
            "owner": owner.pk,
            "filename": Path(filename).name[:200],
            "ext": ext,
            "headers": headers,
            "rows": rows,
            "state": "uploaded",
            "created": timezone.now().isoformat(),
        },
    )
    return token


def discard_upload(token: str, state: dict) -> None:
    upload_path(token, state).unlink(missing_ok=True)


def _forget_old_uploads(folder: Path) -> None:
    cutoff = time.time() - KEEP_UPLOADS.total_seconds()
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def jobs_of(owner, limit: int = 10) -> list[tuple[str, dict]]:
    """The person's recent background imports, newest first."""
    folder = imports_dir()
    if not folder.is_dir():
        return []
    jobs = []
    for path in folder.glob("*.json"):
        state = read_state(path.stem, owner)
        if state and state.get("state") not in (None, "uploaded"):
            jobs.append((path.stem, state))
    jobs.sort(key=lambda item: item[1].get("created", ""), reverse=True)
    return jobs[:limit]


def start_job(token: str, state: dict, mapping: dict[str, int], language: str) -> None:
    state = {**state, "state": "queued", "done": 0, "total": state.get("rows", 0), "mapping": mapping}
    state.pop("report", None)
    write_state(token, state)
    import_ledger_job.enqueue(token, mapping, language)


@task()
def import_ledger_job(token: str, mapping: dict[str, int], language: str) -> dict:
    """The background import of a large ledger, as the person who uploaded it."""
    from anju.accounts.models import User

    state = read_state(token)
    if state is None:
        return {"state": "missing"}
    with translation.override(language):
        try:
            actor = User.objects.get(pk=state["owner"], is_active=True)
            write_state(token, {**state, "state": "checking"})
            table = tabular.read_table(upload_path(token, state).read_bytes(), state["filename"])
            parsed = parse_ledger(table, mapping)
            shown = 0.0

            def progress(done: int, total: int) -> None:
                nonlocal shown
                if done < total and time.monotonic() - shown < 0.5:
                    return
                shown = time.monotonic()
                write_state(token, {**state, "state": "importing", "done": done, "total": total})

            report = import_ledger(actor, parsed, filename=state["filename"], progress=progress)
        except Exception:
            write_state(token, {**state, "state": "failed"})
            raise
        outcome = "done" if report.ok else "rejected"
        write_state(
            token,
            {
                **state,
                "state": outcome,
                "done": len(parsed.rows),
                "total": len(parsed.rows),
                "report": report.as_dict(),
            },
        )
        if report.ok:
            discard_upload(token, state)
    return {"state": outcome, "created": report.created, "unchanged": report.unchanged}
