"""Distances, search boxes, WGS-84 ↔ GCJ-02 and point validation for the station finder — pure geometry."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workerhub.stations import geo

# --- GCJ-02 against published reference points ---------------------------------------------------------

# research/libraries-domain.md §4: gcoord, coordTransform and prcoords agree bit for bit on Tiananmen.
TIANANMEN_WGS = (116.403988, 39.914266)
TIANANMEN_GCJ = (116.41023240747266, 39.915670251113426)


def test_tiananmen_reference_point_matches_to_1e_9_degrees():
    lon, lat = geo.wgs84_to_gcj02(*TIANANMEN_WGS)
    assert abs(lon - TIANANMEN_GCJ[0]) < 1e-9
    assert abs(lat - TIANANMEN_GCJ[1]) < 1e-9
    assert (lon, lat) == TIANANMEN_GCJ  # in fact bit-identical
    # the shift is the familiar few hundred metres (research: 555 m)
    assert 540 < geo.haversine_m(TIANANMEN_WGS[1], TIANANMEN_WGS[0], lat, lon) < 570


def test_wandergis_coordtransform_published_example():
    # wandergis/coordtransform test/app.js: wgs84togcj02(116.404, 39.915) → [116.41024449916938, 39.91640428150164]
    assert geo.wgs84_to_gcj02(116.404, 39.915) == (116.41024449916938, 39.91640428150164)


def test_gcoord_readme_bd09_example_goes_through_our_gcj02():
    # gcoord README: transform([116.403988, 39.914266], WGS84, BD09) → [116.41661560068297, 39.92196580126834].
    # BD-09 is GCJ-02 plus Baidu's own rotation; apply that published second step to our GCJ-02 output.
    x_pi = math.pi * 3000.0 / 180.0
    lng, lat = geo.wgs84_to_gcj02(*TIANANMEN_WGS)
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * x_pi)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * x_pi)
    bd = (z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006)
    assert bd == pytest.approx((116.41661560068297, 39.92196580126834), abs=1e-12)


def test_gcoord_readme_inverse_example_within_its_own_stopping_tolerance():
    # gcoord README: transform([123, 45], GCJ02, WGS84) → [122.99395597, 44.99804071]; gcoord stops iterating
    # once the residual is below 1e-6°, we iterate to 1e-12°, so the two agree to within 1e-6°.
    lon, lat = geo.gcj02_to_wgs84(123, 45)
    assert abs(lon - 122.99395597) < 1e-6
    assert abs(lat - 44.99804071) < 1e-6


def test_bit_identical_to_coordtransform_over_china():
    coord_transform = pytest.importorskip("coordTransform")
    rng = random.Random(2260)
    points = [(rng.uniform(73.7, 135.0), rng.uniform(3.9, 53.5)) for _ in range(5000)]
    points += [TIANANMEN_WGS, (120.73, 28.85), (120.16, 30.25), (114.055, 22.541)]
    for lon, lat in points:
        assert geo.wgs84_to_gcj02(lon, lat) == tuple(coord_transform.wgs84_to_gcj02(lon, lat))


def test_outside_china_is_passed_through_unchanged():
    tokyo = (139.6917, 35.6895)
    assert geo.wgs84_to_gcj02(*tokyo) == tokyo
    assert geo.gcj02_to_wgs84(*tokyo) == tokyo
    assert geo.out_of_china(*tokyo)
    assert not geo.out_of_china(120.73, 28.85)


@given(lon=st.floats(75.0, 134.0), lat=st.floats(5.0, 53.0))
def test_inverse_round_trip_is_below_1e_6_degrees(lon, lat):
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lon, lat))
    assert abs(back[0] - lon) < 1e-6
    assert abs(back[1] - lat) < 1e-6


def test_inverse_is_far_better_than_the_one_step_approximation():
    # Xianju 兴和门 station: iterating gets back to well under a millimetre (1e-9° ≈ 0.1 mm); the one-step
    # inverse most libraries ship is off by metres (research §4: 0.2–1.7 m).
    wgs = (120.73, 28.85)
    gcj = geo.wgs84_to_gcj02(*wgs)
    back = geo.gcj02_to_wgs84(*gcj)
    assert geo.haversine_m(wgs[1], wgs[0], back[1], back[0]) < 1e-4
    coord_transform = pytest.importorskip("coordTransform")
    one_step = coord_transform.gcj02_to_wgs84(*gcj)
    assert geo.haversine_m(wgs[1], wgs[0], one_step[1], one_step[0]) > 0.05


# --- Distances -----------------------------------------------------------------------------------------

def test_one_degree_of_latitude_is_111195_metres_on_the_mean_radius_sphere():
    # 2π × 6,371,008.8 m / 360 = 111,195.08 m
    assert geo.haversine_m(30.0, 120.0, 31.0, 120.0) == pytest.approx(111_195.08, abs=0.01)
    assert geo.haversine_m(0.0, 0.0, 0.0, 1.0) == pytest.approx(111_195.08, abs=0.01)


def test_hangzhou_west_lake_to_shanghai_peoples_square():
    # West Lake (30.2460 N, 120.1490 E) to People's Square (31.2304 N, 121.4737 E): about 166 km straight.
    d = geo.haversine_m(30.2460, 120.1490, 31.2304, 121.4737)
    assert 164_000 < d < 170_000


def test_distance_basics():
    assert geo.haversine_m(28.85, 120.73, 28.85, 120.73) == 0.0
    assert geo.haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_M)
    assert geo.haversine_m(30, 120, 31, 121) == geo.haversine_m(31, 121, 30, 120)


# --- Search boxes --------------------------------------------------------------------------------------

@given(lat=st.floats(-80, 80), lon=st.floats(-170, 170), radius=st.floats(1, 500_000),
       bearing=st.floats(0, 2 * math.pi), fraction=st.floats(0, 1))
def test_bbox_never_drops_a_point_within_the_radius(lat, lon, radius, bearing, fraction):
    # Walk `fraction × radius` from the centre along a great circle; the point must be inside the box.
    delta = fraction * radius / geo.EARTH_RADIUS_M
    phi1, lmb1 = math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(bearing))
    lmb2 = lmb1 + math.atan2(math.sin(bearing) * math.sin(delta) * math.cos(phi1),
                             math.cos(delta) - math.sin(phi1) * math.sin(phi2))
    p_lat, p_lon = math.degrees(phi2), (math.degrees(lmb2) + 540) % 360 - 180
    box = geo.bbox_around(lat, lon, radius)
    if geo.haversine_m(lat, lon, p_lat, p_lon) <= radius:
        assert geo.point_in_bounds(p_lat, p_lon, box)


def test_bbox_is_tight_in_china_and_degrades_gracefully_elsewhere():
    box = geo.bbox_around(30.25, 120.16, 1000)
    assert box.max_lat - box.min_lat == pytest.approx(2 * 1000 / 111_195.08, rel=1e-6)
    assert (box.max_lon - box.min_lon) == pytest.approx(2 * 1000 / (111_195.08 * math.cos(math.radians(30.25))),
                                                        rel=1e-3)
    # near a pole or across the antimeridian: every longitude, no crash
    assert geo.bbox_around(89.99, 0, 5000)[2:] == (-180.0, 180.0)
    assert geo.bbox_around(0, 179.99, 5000)[2:] == (-180.0, 180.0)
    assert geo.bbox_around(10, 10, 3e7) == (-90.0, 90.0, -180.0, 180.0)
    with pytest.raises(geo.GeoError):
        geo.bbox_around(30, 120, -1)


# --- Validation and region boxes ---------------------------------------------------------------------

@pytest.mark.parametrize(("lat", "lon", "field", "message"), [
    (91, 120, "lat", "纬度必须在 -90 到 90 之间"),
    (30, -180.5, "lon", "经度必须在 -180 到 180 之间"),
    ("abc", 120, "lat", "纬度必须是数字"),
    (30, "", "lon", "经度不能为空"),
    (float("nan"), 120, "lat", "有限数值"),
    (30, float("inf"), "lon", "有限数值"),
    (None, 120, "lat", "纬度必须是数字"),
    (True, 120, "lat", "纬度必须是数字"),
])
def test_bad_points_are_refused_with_chinese_messages(lat, lon, field, message):
    with pytest.raises(geo.GeoError, match=message) as caught:
        geo.validate_point(lat, lon)
    assert caught.value.field == field


def test_good_points_come_back_as_floats():
    assert geo.validate_point("28.85", " 120.73 ") == (28.85, 120.73)
    assert geo.validate_point(-90, 180) == (-90.0, 180.0)


def test_region_boxes_cover_zhejiang_and_the_27_bank_cities():
    table = geo.load_region_bounds()
    zhejiang = {"330100", "330200", "330300", "330400", "330500", "330600", "330700", "330800", "330900",
                "331000", "331100"}
    assert zhejiang <= set(table)
    assert len(set(table) - {"330000"}) == 27
    for box in table.values():
        assert box.min_lat < box.max_lat and box.min_lon < box.max_lon


def test_a_county_falls_back_to_its_prefecture_and_a_district_to_its_municipality():
    xianju = geo.bounds_for_region("331024")
    assert xianju == geo.load_region_bounds()["331000"]
    assert geo.point_in_bounds(28.85, 120.73, xianju)  # 仙居县城
    assert geo.bounds_for_region("110105") == geo.load_region_bounds()["110000"]
    assert geo.bounds_for_region("650100") is None  # 乌鲁木齐: no box, so no check
    assert geo.bounds_for_region("33") is None


def test_import_rule_point_must_lie_inside_its_region():
    assert geo.check_point_in_region("28.85", "120.73", "331024") == (28.85, 120.73)
    with pytest.raises(geo.GeoError, match="不在行政区划 331024 的范围内"):
        geo.check_point_in_region(30.25, 120.16, "331024")  # a Hangzhou point filed under 仙居县
    with pytest.raises(geo.GeoError, match="纬度必须在"):
        geo.check_point_in_region(120.73, 28.85, "331024")  # lat and lon swapped
    assert geo.check_point_in_region(43.8, 87.6, "650100") == (43.8, 87.6)  # no box known: range check only
