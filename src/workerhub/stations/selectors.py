"""Reads for station pages, the API, exports and the CLI.

Officers' reads start from ``restrict(user, action)``. The public finder and public pages read
``public_stations()``: every station that is not closed, with the public fields only — a station's
location, hours and amenities are meant to be found by anyone (SPEC §0: anonymous public, station finder).
"""

import json
import math
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, Max, Min, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from workerhub.core.models import Region
from workerhub.core.services import ServiceError

from . import geo, hours, rules
from .models import Rating, Station, StationEvent, Visit, amenity_mask

MAX_LIMIT = 100
# The first search box: 2 km covers a city district, where a worker's nearest stations usually are.
START_RADIUS_M = 2_000.0
# No point on the sphere is farther than half a great circle: a box this big holds every station.
HALF_EARTH_M = math.pi * geo.EARTH_RADIUS_M
PUBLIC_STATUSES = (Station.Status.OPEN, Station.Status.TEMPORARILY_CLOSED)
# What anyone may see of a station (the finder, the public page, the public API list).
PUBLIC_FIELDS = ("id", "code", "name", "lat", "lon", "status", "status_reason", "amenities", "services", "address",
                 "brand", "access", "region_id", "hours")


def public_stations():
    """Stations anyone may find: open or temporarily closed (shown with the reason), never closed ones."""
    return Station.objects.filter(status__in=PUBLIC_STATUSES)


def stations(user, action: str = "view"):
    return Station.objects.restrict(user, action).select_related("region", "operator")


def public_station(code: str) -> Station | None:
    return public_stations().select_related("region", "operator").filter(code=code).first()


def station_in_scope(user, code: str, action: str = "view") -> Station | None:
    return stations(user, action).filter(code=code).first()


MUNICIPALITIES = ("110000", "120000", "310000", "500000")


def city_centres() -> list[dict]:
    """Cities a worker may pick instead of sharing their position: the cities of data/region_bounds.csv
    (Zhejiang's first), each centred on the mean position of its public stations, else on its box's centre.

    Cached for ten minutes: the finder page is public and busy, and the answer changes with the register.
    """
    cached = cache.get("stations:city_centres")
    if cached is not None:
        return cached
    boxes = geo.load_region_bounds()
    names = dict(Region.objects.filter(code__in=list(boxes)).values_list("code", "name"))
    means = {row["city"]: (row["lat"], row["lon"]) for row in public_stations().annotate(
        city=Substr("region_id", 1, 4)).values("city").annotate(lat=Avg("lat"), lon=Avg("lon")).order_by()}
    out = []
    for code, box in boxes.items():
        if code.endswith("0000") and code not in MUNICIPALITIES:
            continue  # a province's box is not a place to stand in
        lat, lon = means.get(code[:4]) or ((box.min_lat + box.max_lat) / 2, (box.min_lon + box.max_lon) / 2)
        out.append({"code": code, "name": names.get(code, code), "lat": round(lat, 5), "lon": round(lon, 5)})
    out.sort(key=lambda c: (not c["code"].startswith("33"), c["code"]))
    cache.set("stations:city_centres", out, 600)
    return out


# --- Nearest stations (SPEC §7.3, §8.1) --------------------------------------------------------------

def parse_nearest_input(lat, lon, amenities=(), limit=10) -> tuple[float, float, tuple[str, ...], int]:
    """Check the finder's input; ServiceError names each bad field (``lat``, ``lon``, ``amenity``, ``limit``)."""
    errors = {}
    try:
        lat, lon = geo.validate_point(lat, lon)
    except geo.GeoError as exc:
        errors[exc.field or "lat"] = str(exc)
    try:
        codes = rules.parse_amenities(amenities)
    except rules.StationRuleError as exc:
        errors["amenity"] = str(exc)
        codes = ()
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = f"limit 应为 1 到 {MAX_LIMIT} 之间的整数"
    if errors:
        raise ServiceError("查询参数有误", errors)
    return lat, lon, codes, limit


def _open_at(station_hours, at: datetime) -> bool | None:
    """Open at ``at`` by the schedule; None when the holiday calendar for that year is missing (hours.py
    refuses to guess), which the finder shows as "unknown" and the open-now filter leaves out."""
    try:
        return hours.is_open(station_hours, at)
    except hours.HolidayDataMissing:
        return None


def _hours_today(station_hours, day: date) -> str | None:
    try:
        return hours.format_intervals(hours.hours_on(station_hours, day))
    except hours.HolidayDataMissing:
        return None


