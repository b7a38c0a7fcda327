"""The jurisdiction tree. The code is the primary key and the path, so a subtree is a prefix and
every row that points at a region carries its code (scoping filters need no join)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedManager

from . import codes
from .choices import GridType, Level


class Region(models.Model):
    code = models.CharField(_("code"), max_length=17, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    grid_type = models.CharField(_("grid type"), max_length=10, choices=GridType.choices, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    # Retired codes are never reused, and old cases still point at them: keep the row, mark it.
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    # A grid's boundary as a GeoJSON Polygon or MultiPolygon (WGS 84 longitude/latitude), checked by
    # regions.geo on import, with its bounding box kept beside it so finding the grid for a point
    # tests only the few whose box holds it.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    bbox_west = models.FloatField(null=True, blank=True)
    bbox_south = models.FloatField(null=True, blank=True)
    bbox_east = models.FloatField(null=True, blank=True)
    bbox_north = models.FloatField(null=True, blank=True)
    boundary_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_perm = "region"
    scope_path = "code"

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    @property
    def kind_label(self) -> str:
        """街道/镇/乡 for a township, 居委会/村委会 for a village, from the code's segment range."""
        if self.level == Level.TOWNSHIP:
            return codes.township_kind(self.code).label
        if self.level == Level.VILLAGE:
            return codes.village_kind(self.code).label
        return ""

    @property
    def ancestor_codes(self) -> list[str]:
        result, code = [], codes.parent_code(self.code)
        while code:
            result.insert(0, code)
            code = codes.parent_code(code)
        return result

    def clean(self) -> None:
        try:
            codes.validate_code(self.code, self.level, self.parent_id)
        except ValidationError as error:
            raise ValidationError({"code": error.messages}) from None
        if (
            self.level != Level.GRID
            and (self.grid_type or self.households is not None)
            and self.level != Level.GROUP
        ):
            raise ValidationError(_("Only grids and joint groups have a grid type or a household count."))


class RegionBorder(models.Model):
    """A border between one of our regions and a neighbouring region, ours or another county's.
    Joint handling of cross-border cases starts from these links."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="borders", verbose_name=_("region")
    )
    neighbour_code = models.CharField(_("neighbour's code"), max_length=17)
    neighbour_name = models.CharField(_("neighbour's name"), max_length=100)
    # Empty for a region of this county; the other county's name otherwise.
    other_county = models.CharField(_("other county"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_perm = "region"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("border")
        verbose_name_plural = _("borders")
        ordering = ["region_id", "neighbour_code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "neighbour_code"], name="border_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} ~ {self.neighbour_code}"

    @property
    def is_local(self) -> bool:
        return not self.other_county
