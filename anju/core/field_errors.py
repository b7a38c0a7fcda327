"""Pydantic's validation errors in the caller's language: the API's 422 answers are read by people on
phones, and pydantic only writes English. Each error keeps its `loc` and `type` for programs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext, gettext_lazy, npgettext, pgettext, pgettext_lazy

# A message a page's form also gives (a required field, a whole number, a number, a bound) is
# Django's own msgid, without context, so the API and the pages say it in one wording from one
# catalogue entry (core/django_messages.py). The others have the context "input error" (written
# out each time: makemessages only reads literals): the sentences are short, and the same English
# may read differently elsewhere.

_FIXED = {
    "missing": gettext_lazy("This field is required."),
    "string_type": pgettext_lazy("input error", "Enter text."),
    "string_pattern_mismatch": pgettext_lazy("input error", "This value is not in the expected form."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_parsing_size": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "finite_number": pgettext_lazy("input error", "Enter a finite number."),
    "bool_type": pgettext_lazy("input error", "Enter true or false."),
    "bool_parsing": pgettext_lazy("input error", "Enter true or false."),
    "date_type": pgettext_lazy("input error", "Enter a date (YYYY-MM-DD)."),
    "date_parsing": pgettext_lazy("input error", "Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": pgettext_lazy("input error", "Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": pgettext_lazy("input error", "Enter a date (YYYY-MM-DD)."),
    "datetime_type": pgettext_lazy("input error", "Enter a date and time (ISO 8601, e.g. 2026-03-02T09:00)."),
    "datetime_parsing": pgettext_lazy(
        "input error", "Enter a date and time (ISO 8601, e.g. 2026-03-02T09:00)."
    ),
    "datetime_from_date_parsing": pgettext_lazy(
        "input error", "Enter a date and time (ISO 8601, e.g. 2026-03-02T09:00)."
    ),
    "datetime_object_invalid": pgettext_lazy(
        "input error", "Enter a date and time (ISO 8601, e.g. 2026-03-02T09:00)."
    ),
    "json_invalid": pgettext_lazy("input error", "This is not valid JSON."),
    "json_type": pgettext_lazy("input error", "This is not valid JSON."),
    "model_type": pgettext_lazy("input error", "Send an object ({…}) here."),
    "model_attributes_type": pgettext_lazy("input error", "Send an object ({…}) here."),
    "dict_type": pgettext_lazy("input error", "Send an object ({…}) here."),
    "list_type": pgettext_lazy("input error", "Send a list ([…]) here."),
    "extra_forbidden": pgettext_lazy("input error", "This field is not accepted here."),
}
INVALID = pgettext_lazy("input error", "Invalid value.")


def _number(value: Any) -> str:
    # Limits on float fields arrive as 0.0 or 100.0; people write 0 and 100.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _too_short_text(ctx: dict) -> str:
    n = ctx["min_length"]
    if n == 1:
        # An empty text where one is needed: what a page says of a required field left blank.
        return gettext("This field is required.")
    text = npgettext("input error", "Enter at least %(n)d character.", "Enter at least %(n)d characters.", n)
    return text % {"n": n}


def _too_long_text(ctx: dict) -> str:
    n = ctx["max_length"]
    text = npgettext("input error", "Enter at most %(n)d character.", "Enter at most %(n)d characters.", n)
    return text % {"n": n}


def _too_few_items(ctx: dict) -> str:
    n = ctx["min_length"]
    text = npgettext("input error", "Give at least %(n)d item.", "Give at least %(n)d items.", n)
    return text % {"n": n}


def _too_many_items(ctx: dict) -> str:
    n = ctx["max_length"]
    text = npgettext("input error", "Give at most %(n)d item.", "Give at most %(n)d items.", n)
    return text % {"n": n}


def _max_digits(ctx: dict) -> str:
    n = ctx["max_digits"]
    text = npgettext(
        "input error", "Enter at most %(n)d digit in all.", "Enter at most %(n)d digits in all.", n
    )
    return text % {"n": n}


def _max_places(ctx: dict) -> str:
    n = ctx["decimal_places"]
    return npgettext(
        "input error",
        "Enter at most %(n)d digit after the decimal point.",
        "Enter at most %(n)d digits after the decimal point.",
        n,
    ) % {"n": n}


def _whole_digits(ctx: dict) -> str:
    n = ctx["whole_digits"]
    return npgettext(
        "input error",
        "Enter at most %(n)d digit before the decimal point.",
        "Enter at most %(n)d digits before the decimal point.",
        n,
    ) % {"n": n}


def _greater_than(ctx: dict) -> str:
    return pgettext("input error", "Enter a value greater than %(limit)s.") % {"limit": _number(ctx["gt"])}


def _at_least(ctx: dict) -> str:
    return gettext("Ensure this value is greater than or equal to %(limit_value)s.") % {
        "limit_value": _number(ctx["ge"])
    }


def _less_than(ctx: dict) -> str:
    return pgettext("input error", "Enter a value less than %(limit)s.") % {"limit": _number(ctx["lt"])}


def _at_most(ctx: dict) -> str:
    return gettext("Ensure this value is less than or equal to %(limit_value)s.") % {
        "limit_value": _number(ctx["le"])
    }


def _multiple_of(ctx: dict) -> str:
    return pgettext("input error", "Enter a multiple of %(limit)s.") % {"limit": _number(ctx["multiple_of"])}


def choices(expected: str) -> list[str]:
    """The allowed values from pydantic's English list: "'a', 'b' or 'c'" -> ["a", "b", "c"]."""
    quoted = re.findall(r"'([^']*)'", expected)
    if quoted:
        return quoted
    return [part.strip() for part in re.split(r",| or ", expected) if part.strip()]


def _one_of(ctx: dict) -> str:
    separator = pgettext("list separator", ", ")
    return pgettext("input error", "Choose one of: %(choices)s.") % {
        "choices": separator.join(choices(str(ctx["expected"])))
    }


def _own_reason(ctx: dict) -> str:
    # Our validators raise ValueError with a message already translated for this request; pydantic
    # keeps it in ctx["error"] (ninja turns the exception into its text).
    return str(ctx["error"])


_FROM_CTX: dict[str, Callable[[dict], str]] = {
    "string_too_short": _too_short_text,
    "string_too_long": _too_long_text,
    "too_short": _too_few_items,
    "too_long": _too_many_items,
    "decimal_max_digits": _max_digits,
    "decimal_max_places": _max_places,
    "decimal_whole_digits": _whole_digits,
    "greater_than": _greater_than,
    "greater_than_equal": _at_least,
    "less_than": _less_than,
    "less_than_equal": _at_most,
    "multiple_of": _multiple_of,
    "enum": _one_of,
    "literal_error": _one_of,
    "value_error": _own_reason,
}


def message(error: dict) -> str:
    """The sentence for one pydantic error dict, in the active language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _FROM_CTX:
        try:
            return _FROM_CTX[kind](ctx)
        except (KeyError, TypeError, ValueError):
            return str(INVALID)  # pydantic changed what it puts in ctx: still a sentence, never a 500
    return str(_FIXED.get(kind, INVALID))


def translated(errors: Iterable[dict]) -> list[dict]:
    """ninja's error list with `msg` in the caller's language; `loc`, `type` and `ctx` kept."""
    return [{**error, "msg": message(error)} for error in errors]
