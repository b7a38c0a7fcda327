"""Small text helpers for templates that every app uses."""

from django import template
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# Django's own Chinese catalogue leaves the form label suffix as a half-width ":"; ours is read
# first, so listing it here gives every form label the full-width colon ("发生地：").
gettext_noop(":")


@register.filter
def colon(label) -> str:
    """A label with the colon of the reader's language after it: "待受理：" in Chinese, "To accept: "
    in English. The space belongs to English punctuation, so it is in the translation, not the page."""
    return gettext("%(label)s: ") % {"label": label}


_DIGITS = "零一二三四五六七八九"


@register.filter
def chinese_number(value) -> str:
    """A count as formal Chinese writes it in running text ("一式三份"): 1–99 in Chinese numerals;
    other values as they are."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return str(value)
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if not tens:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


@register.filter
def clause(text) -> str:
    """Text that a document continues after, without the full stop the writer ended it with: "自行
    拆除。" followed by "，于…前履行完毕" would read "。，"."""
    return str(text).rstrip().rstrip("。．.；;，,")
