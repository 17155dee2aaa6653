"""Geometry for service stations: distances, search boxes, China's map datum, point validation.

Plain Python, no Django. Stations are stored in WGS-84 (what phones report and what SPEC §7.3 returns);
GCJ-02 is only for drawing on Chinese map tiles (GaoDe, Tencent). TianDiTu tiles are CGCS2000, which is
WGS-84 to within centimetres: do not convert for them (research/libraries-domain.md §4).
"""

import csv
import math
from functools import cache
from pathlib import Path
from typing import NamedTuple

# Mean Earth radius R1 = (2a + b) / 3 of the WGS-84 ellipsoid (IUGG, Moritz 1980/2000: 6,371,008.7714 m),
# rounded to 0.1 m. It is the sphere that minimises the mean distance error over the globe; one degree of
# arc is 2πR/360 = 111,195.08 m. Every distance the platform shows or sorts by uses this one radius, so the
# nearest-station index and the full scan it is tested against agree exactly.
EARTH_RADIUS_M = 6_371_008.8

# Krasovsky 1940 ellipsoid as used by the published GCJ-02 algorithm (the "eviltransform" / coordTransform /
# gcoord family): semi-major axis and first eccentricity squared.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323

# The rectangle inside which the published algorithm applies the offset (same constants as coordTransform
# 0.2.1's ``out_of_china``). Outside it coordinates pass through unchanged. It is a coarse box (it includes
# e.g. Seoul and Hanoi): good enough for a platform whose stations are all in mainland China.
_CHINA_MIN_LON, _CHINA_MAX_LON = 73.66, 135.05
_CHINA_MIN_LAT, _CHINA_MAX_LAT = 3.86, 53.55

# A search box is padded by this much (≈ 0.1 mm) so that float rounding never drops a point that
# haversine_m puts exactly on the radius: a box is a prefilter and must never be the one that decides.
_BOX_PAD_DEG = 1e-9

DATA_DIR = Path(__file__).parent / "data"


class GeoError(ValueError):
    """A coordinate is unusable; ``str(error)`` is a zh-Hans message, ``field`` is ``"lat"`` or ``"lon"``."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Bounds(NamedTuple):
    """A latitude/longitude box in degrees, edges included: (min_lat, max_lat, min_lon, max_lon)."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


# --- Distances and boxes -------------------------------------------------------------------------------

def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points on the mean-radius sphere.

    The spherical model is off the ellipsoidal (Vincenty) distance by at most about 0.5 %; SPEC §7.3 asks for
    great-circle metres, and one formula everywhere keeps the index and the scan in the same order.
    """
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bbox_around(lat: float, lon: float, radius_m: float) -> Bounds:
    """The smallest lat/lon box holding every point within ``radius_m`` of (lat, lon) on the sphere.

    Longitude half-width is asin(sin(r/R) / cos φ) — the exact extreme longitude of a spherical cap, wider
    than r/(R cos φ) (J. P. Matuschek, "Finding points within a distance of a latitude/longitude point").
    If the cap reaches a pole or crosses the antimeridian the box spans all longitudes (-180…180): still
    correct as a prefilter, just not tight — stations in China never get there.
    """
    if radius_m < 0 or not math.isfinite(radius_m):
        raise GeoError("搜索半径必须是非负有限数")
    angular = radius_m / EARTH_RADIUS_M
    if angular >= math.pi:
        return Bounds(-90.0, 90.0, -180.0, 180.0)
    dlat = math.degrees(angular)
    min_lat, max_lat = lat - dlat, lat + dlat
    if max_lat >= 90.0 or min_lat <= -90.0:
        return Bounds(max(min_lat - _BOX_PAD_DEG, -90.0), min(max_lat + _BOX_PAD_DEG, 90.0), -180.0, 180.0)
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    dlon = math.degrees(math.asin(ratio)) if ratio < 1.0 else 180.0
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        min_lon, max_lon = -180.0, 180.0
    else:
        min_lon, max_lon = max(min_lon - _BOX_PAD_DEG, -180.0), min(max_lon + _BOX_PAD_DEG, 180.0)
    return Bounds(min_lat - _BOX_PAD_DEG, max_lat + _BOX_PAD_DEG, min_lon, max_lon)


# --- WGS-84 ↔ GCJ-02 -----------------------------------------------------------------------------------

def out_of_china(lon: float, lat: float) -> bool:
    """True where the published GCJ-02 algorithm leaves coordinates unchanged (outside its China box)."""
    return not (_CHINA_MIN_LON < lon < _CHINA_MAX_LON and _CHINA_MIN_LAT < lat < _CHINA_MAX_LAT)


def _offset_lat(x: float, y: float) -> float:
    # The evaluation order below is kept exactly as in the published algorithm, so results are
    # bit-identical to coordTransform / gcoord (tests/stations/test_geo.py).
    pi = math.pi
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(math.fabs(x))
    ret += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * pi) + 320 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lon(x: float, y: float) -> float:
    pi = math.pi
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(math.fabs(x))
    ret += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02 (the offset datum of GaoDe/Tencent tiles); (lon, lat) order, like gcoord.

    Outside the China box the point is returned unchanged. Bit-identical to coordTransform 0.2.1 and
    gcoord 1.0.7 (research/libraries-domain.md §4): Tiananmen 116.403988, 39.914266 →
    116.41023240747266, 39.915670251113426.
    """
    if out_of_china(lon, lat):
        return (lon, lat)
    dlat = _offset_lat(lon - 105.0, lat - 35.0)
    dlon = _offset_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _GCJ_EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrtmagic * math.cos(radlat) * math.pi)
    return (lon + dlon, lat + dlat)


