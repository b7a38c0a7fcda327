"""The catalogue of grid events: routing (which unit handles a minor class reported somewhere), the
default catalogue a rural county starts with (loaded by migration 0002), and the catalogue as a
spreadsheet, read and written through the shared engine (anju.core.tabular and anju.core.export).

A catalogue sheet has one row per minor class. Its extra fields sit in one cell, separated by
semicolons, each `key=label:kind[:choice/choice][:required]`, for example
`waste=垃圾类型:choice:生活垃圾/建筑垃圾:required; area=面积（平方米）:number`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import tabular
from anju.core.tabular import CellError, Column, ImportReport, SheetKind
from anju.disputes.choices import Category as DisputeCategory
from anju.regions.models import Region

from .choices import LEVEL_CODE_LENGTH, FieldKind, Level, LimitUnit
from .models import EventClass, EventType, ExtraField, RoutingRule

# --- routing -------------------------------------------------------------------------------------

# A region's level as the minor class's levels name it: a joint group is handled like its grid.
LEVEL_FIELD = {
    "group": "level_from_grid",
    "grid": "level_from_grid",
    "village": "level_from_village",
    "township": "level_from_township",
}


def routing_rules() -> dict[tuple[int, str], RoutingRule]:
    """Every routing rule by (minor class, region): for routing many events at once (the seed)."""
    return {(r.event_type_id, r.region_id): r for r in RoutingRule.objects.all()}


def rule_for(
    event_type: EventType, region: Region, *, rules: dict[tuple[int, str], RoutingRule] | None = None
) -> RoutingRule | None:
    """The routing rule that applies: the township's over the county's. `rules`: read beforehand by
    routing_rules(), else the two candidates are read now."""
    codes = [region.code[:n] for n in (9, 6) if len(region.code) >= n]
    if rules is None:
        found = RoutingRule.objects.filter(event_type=event_type, region_id__in=codes)
        rules = {(r.event_type_id, r.region_id): r for r in found}
    return next((rules[k] for k in ((event_type.pk, c) for c in codes) if k in rules), None)


def level_unit(region: Region, level: str) -> str:
    """The unit at `level` on the path of `region`; never below the place itself."""
    return region.code[: min(LEVEL_CODE_LENGTH[level], len(region.code))]


def route(
    event_type: EventType, region: Region, *, rules: dict[tuple[int, str], RoutingRule] | None = None
) -> str:
    """The code of the unit that handles an event of this class reported in `region`."""
    rule = rule_for(event_type, region, rules=rules)
    if rule is not None:
        return rule.unit_id if rule.unit_id else level_unit(region, rule.level)
    field = LEVEL_FIELD.get(region.level)
    if field is None:  # reported at the county itself
        return region.code[:6]
    return level_unit(region, getattr(event_type, field))


def dispatcher_for(region: Region) -> str:
    """The centre that files and dispatches events reported in `region`: its township's."""
    return region.code[:9] if len(region.code) >= 9 else region.code


# --- the default catalogue -----------------------------------------------------------------------

H, D = LimitUnit.HOURS, LimitUnit.DAYS
V, T, C = Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY

