"""The map's base layer, from settings: the county's own tile server (ANJU_MAP_TILES, an XYZ URL
template) or 天地图 with the county's key (ANJU_TIANDITU_KEY), or none at all, when boundaries and
points are drawn on a plain background. The Content-Security-Policy lets the browser load images
from the configured tile hosts and from nowhere else."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

# 天地图's Web Mercator ("_w") layers: the vector map and its Chinese annotation, on eight hosts.
TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)
TIANDITU_SUBDOMAINS = "01234567"
TIANDITU_ATTRIBUTION = '&copy; <a href="https://www.tianditu.gov.cn/">天地图</a> 国家地理信息公共服务平台'


def tile_layers() -> list[dict]:
    """The base layers in drawing order, as map.js takes them; [] when none is configured."""
    if settings.ANJU_MAP_TILES:
        return [
            {
                "url": settings.ANJU_MAP_TILES,
                "attribution": settings.ANJU_MAP_ATTRIBUTION,
                "subdomains": settings.ANJU_MAP_SUBDOMAINS,
                "maxZoom": 18,
            }
        ]
    if settings.ANJU_TIANDITU_KEY:
        return [
            {
                "url": TIANDITU_URL.replace("{layer}", layer).replace("{key}", settings.ANJU_TIANDITU_KEY),
                "attribution": TIANDITU_ATTRIBUTION if layer == "vec" else "",
                "subdomains": TIANDITU_SUBDOMAINS,
                "maxZoom": 18,
            }
            for layer in ("vec", "cva")
        ]
    return []


def tile_sources() -> list[str]:
    """The origins the policy's img-src must add for the configured tiles."""
    sources = []
    for layer in tile_layers():
        parts = urlsplit(layer["url"])
        host = parts.netloc
        if "{" in host:
            # A policy's wildcard stands for a whole first label: t{s}.tianditu.gov.cn is *.tianditu.gov.cn.
            host = "*." + host.split(".", 1)[1]
        source = f"{parts.scheme}://{host}"
        if source not in sources:
            sources.append(source)
    return sources
