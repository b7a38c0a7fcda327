"""What administrators configure about statistics: the weights of the township assessment."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The indicators of the township assessment, in the order the page shows them: the field holding
# each one's weight. Their definitions are in anju.reports.metrics.township_assessment.
INDICATORS = ("resolution", "where_arose", "on_time", "overdue", "repeat")


def _weight(label, default: int):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(100)], help_text=_("0 leaves it out.")
    )


class AssessmentScheme(models.Model):
    """The township assessment (平安建设领导责任制考评): one weight per indicator and the smallest
    number of cases a township needs to be ranked. One row for the whole installation; the county's
    administrator changes it in the admin, every change in the audit log."""

    resolution = _weight(_("weight of the resolution rate"), 30)
    where_arose = _weight(_("weight of the share resolved where they arose"), 20)
    on_time = _weight(_("weight of the on-time rate"), 20)
    overdue = _weight(_("weight of the overdue share"), 20)
    repeat = _weight(_("weight of the reopened share"), 10)
    minimum_cases = models.PositiveSmallIntegerField(
        _("fewest disputes to be ranked"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("township assessment scheme")
        verbose_name_plural = _("township assessment scheme")

    def __str__(self) -> str:
        return str(_("township assessment scheme"))

    @classmethod
    def current(cls) -> AssessmentScheme:
        """The stored scheme, or the defaults while nobody has saved one (read without writing)."""
        return cls.objects.order_by("pk").first() or cls()

    def weights(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in INDICATORS}
