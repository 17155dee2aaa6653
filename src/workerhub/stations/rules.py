"""Pure rules of service stations: catalogues, the construction standard score, coverage gaps, station codes.

Plain Python, no Django. Reference data (amenities, services, brands, the 六有 / 10+x standard) lives in
``data/*.json`` and is read here; nothing about the standard is hard-coded in this module.
"""

import json
import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import NamedTuple

from workerhub.stations.geo import EARTH_RADIUS_M, Bounds, bbox_around, haversine_m

DATA_DIR = Path(__file__).parent / "data"


class StationRuleError(ValueError):
    """A value broke a station rule; ``str(error)`` is a zh-Hans message for the user."""


class Label(NamedTuple):
    zh: str
    en: str


# --- Catalogues ----------------------------------------------------------------------------------------

@cache
def load_catalogue(name: str) -> dict:
    """The parsed ``data/<name>.json`` (amenities, services, brands, standard, station_vocab). Read-only."""
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def amenities() -> dict[str, Label]:
    """Amenity code → (zh, en) label, in catalogue order."""
    return {code: Label(v["zh"], v["en"]) for code, v in load_catalogue("amenities")["amenities"].items()}


def services() -> dict[str, Label]:
    """Service code → (zh, en) label, in catalogue order."""
    return {code: Label(v["zh"], v["en"]) for code, v in load_catalogue("services")["services"].items()}


def brands() -> dict[str, Label]:
    """Brand code → (zh, en) label; operator kind and host are in ``load_catalogue("brands")``."""
    return {code: Label(v["zh"], v["en"]) for code, v in load_catalogue("brands")["brands"].items()}


_KIND_NAMES = {"amenities": "设施", "services": "服务"}


def _parse_codes(value, catalogue: str) -> tuple[str, ...]:
    data = load_catalogue(catalogue)
    entries = data[catalogue]
    lookup = {code: code for code in entries}
    lookup.update({alias.lower(): code for alias, code in data.get("aliases", {}).items()})
    lookup.update({v["zh"]: code for code, v in entries.items()})
    if value is None:
        return ()
    parts = re.split(r"[;；,，、\s]+", value) if isinstance(value, str) else list(value)
    found: list[str] = []
    unknown: list[str] = []
    for part in parts:
        token = str(part).strip()
        if not token:
            continue
        code = lookup.get(token) or lookup.get(token.lower())
        if code is None:
            unknown.append(token)
        elif code not in found:
            found.append(code)
    if unknown:
        raise StationRuleError(f"未知的{_KIND_NAMES[catalogue]}代码:{'、'.join(unknown)}")
    return tuple(found)