# (class code, class name, [(code, name, urgent, photo, unit, file, dispatch, handle, verify,
#   from grid, from village, from township, dispute category, extra fields)]). Urgent classes are
# filed and dispatched within minutes (DOMAIN.md: 10 minutes urgent, 30 others).
DEFAULT_CATALOGUE = [
    (
        "roads",
        "道路交通",
        [
            (
                "road-damage",
                "道路破损",
                False,
                True,
                D,
                0.5,
                0.5,
                5,
                1,
                T,
                T,
                T,
                "other",
                "width=破损长度（米）:number; surface=路面类型:choice:土路/砂石路/水泥路/沥青路",
            ),
            ("bridge-culvert", "桥涵损毁", True, True, H, 0.2, 0.2, 8, 2, T, T, C, "other", ""),
            ("road-blocked", "道路阻断（落石、积雪）", True, True, H, 0.2, 0.2, 4, 1, T, T, T, "other", ""),
        ],
    ),
    (
        "housing",
        "房屋安全",
        [
            (
                "unsafe-building",
                "危房险情",
                True,
                True,
                H,
                0.2,
                0.2,
                8,
                2,
                T,
                T,
                T,
                "housing_homestead",
                "people=居住人数:number:required; built=建成年份:text",
            ),
            (
                "illegal-building",
                "违法建设",
                False,
                True,
                D,
                0.5,
                0.5,
                10,
                1,
                T,
                T,
                T,
                "housing_homestead",
                "",
            ),
        ],
    ),
    (
        "environment",
        "环境卫生",
        [
            (
                "illegal-dumping",
                "乱倒垃圾",
                False,
                True,
                H,
                0.5,
                0.5,
                16,
                2,
                V,
                V,
                T,
                "pollution",
                "waste=垃圾类型:choice:生活垃圾/建筑垃圾/农业废弃物/医疗废物:required;"
                " area=面积（平方米）:number",
            ),
            ("sewage", "污水外溢", False, True, H, 0.5, 0.5, 16, 2, V, V, T, "pollution", ""),
            ("dead-animal", "病死畜禽乱丢", True, True, H, 0.2, 0.2, 4, 1, T, T, T, "pollution", ""),
        ],
    ),
    (
        "farming",
        "农牧水利",
        [
            (
                "grazing-ban",
                "违反禁牧休牧",
                False,
                True,
                H,
                0.5,
                0.5,
                16,
                2,
                V,
                V,
                T,
                "forest_land",
                "herd=牲畜种类:multiple:牛/羊/马/骆驼; count=头数:number; seen=发现日期:date",
            ),
            (
                "irrigation-blocked",
                "灌渠堵塞",
                False,
                True,
                H,
                0.5,
                0.5,
                24,
                2,
                V,
                V,
                T,
                "other",
                "length=堵塞长度（米）:number",
            ),
            ("animal-disease", "疑似动物疫病", True, True, H, 0.2, 0.2, 4, 1, T, T, C, "other", ""),
            ("fence-damage", "草场围栏损坏", False, True, D, 0.5, 0.5, 5, 1, V, V, T, "forest_land", ""),
        ],
    ),
    (
        "safety",
        "安全隐患",
        [
            (
                "grassland-fire",
                "草原火险",
                True,
                True,
                H,
                0.2,
                0.2,
                2,
                1,
                T,
                T,
                C,
                "other",
                "source=火险来源:choice:野外用火/电线/雷击/其他",
            ),
            ("geohazard", "地质灾害隐患", True, True, H, 0.2, 0.2, 8, 2, T, T, C, "other", ""),
            ("gas-electric", "燃气用电隐患", False, True, H, 0.5, 0.5, 8, 2, T, T, T, "other", ""),
        ],
    ),
    (
        "livelihood",
        "民生服务",
        [
            ("drinking-water", "饮水困难", False, False, D, 0.5, 0.5, 3, 1, V, V, T, "other", ""),
            (
                "people-in-need",
                "困难群众求助",
                False,
                False,
                D,
                0.5,
                0.5,
                3,
                1,
                V,
                V,
                T,
                "other",
                "need=求助事项:multiple:生活/医疗/住房/就业",
            ),
        ],
    ),
    (
        "order",
        "社会治安与矛盾",
        [
            ("neighbour-quarrel", "邻里矛盾苗头", False, False, D, 0.5, 0.5, 3, 1, V, V, T, "neighbour", ""),
            ("wage-arrears", "拖欠工资", False, False, D, 0.5, 0.5, 5, 1, T, T, T, "labour", ""),
        ],
    ),
]


def load_default(event_class=EventClass, event_type=EventType, extra_field=ExtraField) -> int:
    """Create the default catalogue where the county has none; the models may be a migration's."""
    if event_class.objects.exists():
        return 0
    made = 0
    for class_order, (class_code, class_name, types) in enumerate(DEFAULT_CATALOGUE):
        major = event_class.objects.create(code=class_code, name=class_name, order=class_order)
        for order, row in enumerate(types):
            (
                code,
                name,
                urgent,
                photo,
                unit,
                file,
                dispatch,
                handle,
                verify,
                grid,
                village,
                town,
                cat,
                extras,
            ) = row
            minor = event_type.objects.create(
                event_class=major,
                code=code,
                name=name,
                order=order,
                urgent=urgent,
                photo_required=photo,
                limit_unit=unit,
                file_limit=Decimal(str(file)),
                dispatch_limit=Decimal(str(dispatch)),
                handle_limit=Decimal(str(handle)),
                verify_limit=Decimal(str(verify)),
                level_from_grid=grid,
                level_from_village=village,
                level_from_township=town,
                dispute_category=cat,
            )
            for index, spec in enumerate(parse_extra_fields(extras)):
                extra_field.objects.create(event_type=minor, order=index, **spec)
            made += 1
    return made


# --- extra fields as one cell --------------------------------------------------------------------

KIND_NAMES = {
    FieldKind.TEXT: ("text", "文本"),
    FieldKind.NUMBER: ("number", "数字"),
    FieldKind.DATE: ("date", "日期"),
    FieldKind.CHOICE: ("choice", "单选"),
    FieldKind.MULTIPLE: ("multiple", "多选"),
}
REQUIRED_WORDS = {"required", "必填"}


