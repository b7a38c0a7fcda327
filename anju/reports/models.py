"""The rollup of the dispute figures (anju.reports.rollup): disputes counted by the local month of
registration, the township where they arose, category, channel, the level where they arose, and
what the figures ask of them (when first escalated, when and at which level resolved)."""

from __future__ import annotations

from django.db import models


class DisputeCell(models.Model):
    """How many disputes share one combination of what the figures count by, and the whole
    seconds from registration to resolution summed over the resolved ones. Merged cases are left
    out (no figure counts them). Months are year * 100 + month (202603) in the county's time zone;
    0 in `resolved_month` or `escalated_month` means not resolved, never escalated: a key with
    no NULL, so one INSERT ... ON CONFLICT adds to a cell on PostgreSQL and SQLite alike."""

    # The township the cases arose in (9 digits), or the county for cases registered there.
    region = models.CharField(max_length=9)
    month = models.PositiveIntegerField()
    category = models.CharField(max_length=30)
    channel = models.CharField(max_length=20)
    origin_level = models.CharField(max_length=10)
    escalated_month = models.PositiveIntegerField()
    resolved_month = models.PositiveIntegerField()
    resolved_level = models.CharField(max_length=10)
    cases = models.IntegerField()
    seconds_to_resolve = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "region",
                    "category",
                    "channel",
                    "origin_level",
                    "escalated_month",
                    "resolved_month",
                    "resolved_level",
                ],
                name="dispute_cell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.region} {self.category}: {self.cases}"


class RollupState(models.Model):
    """Whether the rollup holds every dispute (built by `anju rebuild-rollups` or `anju seed`, kept
    since by every change): until then the figures are counted from the disputes themselves."""

    name = models.CharField(max_length=30, unique=True)
    built_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    # The months were counted in this zone: after TIME_ZONE changes the rollup is rebuilt.
    time_zone = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.name} {self.built_at:%Y-%m-%d %H:%M}"