def _box_sql(open_now: bool, masked: bool) -> str:
    """The one query the search repeats: public stations in a lat/lon box, optionally having all amenities.

    Written out rather than built by the ORM on every round (compiling the queryset cost more than running
    it); portable SQL — BETWEEN and the bitwise ``&`` mean the same on SQLite and PostgreSQL — over the
    model's own table and column names. ``hours`` comes back as JSON text on both databases.
    """
    q = connection.ops.quote_name
    table = q(Station._meta.db_table)
    columns = ", ".join(q(c) for c in (("id", "lat", "lon", "hours") if open_now else ("id", "lat", "lon")))
    statuses = "= %s" if open_now else "IN (%s, %s)"
    where = [f"{q('status')} {statuses}", f"{q('lat')} BETWEEN %s AND %s", f"{q('lon')} BETWEEN %s AND %s"]
    if masked:
        where.append(f"({q('amenity_bits')} & %s) = %s")
    return f"SELECT {columns} FROM {table} WHERE {' AND '.join(where)}"  # noqa: S608 (quoted names; values are parameters)


def nearest_stations(lat, lon, amenities=(), open_now: bool = False, at: datetime | None = None,
                     limit: int = 10) -> list[dict]:
    """The ``limit`` public stations nearest to (lat, lon), WGS-84, by great-circle distance (geo.haversine_m),
    having **all** ``amenities``; only those open at ``at`` (default now, Asia/Shanghai) when ``open_now``.

    Exact — the same stations, order (distance, then id) and distances as a full scan — and fast on SQLite
    and PostgreSQL without a spatial extension:

    1. A composite B-tree index on (lat, lon) answers "which stations lie in this lat/lon box" by a range
       scan of one latitude band, longitude checked inside the index.
    2. Search a box around the point (geo.bbox_around) of radius r = 2 km. The box contains the whole circle
       of radius r, so every station within r of the point has been fetched; compute their exact distances.
    3. If at least ``limit`` qualifying stations lie within r, stop: any station not fetched lies outside the
       box, hence farther than r, hence farther than the ``limit``-th station found. Otherwise grow r (by the
       density seen so far, at least ×1.5) and repeat; at half the Earth's circumference the box is the
       whole globe, so the loop always ends.
    4. The amenity filter runs in SQL on the bitmask column (bits & mask = mask); status and opening hours
       (holidays, midnight-crossing intervals, 24 h) are evaluated in Python on the stations within r only,
       once per distinct schedule (most stations share a handful of schedules).

    Returns dicts with id, code, name, distance_m (whole metres, rounded half up), lat, lon, open_now
    (None when unknown), status, status_reason, amenities, services, address, brand, brand_label, access,
    region and hours_today. Raises ServiceError for bad input.
    """
    lat, lon, codes, limit = parse_nearest_input(lat, lon, amenities, limit)
    at = hours.to_shanghai(at) if at is not None else timezone.now()
    mask = amenity_mask(codes) if codes else 0
    sql = _box_sql(open_now, bool(mask))
    fixed = [Station.Status.OPEN] if open_now else list(PUBLIC_STATUSES)
    opened: dict[int, bool | None] = {}
    schedules: dict[str, bool | None] = {}
    radius = START_RADIUS_M
    last_found = -1
    with connection.cursor() as cursor:
        while True:
            box = geo.bbox_around(lat, lon, radius)
            params = [*fixed, box.min_lat, box.max_lat, box.min_lon, box.max_lon, *((mask, mask) if mask else ())]
            cursor.execute(sql, params)
            found = []
            for row in cursor.fetchall():
                distance = geo.haversine_m(lat, lon, row[1], row[2])
                if distance > radius:
                    continue
                if open_now:
                    if row[0] not in opened:
                        text = row[3]
                        if text not in schedules:
                            schedules[text] = _open_at(json.loads(text), at)
                        opened[row[0]] = schedules[text]
                    if not opened[row[0]]:
                        continue
                found.append((distance, row[0]))
            if len(found) >= limit or radius >= HALF_EARTH_M:
                break
            # Stations per area are roughly even near the point: aim for ``limit`` of them in the next circle;
            # a round that found nothing new means open country (or fewer stations than ``limit``): leap.
            growth = math.sqrt(limit / len(found)) * 1.2 if found else 4.0
            if len(found) == last_found:
                growth = 16.0
            last_found = len(found)
            radius = min(HALF_EARTH_M, radius * min(16.0, max(1.5, growth)))
    found.sort()
    top = found[:limit]
    details = Station.objects.only(*PUBLIC_FIELDS).in_bulk([pk for _d, pk in top])
    today = timezone.localtime(at).date()
    results = []
    by_schedule: dict[str, tuple] = {}  # a few schedules serve many stations: work each out once per call
    for distance, pk in top:
        s = details[pk]
        key = json.dumps(s.hours, sort_keys=True)
        if key not in by_schedule:
            by_schedule[key] = (_open_at(s.hours, at), _hours_today(s.hours, today))
        open_then, hours_today = by_schedule[key]
        is_open = False
        if s.status == Station.Status.OPEN:
            is_open = opened[pk] if open_now else open_then
        results.append({
            "id": s.pk, "code": s.code, "name": s.name, "distance_m": int(distance + 0.5), "lat": s.lat,
            "lon": s.lon, "open_now": is_open, "status": s.status, "status_reason": s.status_reason,
            "amenities": list(s.amenities), "services": list(s.services), "address": s.address, "brand": s.brand,
            "brand_label": s.brand_label, "access": s.access, "region": s.region_id,
            "hours_today": hours_today,
        })
    return results