def parse_extra_fields(text: str) -> list[dict]:
    """`key=label:kind[:a/b/c][:required]; ...` as the fields' values; CellError says what is wrong."""
    specs, keys = [], set()
    for item in (i.strip() for i in text.replace("；", ";").split(";")):
        if not item:
            continue
        key, sep, rest = item.partition("=")
        key = key.strip()
        parts = [p.strip() for p in rest.replace("：", ":").split(":")]
        if not sep or not key or len(parts) < 2 or not parts[0]:
            raise CellError(_("“%(item)s” is not key=label:kind.") % {"item": item})
        if slugify(key) != key:
            raise CellError(_("The key %(key)s may hold only letters, digits and hyphens.") % {"key": key})
        if key in keys:
            raise CellError(_("The key %(key)s is given twice.") % {"key": key})
        keys.add(key)
        kind = tabular.lookup_alias(KIND_NAMES, parts[1])
        if kind is None:
            raise CellError(
                _("%(kind)s is not a kind of field: text, number, date, choice or multiple.")
                % {"kind": parts[1]}
            )
        rest_parts = parts[2:]
        required = any(p.lower() in REQUIRED_WORDS for p in rest_parts)
        options = [p for p in rest_parts if p.lower() not in REQUIRED_WORDS]
        choices = [c.strip() for c in "/".join(options).replace("／", "/").split("/") if c.strip()]
        if kind in (FieldKind.CHOICE, FieldKind.MULTIPLE) and len(choices) < 2:
            raise CellError(_("The choice field %(key)s needs at least two choices, a/b.") % {"key": key})
        specs.append(
            {
                "key": key,
                "label": parts[0][:50],
                "kind": kind,
                "choices": "\n".join(choices),
                "required": required,
            }
        )
    return specs


def format_extra_fields(fields) -> str:
    parts = []
    for f in fields:
        text = f"{f.key}={f.label}:{f.kind}"
        if f.options:
            text += ":" + "/".join(f.options)
        if f.required:
            text += ":required"
        parts.append(text)
    return "; ".join(parts)


# --- the catalogue sheet -------------------------------------------------------------------------


def _yes_no(text: str) -> bool:
    value = tabular.lookup_alias(
        {True: ("是", "yes", "y", "1", "true"), False: ("否", "no", "n", "0", "false")}, text
    )
    if value is None:
        raise CellError(_("Write 是 or 否."))
    return value