def parse_amenities(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Amenity codes from ``"water;phone_charging"``, ``"饮用水、手机充电"`` or a list; aliases resolved.

    Order of first appearance, duplicates dropped. Unknown entries raise StationRuleError naming all of them.
    """
    return _parse_codes(value, "amenities")


def parse_services(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Service codes, as ``parse_amenities``."""
    return _parse_codes(value, "services")


# --- Construction standard: 六有 + 10+x ------------------------------------------------------------------

@dataclass(frozen=True)
class ItemResult:
    """One checklist item for one station."""

    section: str
    code: str
    zh: str
    passed: bool
    points: Fraction      # what the item is worth out of 100


@dataclass(frozen=True)
class Score:
    """A station's compliance with the construction standard."""

    score: int                        # 0–100, rounded half up
    grade: str                        # code from the standard's "grades" (benchmark / standard / basic)
    items: tuple[ItemResult, ...]
    extras: tuple[str, ...]           # the "x": amenities and services no base item asks for

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        return tuple(item for item in self.items if not item.passed)

    def section_passed(self, section: str) -> bool:
        return all(item.passed for item in self.items if item.section == section)


def compliance(amenities: Collection[str], checklist: Mapping | None = None, *,
               facts: Collection[str] = (), services: Collection[str] = ()) -> Score:
    """Score a station against the standard in ``data/standard.json`` (or ``checklist`` of the same shape).

    ``amenities`` are amenity codes; ``facts`` are the 六有 facts the officer has ticked (``unified_sign``,
    ``fixed_premises``, ``management_rules``, ``staffing``, ``on_map``). An item passes when any code in
    its ``any_of`` is present, or, for ``section_complete``, when every item of that section passes
    (完备设施 = all ten 10+x base items). Weighting: each section carries its ``weight`` (六有 50, 10+x
    base 50), shared equally by its items (六有 8⅓ each, base items 5 each); the score is the share earned
    of the total weight, times 100, rounded half up. The grade is the first whose ``min_score`` is met and
    whose ``requires_sections`` all pass fully (标杆型 needs ≥ 90 and the whole 六有).
    """
    checklist = load_catalogue("standard") if checklist is None else checklist
    present = set(amenities) | set(facts)
    sections = checklist["sections"]
    total_weight = sum(Fraction(section["weight"]) for section in sections)
    if total_weight <= 0:
        raise StationRuleError("建设标准的权重之和必须大于 0")
    by_code = {section["code"]: section for section in sections}

    def item_passes(item, seen=()):
        if "section_complete" in item:
            target = item["section_complete"]
            if target in seen or target not in by_code:
                raise StationRuleError(f"建设标准中的“{item['code']}”引用了无效的分类 {target}")
            return all(item_passes(sub, (*seen, target)) for sub in by_code[target]["items"])
        return any(code in present for code in item["any_of"])

    results = []
    used: set[str] = set()
    for section in sections:
        share = Fraction(section["weight"]) / total_weight * 100 / len(section["items"])
        for item in section["items"]:
            used.update(item.get("any_of", ()))
            results.append(ItemResult(section["code"], item["code"], item["zh"], item_passes(item), share))
    earned = sum((r.points for r in results if r.passed), Fraction(0))
    score = math.floor(earned + Fraction(1, 2))
    partial = Score(score, "", tuple(results), ())
    grade = next((g["code"] for g in checklist.get("grades", [])
                  if score >= g["min_score"] and all(partial.section_passed(s) for s in g["requires_sections"])),
                 "")
    extras = tuple(sorted(set(amenities) - used)) + tuple(sorted(set(services)))
    return Score(score, grade, tuple(results), extras)


# --- Coverage: the 15-minute service circle ------------------------------------------------------------

# 双15工程 (ACFTU, July 2023): 15-minute service circles (research/union.md §6.1); Zhejiang's 2024–2026
# plan keeps the 15-minute circle (§6.3). The speeds are our planning assumptions, configurable per call:
# 5 km/h is the usual walking speed in planning; 15 km/h is a cautious e-bike average in city traffic
# (GB 17761-2018 caps an e-bike's design speed at 25 km/h).
SERVICE_CIRCLE_MINUTES = 15
WALKING_KMH = 5.0
EBIKE_KMH = 15.0


def coverage_radius_m(speed_kmh: float = EBIKE_KMH, minutes: float = SERVICE_CIRCLE_MINUTES) -> float:
    """How far one gets in ``minutes`` at ``speed_kmh``, in metres (walking 1,250 m; e-bike 3,750 m)."""
    if not (math.isfinite(speed_kmh) and speed_kmh > 0 and math.isfinite(minutes) and minutes > 0):
        raise StationRuleError("速度和时间必须是正数")
    return speed_kmh * 1000.0 * minutes / 60.0


def sample_grid(bounds: Bounds | tuple[float, float, float, float], step_m: float, *,
                max_points: int = 1_000_000) -> list[tuple[float, float]]:
    """Cell centres (lat, lon) of a grid at most ``step_m`` metres apart covering a lat/lon box, row by row.

    Longitude spacing is computed at the box's middle latitude (it varies by ≈ 2 % across a prefecture);
    refuses grids of more than ``max_points`` points.
    """
    min_lat, max_lat, min_lon, max_lon = bounds
    if not (step_m > 0 and math.isfinite(step_m)) or max_lat < min_lat or max_lon < min_lon:
        raise StationRuleError("网格步长必须为正数,范围的最小值不能大于最大值")
    metres_per_deg = EARTH_RADIUS_M * math.pi / 180
    dlat = step_m / metres_per_deg
    dlon = step_m / (metres_per_deg * max(math.cos(math.radians((min_lat + max_lat) / 2)), 1e-6))
    rows = max(1, math.ceil((max_lat - min_lat) / dlat))
    cols = max(1, math.ceil((max_lon - min_lon) / dlon))
    if rows * cols > max_points:
        raise StationRuleError(f"网格点数 {rows * cols} 超过上限 {max_points},请加大步长")
    # Spread the rows and columns evenly over the box: spacing is at most ``step_m``, every point inside.
    lat_step = (max_lat - min_lat) / rows
    lon_step = (max_lon - min_lon) / cols
    return [(min_lat + (i + 0.5) * lat_step, min_lon + (j + 0.5) * lon_step)
            for i in range(rows) for j in range(cols)]


def coverage_gaps(stations: Iterable[tuple[float, float]], samples: Iterable[tuple[float, float]], *,
                  speed_kmh: float = EBIKE_KMH, minutes: float = SERVICE_CIRCLE_MINUTES
                  ) -> list[tuple[float, float]]:
    """The sample points (lat, lon) farther than ``speed_kmh`` × ``minutes`` from every station.

    Pass the points of the stations that count (status open). Distances are great-circle (geo.haversine_m),
    straight-line rather than along streets, so the map errs on the side of showing fewer gaps. Stations
    are bucketed in a grid of cells one radius high; each sample looks only at the cells its
    geo.bbox_around box touches — O(samples × stations nearby), not O(samples × stations).
    """
    radius = coverage_radius_m(speed_kmh, minutes)
    cell = math.degrees(radius / EARTH_RADIUS_M)
    buckets: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for lat, lon in stations:
        buckets[(math.floor(lat / cell), math.floor(lon / cell))].append((lat, lon))
    gaps = []
    for lat, lon in samples:
        box = bbox_around(lat, lon, radius)
        rows = range(math.floor(box.min_lat / cell), math.floor(box.max_lat / cell) + 1)
        cols = range(math.floor(box.min_lon / cell), math.floor(box.max_lon / cell) + 1)
        if len(rows) * len(cols) > len(buckets):
            keys = [k for k in buckets if k[0] in rows and k[1] in cols]
        else:
            keys = [(i, j) for i in rows for j in cols]
        covered = any(haversine_m(lat, lon, s_lat, s_lon) <= radius
                      for key in keys for s_lat, s_lon in buckets.get(key, ()))
        if not covered:
            gaps.append((lat, lon))
    return gaps


# --- Station codes -------------------------------------------------------------------------------------

# ISO 3166-2:CN (2017 revision) letters for the GB/T 2260 province prefix: a human-readable lead on the
# QR plate; the six-digit region code that follows is what identifies the region.
PROVINCE_LETTERS = {
    "11": "BJ", "12": "TJ", "13": "HE", "14": "SX", "15": "NM", "21": "LN", "22": "JL", "23": "HL",
    "31": "SH", "32": "JS", "33": "ZJ", "34": "AH", "35": "FJ", "36": "JX", "37": "SD", "41": "HA",
    "42": "HB", "43": "HN", "44": "GD", "45": "GX", "46": "HI", "50": "CQ", "51": "SC", "52": "GZ",
    "53": "YN", "54": "XZ", "61": "SN", "62": "GS", "63": "QH", "64": "NX", "65": "XJ", "71": "TW",
    "81": "HK", "82": "MO",
}
_CODE = re.compile(r"^([A-Z]{2})-(\d{6})-(\d{5})-([\dX])$")


class StationCode(NamedTuple):
    region: str
    serial: int


def _mod11_2(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character (the one GB 11643 uses for ID numbers): 0–9 or X."""
    p = 0
    for ch in digits:
        p = ((p + int(ch)) * 2) % 11
    check = (12 - p) % 11
    return "X" if check == 10 else str(check)


def station_code(region_code: str, serial: int) -> str:
    """``ZJ-331024-00001-0``: province letters, GB/T 2260 region, 5-digit serial within it, check character.

    The check character (ISO 7064 MOD 11-2 over the 11 digits) catches every single mistyped digit and
    every swap of two adjacent digits when a code is typed from a plate. Serials are 1–99,999 per region.
    """
    region = str(region_code).strip()
    if not re.fullmatch(r"\d{6}", region):
        raise StationRuleError(f"行政区划代码“{region_code}”应为6位数字")
    letters = PROVINCE_LETTERS.get(region[:2])
    if letters is None:
        raise StationRuleError(f"行政区划代码“{region}”的省级前缀无效")
    if isinstance(serial, bool) or not isinstance(serial, int) or not 1 <= serial <= 99_999:
        raise StationRuleError("站点序号应为 1 到 99999 之间的整数")
    body = f"{region}{serial:05d}"
    return f"{letters}-{region}-{serial:05d}-{_mod11_2(body)}"


def parse_station_code(code: str) -> StationCode:
    """Check a station code (from a QR scan or typed) and return its region and serial."""
    text = re.sub(r"\s+", "", str(code or "")).upper()
    match = _CODE.match(text)
    if not match:
        raise StationRuleError("站点编号格式应为 ZJ-331024-00001-0(省份字母-6位行政区划代码-5位序号-校验位)")
    letters, region, serial, check = match.groups()
    if PROVINCE_LETTERS.get(region[:2]) != letters:
        raise StationRuleError(f"站点编号的省份字母 {letters} 与行政区划代码 {region} 不符")
    if _mod11_2(region + serial) != check:
        raise StationRuleError("站点编号校验位错误,请核对是否输错")
    if int(serial) == 0:
        raise StationRuleError("站点序号不能为 0")
    return StationCode(region, int(serial))