def scan_nearest(lat, lon, amenities=(), open_now: bool = False, at: datetime | None = None,
                 limit: int = 10) -> list[tuple[int, float]]:
    """The full great-circle scan nearest_stations must agree with: (id, distance) of every public station,
    sorted by (distance, id). For tests and the benchmark's baseline — O(stations) per call."""
    lat, lon, codes, limit = parse_nearest_input(lat, lon, amenities, limit)
    at = hours.to_shanghai(at) if at is not None else timezone.now()
    needed = set(codes)
    rows = []
    for pk, s_lat, s_lon, s_amenities, s_hours, status in public_stations().values_list(
            "id", "lat", "lon", "amenities", "hours", "status"):
        if not needed <= set(s_amenities):
            continue
        if open_now and (status != Station.Status.OPEN or not _open_at(s_hours, at)):
            continue
        rows.append((geo.haversine_m(lat, lon, s_lat, s_lon), pk))
    rows.sort()
    return [(pk, distance) for distance, pk in rows[:limit]]


# --- Station pages -------------------------------------------------------------------------------------

def labels(codes, catalogue: dict) -> list[tuple[str, str]]:
    """(code, zh label) pairs in the station's order; an unknown code (catalogue shrank) shows as itself."""
    return [(code, catalogue[code].zh if code in catalogue else code) for code in codes]


def week_hours(station_hours, start: date) -> list[dict]:
    """Seven days from ``start``: the date, its weekday, the day's intervals as text (holidays applied)."""
    out = []
    for i in range(7):
        day = start + timedelta(days=i)
        out.append({"date": day, "weekday": hours.DAY_LABELS[day.weekday()], "text": _hours_today(station_hours, day),
                    "holiday": _safe_kind(day) == hours.HOLIDAY})
    return out


def _safe_kind(day: date) -> str | None:
    try:
        return hours.day_kind(day)
    except hours.HolidayDataMissing:
        return None


def rating_summary(station: Station) -> dict:
    row = Rating.objects.filter(station=station, status=Rating.Moderation.PUBLISHED).aggregate(
        avg=Avg("stars"), n=Count("id"))
    return {"average": round(row["avg"], 1) if row["avg"] is not None else None, "count": row["n"]}


def public_page(station: Station, at: datetime | None = None) -> dict:
    """What the public station page shows; nothing here depends on who is looking."""
    at = at or timezone.now()
    vocab = rules.load_catalogue("station_vocab")
    return {
        "open_now": _open_at(station.hours, at) if station.status == Station.Status.OPEN else False,
        "week": week_hours(station.hours, timezone.localtime(at).date()),
        "hours_text": hours.format_hours(station.hours),
        "amenity_labels": labels(station.amenities, rules.amenities()),
        "service_labels": labels(station.services, rules.services()),
        "title_labels": [vocab["titles"].get(t, {}).get("zh", t) for t in station.titles],
        "events": list(StationEvent.objects.filter(station=station).select_related("organiser", "partner")[:20]),
        "ratings": list(Rating.objects.filter(station=station, status=Rating.Moderation.PUBLISHED)[:20]),
        "rating": rating_summary(station),
        "photos": list(station.photos.all()[:12]),
        "gcj02": geo.wgs84_to_gcj02(station.lon, station.lat),
    }


