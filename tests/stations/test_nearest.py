"""Nearest stations (SPEC §7.3, §8.1): the indexed search gives exactly what a full great-circle scan gives —
same stations, same order, same metres — for thousands of random stations and a thousand random queries, with
and without the amenity and open-now filters. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

import json
import random
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workerhub.core.models import Organisation
from workerhub.core.services import ServiceError
from workerhub.stations import geo, hours, rules, selectors
from workerhub.stations.models import Station, amenity_mask

CODES = list(rules.amenities())
HOURS = [
    hours.parse_hours("24小时"),
    hours.parse_hours("每天 08:00-18:00"),
    hours.parse_hours("每天 22:00-次日06:00"),
    hours.parse_hours("周一至周五 09:00-17:00; 节假日休息"),
    hours.parse_hours("周一至周五 07:00-12:00, 13:00-19:00; 周六 08:00-12:00; 节假日同周日"),
    hours.parse_hours("每天 05:30-20:30"),
]
# Where random stations go: five dense cities, the rest of China, and a few anywhere on Earth (poles and
# the antimeridian included, where a search box wraps).
CITIES = [(30.25, 120.16), (28.85, 120.73), (22.54, 114.06), (39.91, 116.40), (30.66, 104.07)]


def random_point(rng):
    pick = rng.random()
    if pick < 0.6:
        lat, lon = rng.choice(CITIES)
        return lat + rng.gauss(0, 0.08), lon + rng.gauss(0, 0.08)
    if pick < 0.95:
        return rng.uniform(18, 53), rng.uniform(73, 135)
    return rng.uniform(-89.9, 89.9), rng.choice([rng.uniform(-180, 180), rng.uniform(179.5, 180),
                                                 rng.uniform(-180, -179.5)])


@pytest.fixture
def field(db):
    """2,500 random stations, written in bulk (the search must not care how rows were made)."""
    rng = random.Random(20240313)
    org = Organisation.objects.create(name="测试运营方", kind="station_operator", region_id="330100")
    rows = []
    for i in range(2500):
        lat, lon = random_point(rng)
        amenities = [c for c in CODES if rng.random() < 0.45]
        status = rng.choices(["open", "temporarily_closed", "closed"], weights=[8, 1, 1])[0]
        rows.append(Station(code=f"T{i:05d}", code_region="330100", serial=i + 1, name=f"站点{i}", operator=org, brand="union_outdoor",
                            address="测试", region_id="330100", lat=lat, lon=lon, hours=rng.choice(HOURS),
                            amenities=amenities, amenity_bits=amenity_mask(amenities), status=status,
                            status_reason="维修" if status == "temporarily_closed" else ""))
    # A cluster of exact duplicates: ties are broken by id, as the scan does.
    for j in range(5):
        rows.append(Station(code=f"D{j}", code_region="330100", serial=3000 + j, name=f"同址{j}", operator=org, brand="union_outdoor",
                            address="测试", region_id="330100", lat=30.25, lon=120.16, hours=HOURS[0],
                            amenities=["water"], amenity_bits=amenity_mask(["water"])))
    Station.objects.bulk_create(rows, batch_size=1000)
    return [(s.pk, s.lat, s.lon, set(s.amenities), s.hours, s.status)
            for s in Station.objects.all().only("id", "lat", "lon", "amenities", "hours", "status")]


def brute_force(stations, lat, lon, amenities=(), open_now=False, at=None, limit=10):
    """The oracle: every station's distance, filtered and sorted by (distance, id). No index, no box."""
    needed = set(rules.parse_amenities(amenities))
    rows = []
    is_open = {}  # per schedule: hours.is_open is pure, and the field has six schedules
    for pk, s_lat, s_lon, s_amenities, s_hours, status in stations:
        if status == "closed" or not needed <= s_amenities:
            continue
        if open_now:
            if status != "open":
                continue
            key = json.dumps(s_hours, sort_keys=True)
            if key not in is_open:
                try:
                    is_open[key] = hours.is_open(s_hours, at)
                except hours.HolidayDataMissing:
                    is_open[key] = False
            if not is_open[key]:
                continue
        rows.append((geo.haversine_m(lat, lon, s_lat, s_lon), pk))
    rows.sort()
    return [(pk, int(d + 0.5)) for d, pk in rows[:limit]]