def gcj02_to_wgs84(lon: float, lat: float, *, tolerance_deg: float = 1e-12, max_iterations: int = 10
                   ) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward transform; (lon, lat) order.

    The common one-step inverse (coordTransform's ``gcj02_to_wgs84``) is 0.2–1.7 m off. Iterating
    w ← w − (f(w) − g) converges because the offset changes by < 1e-4 per degree: three rounds are under
    0.1 mm; we stop when a round moves less than ``tolerance_deg`` (1e-12° ≈ 0.1 µm). Points outside the
    China box pass through unchanged.
    """
    if out_of_china(lon, lat):
        return (lon, lat)
    w_lon, w_lat = lon, lat
    for _ in range(max_iterations):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        step_lon, step_lat = f_lon - lon, f_lat - lat
        w_lon, w_lat = w_lon - step_lon, w_lat - step_lat
        if abs(step_lon) < tolerance_deg and abs(step_lat) < tolerance_deg:
            break
    return (w_lon, w_lat)


# --- Validation ----------------------------------------------------------------------------------------

def _as_degrees(value, field: str, name: str) -> float:
    if isinstance(value, bool) or value is None:
        raise GeoError(f"{name}必须是数字", field)
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise GeoError(f"{name}不能为空", field)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GeoError(f"{name}必须是数字,收到“{value}”", field) from None
    if not math.isfinite(number):
        raise GeoError(f"{name}必须是有限数值(不能是 NaN 或无穷大)", field)
    return number


def validate_point(lat, lon) -> tuple[float, float]:
    """Check a WGS-84 point and return it as floats (lat, lon); raise GeoError with a zh-Hans message.

    Accepts numbers and numeric strings (form and Excel input). Latitude must be within −90…90 and
    longitude within −180…180, both finite.
    """
    lat_f = _as_degrees(lat, "lat", "纬度")
    lon_f = _as_degrees(lon, "lon", "经度")
    if not -90.0 <= lat_f <= 90.0:
        raise GeoError(f"纬度必须在 -90 到 90 之间,收到 {lat_f:g}", "lat")
    if not -180.0 <= lon_f <= 180.0:
        raise GeoError(f"经度必须在 -180 到 180 之间,收到 {lon_f:g}", "lon")
    return lat_f, lon_f


def point_in_bounds(lat: float, lon: float, bounds: Bounds | tuple[float, float, float, float]) -> bool:
    """Whether (lat, lon) lies inside the box (min_lat, max_lat, min_lon, max_lon), edges included."""
    min_lat, max_lat, min_lon, max_lon = bounds
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


# --- Region boxes --------------------------------------------------------------------------------------

@cache
def load_region_bounds(path: str | Path | None = None) -> dict[str, Bounds]:
    """Approximate boxes per GB/T 2260 region code from ``data/region_bounds.csv`` (see data/README.md).

    Treat the result as read-only: it is cached per path.
    """
    source = Path(path) if path is not None else DATA_DIR / "region_bounds.csv"
    table: dict[str, Bounds] = {}
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            table[row["code"]] = Bounds(float(row["min_lat"]), float(row["max_lat"]),
                                        float(row["min_lon"]), float(row["max_lon"]))
    return table


def bounds_for_region(code: str, table: dict[str, Bounds] | None = None) -> Bounds | None:
    """The box for a region code, falling back from county to prefecture to province; None if unknown.

    ``331024`` 仙居县 uses ``331000`` 台州市; a district of a municipality (``110105``) uses ``110000``.
    None means "no box known": callers should then skip the check, not reject the point.
    """
    table = load_region_bounds() if table is None else table
    code = str(code).strip()
    if len(code) != 6 or not code.isdigit():
        return None
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in table:
            return table[candidate]
    return None


def check_point_in_region(lat, lon, region_code: str, table: dict[str, Bounds] | None = None
                          ) -> tuple[float, float]:
    """Validate a point and require it inside its region's box (import rule, issue 4 §1); return (lat, lon).

    Regions with no box in the table are accepted after the range check.
    """
    lat_f, lon_f = validate_point(lat, lon)
    box = bounds_for_region(region_code, table)
    if box is not None and not point_in_bounds(lat_f, lon_f, box):
        raise GeoError(
            f"坐标({lat_f:.6f}, {lon_f:.6f})不在行政区划 {region_code} 的范围内"
            f"(纬度 {box.min_lat}–{box.max_lat},经度 {box.min_lon}–{box.max_lon});"
            "请确认坐标为 WGS-84 且纬度、经度没有填反", "lat")
    return lat_f, lon_f