def officer_page(user, station: Station) -> dict:
    """What a keeper or officer sees in addition: the compliance checklist, visit figures, pending ratings."""
    score = rules.compliance(station.amenities, facts=station.facts, services=station.services)
    visits = Visit.objects.restrict(user, "report").filter(station=station)
    since = timezone.localdate() - timedelta(days=30)
    catalogue = {**{c: label.zh for c, label in rules.amenities().items()},
                 **{c: label.zh for c, label in rules.services().items()}}
    return {
        "score": score,
        "grade_label": _grade_label(score.grade),
        "extra_labels": [catalogue.get(code, code) for code in score.extras],
        "visits_by_month": monthly_visits(visits),
        "visits_30d": visits.filter(day__gte=since).count(),
        "visits_total": visits.count(),
        "pending_ratings": Rating.objects.restrict(user, "view").filter(
            station=station, status=Rating.Moderation.PENDING).count(),
    }


def _grade_label(code: str) -> str:
    grades = {g["code"]: g["zh"] for g in rules.load_catalogue("standard")["grades"]}
    return grades.get(code, code)


def monthly_visits(visits, months: int = 12, today: date | None = None) -> list[dict]:
    """Check-ins per calendar month for the last ``months`` months, empty months included (the chart's x axis)."""
    today = today or timezone.localdate()
    first = date(today.year, today.month, 1)
    keys = []
    y, m = first.year, first.month
    for _ in range(months):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    keys.reverse()
    start = date(int(keys[0][:4]), int(keys[0][5:]), 1)
    counts = {row["m"].strftime("%Y-%m"): row["n"] for row in visits.filter(day__gte=start).annotate(
        m=TruncMonth("day")).values("m").annotate(n=Count("id")).order_by()}
    return [{"name": key, "value": counts.get(key, 0)} for key in keys]


# --- Network management (SPEC §7.5) --------------------------------------------------------------------

STALE_DAYS = 180


