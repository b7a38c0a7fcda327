"""Validation and normalisation of jurisdiction codes (GB/T 2260, GB/T 10114, NBS 统计用区划代码).

A code is the path from the county down: 6 + 3 + 3 + 3 + 2 digits. The 12-digit NBS form pads the
county and township with zeros; it is accepted on input and stored without the padding."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .choices import CODE_LENGTH, LEVEL_BY_LENGTH, Level, TownshipKind, VillageKind

# GB/T 2260 province-level codes.
PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
}


# County departments (县直部门: 县公安局, 县司法局) are units under their county with township-level codes
# in the range GB/T 10114 leaves to units other than townships; a county gives them 501-599
# (development zones and farms take the 400s). They are where tasks are addressed, not places:
# never counted, ranked or picked as townships. The one rule every app asks.
DEPARTMENT_FIRST, DEPARTMENT_LAST = 501, 599
_DEPARTMENT_CODE = r"^[0-9]{6}5(0[1-9]|[1-9][0-9])$"


def is_department(code: str) -> bool:
    """Whether `code` is a county department's."""
    return len(code) == 9 and code.isdigit() and DEPARTMENT_FIRST <= int(code[6:]) <= DEPARTMENT_LAST


def not_a_place(region) -> str | None:
    """Why a case cannot arise at `region`, or None when it can: a county department is a unit
    that cases are sent to, not a place where a dispute or an event happens."""
    if is_department(region.code):
        return _("%(region)s is a county department, not a place: choose where it happened.") % {
            "region": region
        }
    return None


def department_q(field: str = "code") -> Q:
    """The rows whose region code in `field` is a county department's (is_department, in the database)."""
    return Q(**{f"{field}__regex": _DEPARTMENT_CODE})


def normalise(raw: str) -> str:
    """Strip spaces and the NBS zero padding: 620123000000 -> 620123, 620123100000 -> 620123100."""
    code = str(raw).strip().replace(" ", "")
    if code.endswith(".0"):  # a code read from a spreadsheet number cell
        code = code[:-2]
    if len(code) == 12 and code.isdigit():
        if code[6:] == "000000":
            return code[:6]
        if code[9:] == "000":
            return code[:9]
    return code


def level_of(code: str) -> Level:
    """The level a well-formed code belongs to; raises ValidationError for any other length."""
    level = LEVEL_BY_LENGTH.get(len(code))
    if level is None or not code.isdigit():
        raise ValidationError(
            _("%(code)s is not a region code: it must be 6, 9, 12, 15 or 17 digits."),
            code="bad_length",
            params={"code": code},
        )
    return level


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level == Level.COUNTY:
        return None
    lengths = sorted(CODE_LENGTH.values())
    return code[: lengths[lengths.index(len(code)) - 1]]


def validate_code(code: str, level: str | None = None, parent: str | None = None) -> Level:
    """Check a code's digits, its segment ranges, and (when given) its level and parent's code."""
    actual = level_of(code)
    if level is not None and actual != level:
        raise ValidationError(
            _("%(code)s has %(length)d digits, which is the code of a %(actual)s, not a %(level)s."),
            code="wrong_level",
            params={
                "code": code,
                "length": len(code),
                "actual": Level(actual).label,
                "level": Level(level).label,
            },
        )
    if code[:2] not in PROVINCES or code[4:6] == "00":
        raise ValidationError(
            _("%(code)s does not start with a county code (GB/T 2260): %(county)s is not a county."),
            code="bad_county",
            params={"code": code, "county": code[:6]},
        )
    segments = [
        (code[6:9], 1, 599, _("township")),
        (code[9:12], 1, 599, _("village")),
        (code[12:15], 1, 999, _("grid")),
        (code[15:17], 1, 99, _("joint group")),
    ]
    for segment, low, high, name in segments:
        if not segment:
            break
        if not low <= int(segment) <= high:
            raise ValidationError(
                _("%(code)s: the %(name)s segment %(segment)s must be between %(low)s and %(high)s."),
                code="bad_segment",
                params={
                    "code": code,
                    "name": name,
                    "segment": segment,
                    "low": str(low).zfill(len(segment)),
                    "high": str(high).zfill(len(segment)),
                },
            )
    if parent is not None and parent_code(code) != parent:
        raise ValidationError(
            _("%(code)s cannot sit under %(parent)s: its parent's code must be %(expected)s."),
            code="wrong_parent",
            params={"code": code, "parent": parent, "expected": parent_code(code) or "-"},
        )
    return actual


def township_kind(code: str) -> TownshipKind:
    segment = int(code[6:9])
    if segment < 100:
        return TownshipKind.SUBDISTRICT
    if segment < 200:
        return TownshipKind.TOWN
    if segment < 400:
        return TownshipKind.TOWNSHIP
    return TownshipKind.OTHER


def village_kind(code: str) -> VillageKind:
    segment = int(code[9:12])
    if segment < 200:
        return VillageKind.COMMUNITY
    if segment < 400:
        return VillageKind.VILLAGE
    return VillageKind.OTHER
