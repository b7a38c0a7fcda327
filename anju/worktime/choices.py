"""What a calendar day can be besides the default rule (Monday to Friday work, weekends off)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (day off)")
    WORKDAY = "workday", _("Make-up working day")


NAME_MAX = 50
WEEKDAY_WORKDAY = _("%(day)s is a weekday: only a Saturday or Sunday can be a make-up working day.")


def is_weekday_workday(kind: str, day) -> bool:
    """A make-up working day on a weekday changes nothing: it is almost always a mistyped date."""
    return kind == DayKind.WORKDAY and day is not None and day.weekday() < 5