def network(user, region: str | None = None, stale_days: int = STALE_DAYS) -> dict:
    """An officer's view of the network in their region: stations per city, county and brand, compliance
    grades and scores, monthly visits, and the stations whose data nobody has checked for ``stale_days``."""
    qs = Station.objects.restrict(user, "report")
    if region:
        qs = qs.in_region(region)
    names = dict(Region.objects.filter(level__in=("province", "prefecture", "county")).values_list("code", "name"))
    by_status = Counter(dict(qs.values_list("status").annotate(n=Count("id")).order_by()))
    per_region = qs.values("region_id").annotate(n=Count("id")).order_by()
    cities, counties = defaultdict(int), defaultdict(int)
    for row in per_region:
        code = row["region_id"]
        city = code[:4] + "00" if code[2:4] != "00" else code
        cities[city] += row["n"]
        counties[code] += row["n"]  # a bank station registered at city level counts as the city's own row
    brands = rules.brands()
    per_brand = [{"name": brands[b].zh if b in brands else b, "value": n}
                 for b, n in qs.values_list("brand").annotate(n=Count("id")).order_by("-n")]
    grades = {g["code"]: g["zh"] for g in rules.load_catalogue("standard")["grades"]}
    per_grade = dict(qs.values_list("compliance_grade").annotate(n=Count("id")).order_by())
    bands = Counter()
    for score, n in qs.values_list("compliance_score").annotate(n=Count("id")).order_by():
        bands[min(score // 10, 9)] += n
    cutoff = timezone.now() - timedelta(days=stale_days)
    stale = qs.filter(Q(data_checked_at__lt=cutoff) | Q(data_checked_at__isnull=True)).exclude(
        status=Station.Status.CLOSED).select_related("region").order_by(F("data_checked_at").asc(nulls_first=True),
                                                                        "code")
    visits = Visit.objects.restrict(user, "report")
    if region:
        visits = visits.in_region(region)
    return {
        "total": sum(by_status.values()),
        "by_status": {s: by_status.get(s, 0) for s in Station.Status.values},
        "cities": [{"code": c, "name": names.get(c, c), "value": n} for c, n in sorted(cities.items())],
        # The chart shows the level below the one in view: cities for a province, counties for a city.
        "areas_level": "city" if len(cities) > 1 else "county",
        "counties": [{"code": c, "name": names.get(c, c) + ("(市级)" if c.endswith("00") else ""), "value": n}
                     for c, n in sorted(counties.items())],
        "brands": per_brand,
        "grades": [{"code": code, "name": label, "value": per_grade.get(code, 0)} for code, label in grades.items()],
        "score_bands": [{"name": f"{b * 10}–{b * 10 + 9 if b < 9 else 100}", "value": bands.get(b, 0)}
                        for b in range(10)],
        "stale": list(stale[:200]),
        "stale_count": stale.count(),
        "stale_days": stale_days,
        "visits_by_month": monthly_visits(visits),
    }


MAX_SAMPLES = 6_000


def coverage_bounds(region_code: str) -> geo.Bounds | None:
    """The box the coverage grid covers. A region with a box of its own (data/region_bounds.csv: prefectures,
    municipalities) uses it. A county has none — its prefecture's box would drown it — so it uses the extent of
    its own stations widened by 5 km on every side, clipped to the prefecture's box; with no station at all,
    the prefecture's box (everything is a gap). Approximate by design, like the boxes themselves."""
    table = geo.load_region_bounds()
    if region_code in table:
        return table[region_code]
    outer = geo.bounds_for_region(region_code)
    if outer is None:
        return None
    extent = Station.objects.in_region(region_code).aggregate(
        min_lat=Min("lat"), max_lat=Max("lat"), min_lon=Min("lon"), max_lon=Max("lon"))
    if extent["min_lat"] is None:
        return outer
    pad = math.degrees(5_000 / geo.EARTH_RADIUS_M)
    pad_lon = pad / math.cos(math.radians((extent["min_lat"] + extent["max_lat"]) / 2))
    return geo.Bounds(max(outer.min_lat, extent["min_lat"] - pad), min(outer.max_lat, extent["max_lat"] + pad),
                      max(outer.min_lon, extent["min_lon"] - pad_lon), min(outer.max_lon, extent["max_lon"] + pad_lon))


def coverage(region_code: str, speed_kmh: float, minutes: float = rules.SERVICE_CIRCLE_MINUTES) -> dict:
    """The 15-minute circle for a region: grid points of its box (coverage_bounds) farther than speed × time
    from every open station (rules.coverage_gaps). Stations just outside the box count too — a worker crosses
    borders. The grid spacing is at most half the coverage radius, widened so that no region needs more than
    MAX_SAMPLES points; sea and mountains inside the box show as gaps.
    """
    box = coverage_bounds(region_code)
    if box is None:
        raise ServiceError("该地区没有范围数据,无法计算覆盖", {"region": "没有该地区的范围数据"})
    radius = rules.coverage_radius_m(speed_kmh, minutes)
    metres_per_deg = geo.EARTH_RADIUS_M * math.pi / 180
    height = (box.max_lat - box.min_lat) * metres_per_deg
    width = (box.max_lon - box.min_lon) * metres_per_deg * math.cos(math.radians((box.min_lat + box.max_lat) / 2))
    step = max(radius / 2, math.sqrt(height * width / MAX_SAMPLES))
    samples = rules.sample_grid(box, step)
    pad = math.degrees(radius / geo.EARTH_RADIUS_M)
    pad_lon = pad / max(math.cos(math.radians(max(abs(box.min_lat), abs(box.max_lat)))), 1e-6)
    open_points = list(Station.objects.filter(
        status=Station.Status.OPEN, lat__gte=box.min_lat - pad, lat__lte=box.max_lat + pad,
        lon__gte=box.min_lon - pad_lon, lon__lte=box.max_lon + pad_lon).values_list("lat", "lon"))
    gaps = rules.coverage_gaps(open_points, samples, speed_kmh=speed_kmh, minutes=minutes)
    rows = max(1, math.ceil(height / step))
    cols = max(1, math.ceil(width / step))
    return {
        "bounds": list(box), "radius_m": round(radius), "step_m": round(step), "samples": len(samples),
        # The drawn cell: the grid's own spacing in degrees (sample_grid spreads rows and columns evenly).
        "cell": [(box.max_lat - box.min_lat) / rows, (box.max_lon - box.min_lon) / cols],
        "stations": [[round(a, 6), round(b, 6)] for a, b in open_points],
        "gaps": [[round(a, 6), round(b, 6)] for a, b in gaps],
        "covered_pct": round(100 * (len(samples) - len(gaps)) / len(samples), 1) if samples else 0.0,
    }


def pending_ratings(user):
    return (Rating.objects.restrict(user, "change").filter(status=Rating.Moderation.PENDING)
            .select_related("station").order_by("created_at", "id"))
