from django.contrib import admin

from anju.core.admin_site import ScopedAdmin

from .models import Region, RegionBorder


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "grid_type", "households", "retired_on"]
    list_filter = ["level", "grid_type"]
    search_fields = ["code", "name"]


@admin.register(RegionBorder)
class RegionBorderAdmin(ScopedAdmin):
    list_display = ["region", "neighbour_code", "neighbour_name", "other_county"]
    search_fields = ["region__code", "neighbour_code", "neighbour_name"]
