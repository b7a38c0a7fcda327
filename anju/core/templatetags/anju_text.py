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
