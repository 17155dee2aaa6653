"""Map tiles for the finder (SPEC §7.2): a tile URL template and the datum of its tiles.

Read from Django settings when present, else from the environment, else the defaults below, each time a
page is drawn (tests and deployments override them without a restart of the module):

- ``WORKERHUB_TILES``: a Leaflet URL template. Default: GaoDe/AutoNavi road tiles, which are GCJ-02.
  Set it to an empty string or ``none`` for no tiles at all (offline or intranet use): the map then draws
  the markers on a blank background and everything else works.
- ``WORKERHUB_TILES_CRS``: ``gcj02`` (GaoDe, Tencent) or ``wgs84`` (OpenStreetMap, TianDiTu's CGCS2000, a
  self-hosted tile server). With ``gcj02`` the browser shifts every WGS-84 marker to GCJ-02 before drawing it,
  and shifts a clicked point back.
- ``WORKERHUB_TILES_SUBDOMAINS`` and ``WORKERHUB_TILES_ATTRIBUTION``: the ``{s}`` values and the credit line.

The browser fetches tiles itself, so the CSP ``img-src`` must list the tile host: ``WORKERHUB_TILE_HOSTS``
in settings (space-separated; for the default, ``https://*.is.autonavi.com``).
"""

import os

from django.conf import settings

DEFAULT_TILES = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
DEFAULT_SUBDOMAINS = "1234"
DEFAULT_ATTRIBUTION = "© 高德地图 AutoNavi"
CRS_CHOICES = ("gcj02", "wgs84")


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip()


def tiles() -> dict:
    """What finder.js needs to draw the base map: ``{"url", "crs", "subdomains", "attribution"}``.

    ``url`` is "" when no tiles are configured; an unknown CRS falls back to ``wgs84`` (no shift), which
    is the safe reading for a self-hosted server.
    """
    url = _setting("WORKERHUB_TILES", DEFAULT_TILES)
    if url.lower() == "none":
        url = ""
    crs = _setting("WORKERHUB_TILES_CRS", "gcj02").lower()
    return {
        "url": url,
        "crs": crs if crs in CRS_CHOICES else "wgs84",
        "subdomains": _setting("WORKERHUB_TILES_SUBDOMAINS", DEFAULT_SUBDOMAINS),
        "attribution": _setting("WORKERHUB_TILES_ATTRIBUTION", DEFAULT_ATTRIBUTION),
    }