def _limit(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(_("%(value)s is not a number.") % {"value": text}) from None
    if not Decimal("0.1") <= value <= 999:
        raise CellError(_("A time limit is from 0.1 to 999."))
    return value.quantize(Decimal("0.1"))


def _choice(choices, names: dict):
    aliases = {value: (value, str(label), *names.get(value, ())) for value, label in choices}

    def parse(text: str):
        value = tabular.lookup_alias(aliases, text)
        if value is None:
            raise CellError(
                _("%(value)s is not one of: %(choices)s.") % {"value": text, "choices": ", ".join(aliases)}
            )
        return value

    return parse


LEVEL_NAMES = {
    Level.VILLAGE: ("村", "村级"),
    Level.TOWNSHIP: ("乡镇", "镇", "乡"),
    Level.COUNTY: ("县", "县级"),
}
_level = _choice(Level.choices, LEVEL_NAMES)

COLUMNS = [
    Column("class_code", gettext_lazy("major class code"), ("大类编码", "class_code"), required=True),
    Column("class_name", gettext_lazy("major class"), ("大类", "class_name"), required=True),
    Column("code", gettext_lazy("minor class code"), ("小类编码", "code"), required=True),
    Column("name", gettext_lazy("minor class"), ("小类", "name"), required=True),
    Column("urgent", gettext_lazy("urgent"), ("紧急", "urgent"), parse=_yes_no),
    Column("photo_required", gettext_lazy("photo required"), ("需要照片", "photo_required"), parse=_yes_no),
    Column(
        "limit_unit",
        gettext_lazy("time limits in"),
        ("时限单位", "limit_unit"),
        required=True,
        parse=_choice(
            LimitUnit.choices, {LimitUnit.HOURS: ("工作小时", "小时"), LimitUnit.DAYS: ("工作日", "天")}
        ),
    ),
    Column(
        "file_limit", gettext_lazy("filing limit"), ("立案时限", "file_limit"), required=True, parse=_limit
    ),
    Column(
        "dispatch_limit",
        gettext_lazy("dispatch limit"),
        ("派遣时限", "dispatch_limit"),
        required=True,
        parse=_limit,
    ),
    Column(
        "handle_limit",
        gettext_lazy("handling limit"),
        ("处置时限", "handle_limit"),
        required=True,
        parse=_limit,
    ),
    Column(
        "verify_limit",
        gettext_lazy("verification limit"),
        ("核查时限", "verify_limit"),
        required=True,
        parse=_limit,
    ),
    Column(
        "level_from_grid",
        gettext_lazy("handled at, reported in a grid"),
        ("网格上报处置层级", "level_from_grid"),
        parse=_level,
    ),
    Column(
        "level_from_village",
        gettext_lazy("handled at, reported in a village"),
        ("村上报处置层级", "level_from_village"),
        parse=_level,
    ),
    Column(
        "level_from_township",
        gettext_lazy("handled at, reported in a township"),
        ("乡镇上报处置层级", "level_from_township"),
        parse=_level,
    ),
    Column(
        "dispute_category",
        gettext_lazy("dispute category when converted"),
        ("转纠纷类别", "dispute_category"),
        parse=_choice(DisputeCategory.choices, {}),
    ),
    Column(
        "extra_fields", gettext_lazy("extra fields"), ("附加字段", "extra_fields"), parse=parse_extra_fields
    ),
    Column("active", gettext_lazy("in use"), ("启用", "active"), parse=_yes_no),
]
CATALOGUE = SheetKind(COLUMNS)
TYPE_FIELDS = [
    "urgent",
    "photo_required",
    "limit_unit",
    "file_limit",
    "dispatch_limit",
    "handle_limit",
    "verify_limit",
    "level_from_grid",
    "level_from_village",
    "level_from_township",
    "dispute_category",
    "active",
]


def export_rows():
    """The catalogue as the sheet's rows, in the order the export writes its headers."""
    types = EventType.objects.select_related("event_class").prefetch_related("extra_fields")
    for t in types.order_by("event_class__order", "event_class__code", "order", "code"):
        yield [
            t.event_class.code,
            t.event_class.name,
            t.code,
            t.name,
            "是" if t.urgent else "否",
            "是" if t.photo_required else "否",
            t.limit_unit,
            t.file_limit,
            t.dispatch_limit,
            t.handle_limit,
            t.verify_limit,
            t.level_from_grid,
            t.level_from_village,
            t.level_from_township,
            t.dispute_category,
            format_extra_fields(t.extra_fields.all()),
            "是" if t.active else "否",
        ]


def export_headers() -> list[str]:
    return [c.header for c in COLUMNS]


def import_catalogue(data: bytes, filename: str) -> ImportReport:
    """Read a catalogue sheet and save it all or nothing: every bad row is reported and nothing is
    written while one is. Minor classes are matched by code (created or updated); classes and
    minor classes missing from the sheet are left as they are."""
    try:
        table = tabular.read_table(data, filename, CATALOGUE)
    except tabular.TableError as error:
        raise ValidationError(str(error)) from None
    mapping = CATALOGUE.guess_mapping(table.headers)
    missing = CATALOGUE.missing(mapping)
    if missing:
        raise ValidationError(
            _("The sheet has no column for: %(columns)s.") % {"columns": ", ".join(c.header for c in missing)}
        )
    report = ImportReport()
    rows = []
    seen: dict[str, int] = {}
    for row in CATALOGUE.read(table, mapping):
        for key in ("class_code", "code"):
            value = row.text.get(key, "")
            if value and slugify(value) != value:
                row.bad(key, _("A code may hold only letters, digits and hyphens."))
        code = row.text.get("code", "")
        if code in seen:
            row.bad("code", _("The code %(code)s is on row %(row)d too.") % {"code": code, "row": seen[code]})
        seen.setdefault(code, row.number)
        for column in COLUMNS:
            if column.required and not row.text.get(column.key):
                row.bad(column.key, _("This cell is empty."))
        report.errors.extend(row.errors)
        rows.append(row)
    if not report.ok:
        return report
    with transaction.atomic():
        for row in rows:
            major, _made = EventClass.objects.get_or_create(
                code=row.get("class_code"), defaults={"name": row.get("class_name")[:50]}
            )
            if major.name != row.get("class_name"):
                major.name = row.get("class_name")[:50]
                major.save(update_fields=["name"])
            values = {"event_class": major, "name": row.get("name")[:50]}
            values.update({f: row.values[f] for f in TYPE_FIELDS if f in row.values})
            minor, created = EventType.objects.update_or_create(code=row.get("code"), defaults=values)
            if "extra_fields" in mapping:
                minor.extra_fields.all().delete()
                for index, spec in enumerate(row.get("extra_fields") or []):
                    ExtraField.objects.create(event_type=minor, order=index, **spec)
            if created:
                report.created += 1
            else:
                report.updated += 1
    return report
