"""Personal data: checking identity numbers (GB 11643) and masking what the screen shows.

Full values are shown only through an audited reveal (anju.audit.actions.record_access)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_PHONE_SHAPE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8})$")


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def validate_id_number(raw: str) -> str:
    """An 18-character resident identity number with a valid birth date and check digit."""
    value = normalise_id_number(raw)
    if not _ID_SHAPE.match(value):
        raise ValidationError(
            _("An identity number has 18 characters: 17 digits and a digit or X."), code="id_shape"
        )
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date inside this identity number does not exist."), code="id_birth"
        ) from None
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(
            _("The check digit of this identity number is wrong: please check it again."), code="id_check"
        )
    return value


def normalise_phone(raw: str) -> str:
    return re.sub(r"[\s()（）]", "", raw.strip())


def validate_phone(raw: str) -> str:
    value = normalise_phone(raw)
    if not _PHONE_SHAPE.match(value):
        raise ValidationError(_("%(value)s is not a phone number.") % {"value": raw}, code="phone")
    return value


def mask_phone(value: str) -> str:
    """13812341234 -> 138****1234; landlines keep their last four digits."""
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return f"{value[:3]}****{value[-4:]}"
    return "*" * max(0, len(value) - 4) + value[-4:]


def mask_id_number(value: str) -> str:
    """110105199001011234 -> 110105********1234."""
    if not value:
        return ""
    if len(value) == 18:
        return f"{value[:6]}********{value[-4:]}"
    return "*" * max(0, len(value) - 4) + value[-4:]
