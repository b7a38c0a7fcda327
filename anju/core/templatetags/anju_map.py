"""The map component: `{% load anju_map %}{% map boundaries=url points=list points_url=url %}` draws
grid boundaries (GeoJSON from a URL) and points (inline or from a URL) over the configured tiles, or
on a plain background with a note when none are configured. Behaviour is static/anju/map.js, asked
for with data- attributes, so the Content-Security-Policy still refuses every inline script."""

from django import template

from anju.core.maps import tile_layers
from anju.core.scoping import has_perm_anywhere

register = template.Library()


@register.inclusion_tag("core/map.html", takes_context=True, name="map")
def map_view(
    context, *, boundaries: str = "", points=None, points_url: str = "", label: str = "", empty: str = ""
):
    """`points` is a list of {"lat", "lon", "label", "url"}; `empty` is said under the map when there
    is nothing to draw (the page knows: it asked for the boundaries)."""
    count = context.render_context.get("anju_maps", 0) + 1
    context.render_context["anju_maps"] = count
    layers = tile_layers()
    user = context.get("user")
    return {
        "map_id": f"map-{count}",
        "config_id": f"map-{count}-config",
        "first": count == 1,
        "config": {
            "tiles": layers,
            "boundaries": boundaries,
            "pointsUrl": points_url,
            "points": points or [],
        },
        "has_tiles": bool(layers),
        # Only those who can change the settings are told their names; a clerk is told what they see.
        "can_configure": bool(user and user.is_authenticated and has_perm_anywhere(user, "region.change")),
        "label": label,
        "empty": empty,
    }
