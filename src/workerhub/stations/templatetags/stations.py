"""Template helpers of the station pages: distances for people, and the navigation link."""

from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext

from workerhub.stations import geo

register = template.Library()


@register.filter
def distance(metres) -> str:
    """``350 米`` under a kilometre, ``1.2 公里`` above, ``12 公里`` from ten kilometres on."""
    if metres is None or metres == "":
        return "—"
    metres = int(metres)
    if metres < 1000:
        return gettext("%(n)s 米") % {"n": metres}
    km = metres / 1000
    return gettext("%(n)s 公里") % {"n": f"{km:.1f}" if km < 10 else f"{km:.0f}"}


@register.filter
def amap_url(station) -> str:
    """A GaoDe (AutoNavi) link that opens the station in the map app or its web page, to navigate there.

    GaoDe expects GCJ-02, so the stored WGS-84 point is shifted first (geo.wgs84_to_gcj02); it is a plain
    link the user follows, not something the page loads.
    """
    get = station.get if isinstance(station, dict) else lambda name: getattr(station, name)
    lon, lat = geo.wgs84_to_gcj02(get("lon"), get("lat"))
    query = urlencode({"position": f"{lon:.6f},{lat:.6f}", "name": get("name"), "src": "workerhub",
                       "coordinate": "gaode", "callnative": "1"})
    return f"https://uri.amap.com/marker?{query}"


@register.filter
def stars(count) -> str:
    """``★★★★☆`` for 4 out of 5."""
    count = max(0, min(5, int(count or 0)))
    return "★" * count + "☆" * (5 - count)
