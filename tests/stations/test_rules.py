"""Station rules: catalogues, the 六有 / 10+x compliance score, 15-minute coverage gaps, station codes, demo data."""

import csv
import random
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workerhub.stations import geo, rules
from workerhub.stations import hours as H

DATA = Path(rules.__file__).parent / "data"
REGIONS = Path(rules.__file__).parents[1] / "core" / "data" / "regions.csv"

TEN_BASE = {"rain_gear", "first_aid", "water", "phone_charging", "microwave", "fridge", "tables_chairs", "heating",
            "toolkit", "wifi"}
SIX_FACTS = {"unified_sign", "fixed_premises", "management_rules", "staffing", "on_map"}


# --- Catalogues ----------------------------------------------------------------------------------------

def test_catalogues_have_the_codes_the_spec_names():
    amenity_codes = set(rules.amenities())
    assert {"water", "phone_charging", "ebike_charging", "seats", "microwave", "restroom", "air_conditioning",
            "heating", "first_aid", "umbrella", "toolkit", "reading", "wifi", "fridge", "rain_gear",
            "tables_chairs"} <= amenity_codes
    assert {"financial_education", "emergency_help", "charity", "legal_aid", "psychological_help",
            "battery_swap", "youth_financial_education"} <= set(rules.services())
    labels = {label.zh for label in rules.brands().values()}
    assert {"工会户外劳动者服务站点", "温暖驿站", "农情暖域", "邮爱驿站", "爱心驿站"} <= labels
    assert rules.amenities()["water"] == rules.Label("饮用水", "Drinking water")


def test_amenities_parse_from_codes_labels_and_aliases():
    # SPEC §7.3's example asks for amenity=water,charging
    assert rules.parse_amenities("water,charging") == ("water", "phone_charging")
    assert rules.parse_amenities("饮用水;微波炉、Wi-Fi") == ("water", "microwave", "wifi")
    assert rules.parse_amenities(["wifi", "wifi", " water "]) == ("wifi", "water")
    assert rules.parse_amenities("") == ()
    with pytest.raises(rules.StationRuleError, match="未知的设施代码:sauna、jacuzzi"):
        rules.parse_amenities("water;sauna;jacuzzi")
    with pytest.raises(rules.StationRuleError, match="未知的服务代码"):
        rules.parse_services("karaoke")


# --- Compliance with the construction standard ---------------------------------------------------------

def test_a_fully_equipped_listed_station_scores_100_and_is_a_benchmark():
    score = rules.compliance(TEN_BASE, facts=SIX_FACTS)
    assert score.score == 100
    assert score.grade == "benchmark"
    assert score.failed == ()
    assert len(score.items) == 16


def test_the_weighting_by_hand():
    # 六有 50 points over 6 items, 10+x base 50 points over 10 items.
    # Base items present: water, charging, microwave, first aid → 4 × 5 = 20.
    # 六有: sign, premises, on map → 3 × 50/6 = 25 (完备设施 fails: the base is incomplete).
    score = rules.compliance({"water", "phone_charging", "microwave", "first_aid", "seats"},
                             facts={"unified_sign", "fixed_premises", "on_map"})
    assert score.score == 45
    assert score.grade == "basic"
    assert {item.code for item in score.failed} == {
        "complete_facilities", "management_rules", "staffing", "rain_gear", "fridge", "tables_chairs", "heating",
        "common_tools", "wifi"}
    assert score.extras == ("seats",)   # present but not a base item: part of the "x"


def test_alternatives_count_and_a_missing_map_listing_keeps_a_station_off_benchmark():
    # umbrellas count as rain gear, an e-bike socket as a charging socket, air-conditioning as heating
    amenities = (TEN_BASE - {"rain_gear", "phone_charging", "heating"}) | {"umbrella", "ebike_charging",
                                                                           "air_conditioning"}
    score = rules.compliance(amenities, facts=SIX_FACTS - {"on_map"}, services={"legal_aid"})
    # 100 − 50/6 = 91.67 → 92, but 标杆型 needs the whole 六有
    assert score.score == 92
    assert score.grade == "standard"
    assert [item.code for item in score.failed] == ["on_map"]
    assert "legal_aid" in score.extras


def test_nothing_scores_zero():
    score = rules.compliance(set())
    assert score.score == 0 and score.grade == "basic"