def found(results):
    return [(r["id"], r["distance_m"]) for r in results]


def test_a_thousand_random_queries_match_the_full_scan(field):
    rng = random.Random(7)
    for n in range(1000):
        lat, lon = random_point(rng)
        limit = rng.choice([1, 3, 10, 10, 25, 100])
        kind = n % 4
        amenities = rng.sample(CODES, rng.choice([1, 2])) if kind in (1, 3) else ()
        open_now = kind in (2, 3)
        at = hours.to_shanghai(datetime(2024, 1, 1) + timedelta(minutes=rng.randrange(366 * 24 * 60)))
        expected = brute_force(field, lat, lon, amenities, open_now, at, limit)
        got = selectors.nearest_stations(lat, lon, amenities=amenities, open_now=open_now, at=at, limit=limit)
        assert found(got) == expected, (lat, lon, amenities, open_now, at, limit)


def test_the_database_scan_agrees_too(field):
    """scan_nearest (the benchmark's baseline) reads the table, not the fixture's copy."""
    rng = random.Random(11)
    for _ in range(20):
        lat, lon = random_point(rng)
        expected = brute_force(field, lat, lon, ["water"], limit=10)
        scanned = [(pk, int(d + 0.5)) for pk, d in selectors.scan_nearest(lat, lon, ["water"], limit=10)]
        assert scanned == expected


def test_ties_are_ordered_by_id_and_distances_are_whole_metres(field):
    got = selectors.nearest_stations(30.25, 120.16, limit=5)
    assert [r["name"] for r in got] == [f"同址{j}" for j in range(5)]
    assert {r["distance_m"] for r in got} == {0}


def test_a_search_far_from_every_station_still_ends_with_the_nearest(field):
    # The middle of the South Pacific: the box grows until it holds the globe if it must.
    got = selectors.nearest_stations(-48.87, -123.39, limit=3)
    assert found(got) == brute_force(field, -48.87, -123.39, limit=3)


def test_a_dense_city_needs_one_or_two_index_queries(field):
    with CaptureQueriesContext(connection) as ctx:
        selectors.nearest_stations(30.25, 120.16, limit=10)
    assert len(ctx.captured_queries) <= 3  # box search(es) + one fetch of the ten stations' details


def test_the_box_query_uses_the_lat_lon_index(field):
    box = geo.bbox_around(30.25, 120.16, 2000)
    qs = Station.objects.filter(lat__gte=box.min_lat, lat__lte=box.max_lat, lon__gte=box.min_lon,
                                lon__lte=box.max_lon).values_list("id", "lat", "lon")
    plan = qs.explain()
    assert "station_lat_lon" in plan, plan


def test_no_station_with_every_amenity_gives_an_empty_list(db):
    assert selectors.nearest_stations(30.25, 120.16, amenities=CODES) == []


@pytest.mark.parametrize("args, field_name", [
    ({"lat": 91, "lon": 120}, "lat"), ({"lat": "abc", "lon": 120}, "lat"), ({"lat": 30, "lon": 181}, "lon"),
    ({"lat": float("nan"), "lon": 120}, "lat"), ({"lat": 30, "lon": 120, "amenities": "water,teleporter"}, "amenity"),
    ({"lat": 30, "lon": 120, "limit": 101}, "limit"), ({"lat": 30, "lon": 120, "limit": 0}, "limit"),
])
def test_bad_input_names_the_field(db, args, field_name):
    with pytest.raises(ServiceError) as info:
        selectors.nearest_stations(**args)
    assert field_name in info.value.fields
