"""Work report templates (fixed text with placeholders for figures, kept in versions) and issued
reports, which keep the figures, text and template version they were issued with, so that later
changes to cases never change them; and what administrators configure about statistics, the
weights of the township assessment; and the rollup of the dispute figures (anju.reports.rollup):
disputes counted by the local month of registration, the township where they arose, category,
channel, the level where they arose, and what the figures ask of them (when first escalated, when
and at which level resolved)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedManager


class ReportTemplate(models.Model):
    """A template belongs to the region whose administrators keep it; one without a region is
    county-wide configuration (the template anju ships), kept by county-wide administrators."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kept by"),
    )
    # The key of a template anju ships ("annual"): it is created once, on first use.
    shipped = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_perm = "report"
    scope_path = "region__code"
    scope_unplaced_to_top = True

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> TemplateVersion:
        return self.versions.order_by("-number").first()


class TemplateVersion(models.Model):
    """The text of a template as saved once. Saving an edit adds a version; an issued report points
    at the version it was written from, which is never changed or deleted."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["template_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_version_once")]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"


class IssuedReport(models.Model):
    """A work report as issued: its text (blocks), the figures it used with their values at the time,
    the template version, region, period, the moment the figures were computed and its number."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    period = models.CharField(_("period"), max_length=40)  # as anju.reports.periods.parse reads it
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="issued")
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("date of issue"))
    year = models.PositiveIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(_("document number"), max_length=40)
    # None: issued by the platform itself (the command line), as the audit row says.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(_("figures computed at"))
    # {key: {"name", "filter", "label", "value", "display"}}: each figure the text used, as used.
    figures = models.JSONField(default=dict)
    blocks = models.JSONField(default=list)
    appendix = models.JSONField(default=list)  # every figure of the catalogue then, and the definitions

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One serial per issuer and year: 〔2026〕12号 is given once by each issuing body.
            models.UniqueConstraint(fields=["issuer", "year", "serial"], name="issued_report_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def period_object(self):
        from .periods import parse

        return parse(self.period)

    def document(self):
        """The report as the writers lay it out (DOCX, PDF), from what was stored at issue only."""
        from .document import from_blocks

        return from_blocks(
            self.title,
            [*self.blocks, *self.appendix],
            self.figures,
            issuer=self.issuer,
            date=self.issued_on,
            number=self.number,
        )


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


class CellColumns(models.Model):
    """How many disputes share one combination of what the figures count by, and the whole
    seconds from registration to resolution summed over the resolved ones. Merged cases are left
    out (no figure counts them). Months are year * 100 + month (202603) in the county's time zone;
    0 in `resolved_month` or `escalated_month` means not resolved, never escalated: a key with
    no NULL, so one INSERT ... ON CONFLICT adds to a cell on PostgreSQL and SQLite alike."""

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
        abstract = True

    def __str__(self) -> str:
        return f"{self.month} {self.region} {self.category}: {self.cases}"


class TallyColumns(models.Model):
    """The cells summed over their resolution and escalation months: the disputes found in a month,
    region, category and channel, and how many of them are resolved, and escalated, as things
    stand. A year's figures read a fifth of the rows the cells hold (docs/statistics.md); a period
    that has ended takes off the few cells resolved or first escalated after its end."""

    month = models.PositiveIntegerField()
    category = models.CharField(max_length=30)
    channel = models.CharField(max_length=20)
    cases = models.IntegerField()
    resolved = models.IntegerField()
    escalated = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.month} {self.region} {self.category} {self.channel}: {self.cases}"


class ResolutionColumns(models.Model):
    """The resolved cells summed over their resolution months: by the level where the disputes arose
    and the level that resolved them, with the seconds it took (resolved where they arose, by
    level, the average days)."""

    month = models.PositiveIntegerField()
    category = models.CharField(max_length=30)
    origin_level = models.CharField(max_length=10)
    resolved_level = models.CharField(max_length=10)
    cases = models.IntegerField()
    seconds_to_resolve = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.month} {self.region} {self.origin_level}>{self.resolved_level}: {self.cases}"


CELL_KEY = (
    "month",
    "region",
    "category",
    "channel",
    "origin_level",
    "escalated_month",
    "resolved_month",
    "resolved_level",
)
TALLY_KEY = ("month", "region", "category", "channel")
RESOLUTION_KEY = ("month", "region", "category", "origin_level", "resolved_level")


def _keyed(key: tuple[str, ...], name: str) -> list:
    return [models.UniqueConstraint(fields=key, name=f"{name}_key")]


def _by_region(name: str, *also: str) -> models.Index:
    """One county's rows among a province's: the region prefix (LIKE '629901%') as the index's
    range on PostgreSQL, whatever the database's collation (varchar_pattern_ops), the months after
    it read from the index."""
    return models.Index(
        fields=["region", "month", *also],
        name=f"{name}_region",
        opclasses=["varchar_pattern_ops", "int4_ops", *(["int4_ops"] * len(also))],
    )


def _cell_indexes(name: str) -> list[models.Index]:
    return [
        # The few cells of a past period resolved, or first escalated, after its end: taken off the
        # tallies, which count them as they stand today.
        models.Index(fields=["resolved_month", "month"], name=f"{name}_resolved"),
        models.Index(fields=["escalated_month", "month"], name=f"{name}_escalated"),
        _by_region(name, "resolved_month", "escalated_month"),
    ]


class DisputeCell(CellColumns):
    # The township the cases arose in (9 digits), or the county for cases registered there.
    region = models.CharField(max_length=9)

    class Meta:
        constraints = _keyed(CELL_KEY, "dispute_cell")
        indexes = _cell_indexes("dispute_cell")


class DisputeTally(TallyColumns):
    region = models.CharField(max_length=9)

    class Meta:
        constraints = _keyed(TALLY_KEY, "dispute_tally")
        indexes = [_by_region("dispute_tally")]


class ResolutionTally(ResolutionColumns):
    region = models.CharField(max_length=9)

    class Meta:
        constraints = _keyed(RESOLUTION_KEY, "resolution_tally")
        indexes = [_by_region("resolution_tally")]


# The same three summed over each county's townships, for a prefecture's or a province's figures,
# broken down by county: at 100,000 disputes a county, a sixth of the tallies' rows and a third of
# the cells' (docs/statistics.md).


class CountyCell(CellColumns):
    region = models.CharField(max_length=6)

    class Meta:
        constraints = _keyed(CELL_KEY, "county_cell")
        indexes = _cell_indexes("county_cell")


class CountyTally(TallyColumns):
    region = models.CharField(max_length=6)

    class Meta:
        constraints = _keyed(TALLY_KEY, "county_tally")
        indexes = [_by_region("county_tally")]


class CountyResolutionTally(ResolutionColumns):
    region = models.CharField(max_length=6)

    class Meta:
        constraints = _keyed(RESOLUTION_KEY, "county_resolution")
        indexes = [_by_region("county_resolution")]


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
