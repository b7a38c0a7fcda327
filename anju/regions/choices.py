"""Levels of the jurisdiction tree and the shape of each level's code (DOMAIN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village or community")
    GRID = "grid", _("Grid")
    GROUP = "group", _("Joint group")


# Code length of each level: the code is the path, each level appends a fixed-width segment.
CODE_LENGTH = {
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
    Level.GRID: 15,
    Level.GROUP: 17,
}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}
LEVEL_ORDER = [Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE, Level.GRID, Level.GROUP]
PARENT_LEVEL = {child: LEVEL_ORDER[i] for i, child in enumerate(LEVEL_ORDER[1:])}


class GridType(models.TextChoices):
    GENERAL = "general", _("General grid")
    DEDICATED = "dedicated", _("Dedicated grid")


class TownshipKind(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    TOWN = "town", _("Town")
    TOWNSHIP = "township", _("Township")
    OTHER = "other", _("Other township-level unit")


class VillageKind(models.TextChoices):
    COMMUNITY = "community", _("Residents' committee")
    VILLAGE = "village", _("Villagers' committee")
    OTHER = "other", _("Other village-level unit")
