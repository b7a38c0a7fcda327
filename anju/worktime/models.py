"""The county's working calendar: the days that break the default rule (Monday to Friday are
working days). County-wide, so it belongs to no region and needs no scoped manager."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import NAME_MAX, WEEKDAY_WORKDAY, DayKind, is_weekday_workday


class CalendarDay(models.Model):
    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=NAME_MAX, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.kind}{f' {self.name}' if self.name else ''}"

    @property
    def is_workday(self) -> bool:
        return self.kind == DayKind.WORKDAY

    def clean(self) -> None:
        if is_weekday_workday(self.kind, self.day):
            raise ValidationError({"day": WEEKDAY_WORKDAY % {"day": self.day.isoformat()}})
