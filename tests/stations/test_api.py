"""The station API (SPEC §7.3, §1.6): the public nearest-station search with open-now across midnight, holidays
and 24-hour stations (Asia/Shanghai), its 400s for bad input, and the station list — public for everyone,
scoped for the officers who manage stations."""

import pytest
from django.test import Client

from tests.stations.conftest import MANAGED, NAMES, PUBLIC
from workerhub.core.models import ApiToken

NEAREST = "/api/v1/stations/nearest?lat=30.25&lon=120.16&limit=10"


def nearest(query: str = "", client=None):
    response = (client or Client()).get(NEAREST + query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def keys(results, sw):
    by_id = {s.pk: k for k, s in sw.stations.items()}
    return [by_id[r["id"]] for r in results]


def test_nearest_has_the_fixed_fields_in_distance_order(sw):
    results = nearest()
    assert keys(results, sw) == ["paused", "xihu", "bank", "xianju", "beilun"]
    first = results[1]
    assert {"id", "name", "distance_m", "lat", "lon", "open_now", "amenities", "address"} <= set(first)
    assert (first["name"], first["distance_m"], first["lat"], first["lon"]) == (NAMES["xihu"], 4020, 30.279, 120.135)
    assert first["amenities"] == ["water", "phone_charging", "seats", "microwave", "restroom"]
    assert [r["distance_m"] for r in results] == [1041, 4020, 4862, 165148, 167210]


def test_the_spec_example_query(sw):
    # SPEC §7.3: amenity=water,charging (charging = phone charging), open now at noon on 2024-03-13 (a Wednesday).
    results = nearest("&amenity=water,charging&open_now=1&at=2024-03-13T12:00")
    assert keys(results, sw) == ["xihu", "bank", "xianju"]
    assert all(r["open_now"] for r in results)


@pytest.mark.parametrize("at, expected", [
    ("2024-03-13T12:00", ["xihu", "bank", "xianju", "beilun"]),   # a Wednesday noon: everyone but the paused one
    ("2024-03-13T04:00:00+00:00", ["xihu", "bank", "xianju", "beilun"]),  # the same moment given in UTC
    ("2024-03-13T23:30", ["xihu", "beilun"]),                     # 北仑 is open 06:00 to 01:00 the next day
    ("2024-03-14T00:30", ["xihu", "beilun"]),                     # ... still open after midnight
    ("2024-03-14T01:00", ["xihu"]),                               # ... and closed at 01:00 sharp
    ("2024-03-14T05:45", ["xihu", "xianju"]),                     # 仙居 opens at 05:30, 北仑 at 06:00
    ("2024-10-01T12:00", ["xihu", "xianju", "beilun"]),           # National Day: the bank closes on holidays
    ("2024-09-29T10:00", ["xihu", "bank", "xianju", "beilun"]),   # a Sunday made a working day: the bank opens
    ("2024-09-28T10:00", ["xihu", "xianju", "beilun"]),           # an ordinary Saturday: the bank is shut
    ("2024-03-16T03:00", ["xihu"]),                               # 3 a.m.: only the 24-hour station
])
def test_open_now_across_midnight_holidays_and_24_hours(sw, at, expected):
    assert keys(nearest(f"&open_now=1&at={at.replace('+', '%2B')}"), sw) == expected


def test_a_year_without_holiday_data_makes_open_now_unknown_not_wrong(sw):
    # chinese_calendar 1.11 knows 2004–2026. The bank closes on holidays, so in 2031 nobody can say.
    results = nearest("&at=2031-03-12T12:00")
    bank = next(r for r in results if r["id"] == sw.stations["bank"].pk)
    assert bank["open_now"] is None and bank["hours_today"] is None
    assert "bank" not in keys(nearest("&open_now=1&at=2031-03-12T12:00"), sw)
    assert "xihu" in keys(nearest("&open_now=1&at=2031-03-12T12:00"), sw)  # holidays "open": still known


def test_hours_today_follow_the_day_of_at(sw):
    by_key = dict(zip(keys(results := nearest("&at=2024-10-01T08:00"), sw), results, strict=True))
    assert by_key["bank"]["hours_today"] == "休息" and by_key["beilun"]["hours_today"] == "06:00-次日01:00"
    assert by_key["xihu"]["hours_today"] == "00:00-24:00"


@pytest.mark.parametrize("query, field", [
    ("lat=abc&lon=120", "lat"), ("lat=91&lon=120", "lat"), ("lat=-90.5&lon=120", "lat"), ("lat=30&lon=181", "lon"),
    ("lat=30&lon=abc", "lon"), ("lon=120", "lat"), ("lat=30", "lon"), ("lat=nan&lon=120", "lat"),
    ("lat=30&lon=120&amenity=water,teleporter", "amenity"), ("lat=30&lon=120&limit=101", "limit"),
    ("lat=30&lon=120&limit=0", "limit"), ("lat=30&lon=120&limit=ten", "limit"),
    ("lat=30&lon=120&at=yesterday", "at"), ("lat=30&lon=120&at=2024-13-01T00:00", "at"),
    ("lat=30&lon=120&open_now=maybe", "open_now"), ("lat=30&lon=120&at=9999-12-31T23:59:59-14:00", "at"),
    ("lat=30&lon=120&at=0001-01-01T00:00", "at"), ("lat=1e999&lon=120", "lat"), ("lat=30&lon=-inf", "lon"),
])
def test_bad_input_is_a_400_naming_the_field(db, query, field):
    response = Client().get(f"/api/v1/stations/nearest?{query}")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert error["message"]


def test_unknown_amenity_codes_are_named_in_the_message(db):
    error = Client().get("/api/v1/stations/nearest?lat=30&lon=120&amenity=water,sauna,spa").json()["error"]
    assert "sauna" in error["fields"]["amenity"] and "spa" in error["fields"]["amenity"]


def test_limit_cuts_the_list(sw):
    assert keys(nearest("&limit=2"), sw) == ["paused", "xihu"]


# --- The station list ---------------------------------------------------------------------------------------

def names(body) -> set[str]:
    return {key for key, name in NAMES.items() if name in {r["name"] for r in body["results"]}}


@pytest.mark.parametrize("role", list(MANAGED))
def test_the_list_is_public_and_scoped_for_the_managers(sw, role):
    body = sw.client(role).get("/api/v1/stations?page_size=200").json()
    manager = role in ("province", "hangzhou", "xihu", "ningbo", "xianju_keeper")
    assert names(body) == (MANAGED[role] if manager else PUBLIC)
    assert body["count"] == len(names(body)) and body["page"] == 1
    row = body["results"][0]
    assert {"id", "name", "lat", "lon", "region", "amenities", "brand", "status"} <= set(row)
    assert (row["operator"] is not None) == manager
    public = sw.client(role).get("/api/v1/stations?view=public&page_size=200").json()
    assert names(public) == PUBLIC


def test_the_managed_view_needs_a_login(sw):
    response = Client().get("/api/v1/stations?view=managed")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_a_personal_token_gets_the_managed_view(sw):
    _row, token = ApiToken.issue(sw.users["ningbo"], "test")
    body = Client().get("/api/v1/stations", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert names(body) == {"beilun"}
    # A wrong token on a public endpoint is simply anonymous.
    assert names(Client().get("/api/v1/stations", HTTP_AUTHORIZATION="Bearer nope").json()) == PUBLIC


@pytest.mark.parametrize("query, expected", [
    ("amenity=ebike_charging", {"xianju", "beilun"}), ("amenity=water,charging", {"xianju", "xihu", "bank", "paused"}),
    ("region=3301", {"xihu", "bank", "paused"}), ("region=331024", {"xianju"}), ("brand=czbank_warm", {"bank"}),
    ("status=temporarily_closed", {"paused"}), ("q=仙居", {"xianju"}), ("q=ZJ-331024-00001-0", {"xianju"}),
])
def test_list_filters(sw, query, expected):
    assert names(Client().get(f"/api/v1/stations?{query}").json()) == expected


@pytest.mark.parametrize("query", ["page=0", "page_size=201", "region=3", "amenity=sauna", "status=gone", "view=all"])
def test_list_bad_filters_are_400(sw, query):
    response = Client().get(f"/api/v1/stations?{query}")
    assert response.status_code == 400 and response.json()["error"]["fields"]


def test_station_detail_is_public_except_closed_ones(sw):
    closed = sw.stations["closed"].code
    assert Client().get(f"/api/v1/stations/{sw.stations['xianju'].code}").json()["name"] == NAMES["xianju"]
    assert Client().get(f"/api/v1/stations/{closed}").status_code == 404
    assert sw.client("xihu").get(f"/api/v1/stations/{closed}").json()["status"] == "closed"
    assert sw.client("ningbo").get(f"/api/v1/stations/{closed}").status_code == 404


def test_the_openapi_document_lists_the_station_endpoints(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/stations/nearest", "/api/v1/stations", "/api/v1/stations/{code}"} <= set(paths)