def test_a_custom_checklist_of_the_same_shape_is_honoured():
    checklist = {"sections": [{"code": "mini", "zh": "简", "weight": 10, "items": [
        {"code": "w", "zh": "水", "any_of": ["water"]}, {"code": "m", "zh": "微波", "any_of": ["microwave"]}]}],
        "grades": [{"code": "ok", "min_score": 50, "requires_sections": []}]}
    score = rules.compliance({"water"}, checklist)
    assert score.score == 50 and score.grade == "ok"


# --- Coverage gaps -------------------------------------------------------------------------------------

def test_coverage_radius_for_walking_and_e_bike():
    assert rules.coverage_radius_m(rules.WALKING_KMH) == 1250.0
    assert rules.coverage_radius_m() == 3750.0
    assert rules.coverage_radius_m(12, 10) == 2000.0
    with pytest.raises(rules.StationRuleError):
        rules.coverage_radius_m(0)


def test_a_place_two_kilometres_away_is_a_gap_on_foot_but_not_by_e_bike():
    station = (28.85, 120.73)   # 兴和门
    place = (28.85 + 2000 / 111_195.08, 120.73)   # 2 km due north
    assert rules.coverage_gaps([station], [place], speed_kmh=rules.WALKING_KMH) == [place]
    assert rules.coverage_gaps([station], [place]) == []
    assert rules.coverage_gaps([], [place]) == [place]


def test_coverage_gaps_match_a_brute_force_scan():
    rng = random.Random(15)
    box = geo.load_region_bounds()["331000"]   # 台州市
    stations = [(rng.uniform(box.min_lat, box.max_lat), rng.uniform(box.min_lon, box.max_lon)) for _ in range(150)]
    samples = rules.sample_grid(box, 4000)
    for speed in (rules.WALKING_KMH, rules.EBIKE_KMH):
        radius = rules.coverage_radius_m(speed)
        expected = [p for p in samples
                    if all(geo.haversine_m(p[0], p[1], s[0], s[1]) > radius for s in stations)]
        assert rules.coverage_gaps(stations, samples, speed_kmh=speed) == expected
        assert 0 < len(expected) < len(samples)


def test_sample_grid_spacing_and_limits():
    grid = rules.sample_grid((30.0, 30.1, 120.0, 120.1), 1000)
    assert len(grid) == 12 * 10   # 11.1 km tall → 12 rows; 9.6 km wide at 30° → 10 columns
    assert 900 < geo.haversine_m(*grid[0], *grid[1]) <= 1000       # spread evenly, never coarser than asked
    assert 900 < geo.haversine_m(*grid[0], *grid[10]) <= 1000
    assert all(geo.point_in_bounds(lat, lon, (30.0, 30.1, 120.0, 120.1)) for lat, lon in grid)
    with pytest.raises(rules.StationRuleError, match="超过上限"):
        rules.sample_grid((27, 31, 118, 123), 10)


# --- Station codes -------------------------------------------------------------------------------------

def test_station_code_format_and_check_character():
    assert rules.station_code("331024", 1) == "ZJ-331024-00001-0"
    assert rules.station_code("110000", 42).startswith("BJ-110000-00042-")
    assert rules.parse_station_code("zj-331024-00001-0") == rules.StationCode("331024", 1)
    # the check character is ISO 7064 MOD 11-2, the same as GB 11643's: 11010519491231002 → X
    assert rules._mod11_2("11010519491231002") == "X"


@pytest.mark.parametrize(("code", "message"), [
    ("ZJ-331024-00001-1", "校验位错误"),
    ("ZJ-331024-00010-0", "校验位错误"),     # a mistyped serial
    ("BJ-331024-00001-0", "省份字母"),
    ("ZJ-331024-0001-0", "格式"),
    ("ZJ-331024-00000-" + rules._mod11_2("33102400000"), "不能为 0"),
])
def test_bad_station_codes_are_refused(code, message):
    with pytest.raises(rules.StationRuleError, match=message):
        rules.parse_station_code(code)


@pytest.mark.parametrize(("region", "serial"), [("3310", 1), ("991024", 1), ("331024", 0), ("331024", 100_000),
                                                 ("331024", True)])
def test_station_code_refuses_bad_parts(region, serial):
    with pytest.raises(rules.StationRuleError):
        rules.station_code(region, serial)


@given(serial=st.integers(1, 99_999), position=st.integers(0, 10), digit=st.integers(0, 9))
def test_every_single_digit_typo_is_caught(serial, position, digit):
    code = rules.station_code("331024", serial)
    digits = code[3:9] + code[10:15]
    if digits[position] == str(digit):
        return
    typo = digits[:position] + str(digit) + digits[position + 1:]
    with pytest.raises(rules.StationRuleError):
        rules.parse_station_code(f"ZJ-{typo[:6]}-{typo[6:]}-{code[-1]}")


# --- Demo data -----------------------------------------------------------------------------------------

def _demo_rows():
    with (DATA / "demo_stations.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _regions():
    with REGIONS.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


def test_zheshang_bank_has_100_warm_stations_in_27_cities():
    # Seed: 浙商银行在全国范围内已建成100家温暖驿站,分布在深圳、广州、杭州、成都等27座城市
    bank = [row for row in _demo_rows() if row["brand"] == "czbank_warm"]
    assert rules.brands()["czbank_warm"].zh == "温暖驿站"
    assert len(bank) == 100
    cities = {row["region"] for row in bank}
    assert len(cities) == 27
    assert {"440300", "440100", "330100", "510100"} <= cities   # 深圳、广州、杭州、成都
    assert any("长兴支行" in row["name"] for row in bank)          # where the 100-station ceremony was held
    regions = _regions()
    for code in cities:   # a prefecture, or one of the four municipalities
        assert regions[code]["level"] == "prefecture" or code in {"110000", "120000", "310000", "500000"}


def test_union_stations_cover_all_11_zhejiang_cities_including_xianju_xinghemen():
    union = [row for row in _demo_rows() if row["brand"] == "union_outdoor"]
    assert len(union) >= 55
    assert {row["region"][:4] for row in union} == {"3301", "3302", "3303", "3304", "3305", "3306", "3307", "3308",
                                                     "3309", "3310", "3311"}
    xianju = next(row for row in union if row["name"] == "仙居县兴和门工会户外劳动者服务站")
    assert xianju["region"] == "331024"
    assert geo.haversine_m(float(xianju["lat"]), float(xianju["lon"]), 28.85, 120.73) < 5000
    hours = [H.parse_hours(row["hours"]) for row in union]
    assert sum(h["24h"] for h in hours) >= 3                                       # some 24-hour
    assert sum(not H.is_open(h, H.to_shanghai(datetime(2024, 3, 13, 3, 0))) for h in hours) >= 30  # closed at night
    closed = [row for row in union if row["status"] == "temporarily_closed"]
    assert len(closed) >= 2 and all(row["status_reason"] for row in closed)


def test_every_demo_row_is_valid_and_inside_its_region():
    rows = _demo_rows()
    regions = _regions()
    vocab = rules.load_catalogue("station_vocab")
    facts = set(rules.load_catalogue("standard")["facts"])
    codes = set()
    for row in rows:
        assert row["region"] in regions, row["name"]
        assert row["brand"] in rules.brands()
        geo.check_point_in_region(row["lat"], row["lon"], row["region"])
        assert geo.bounds_for_region(row["region"]) is not None
        assert rules.parse_amenities(row["amenities"])
        rules.parse_services(row["services"])
        assert H.format_hours(H.parse_hours(row["hours"])) == row["hours"]   # stored in canonical form
        assert row["status"] in vocab["statuses"] and row["access"] in vocab["access"]
        assert (row["status"] == "temporarily_closed") == bool(row["status_reason"])
        assert set(filter(None, row["facts"].split(";"))) <= facts
        assert set(filter(None, row["titles"].split(";"))) <= set(vocab["titles"])
        assert rules.parse_station_code(row["code"]).region == row["region"]
        codes.add(row["code"])
    assert len(codes) == len(rows)
    assert len({row["name"] for row in rows}) == len(rows)


def test_region_bounds_codes_are_real_and_named_as_in_regions_csv():
    regions = _regions()
    with (DATA / "region_bounds.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            assert regions[row["code"]]["name"] == row["name"]


@given(serial=st.integers(1, 99_999), position=st.integers(0, 9))
def test_every_swap_of_two_adjacent_digits_is_caught(serial, position):
    code = rules.station_code("331024", serial)
    digits = code[3:9] + code[10:15]
    if digits[position] == digits[position + 1]:
        return
    swapped = digits[:position] + digits[position + 1] + digits[position] + digits[position + 2:]
    with pytest.raises(rules.StationRuleError):
        rules.parse_station_code(f"ZJ-{swapped[:6]}-{swapped[6:]}-{code[-1]}")
