"""No station page's query count grows with the rows on it (SPEC §8.1); the counts are kept in
query_counts.json so that a change which adds queries shows up in review.

The nearest-station search is the exception by design: it runs one box query per search round, and the
number of rounds depends on how densely stations lie around the point, not on how many it lists. Its
recorded figure is the upper bound seen here (a sparse cast needs more rounds than a dense one)."""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workerhub.core.models import Region
from workerhub.stations import services

EXPECTED = json.loads((Path(__file__).parent / "query_counts.json").read_text())


def pages(sw):
    code = sw.stations["xihu"].code
    return {
        "finder": (None, "/stations/?lat=30.25&lon=120.16&amenity=water"),
        "detail_public": (None, f"/stations/{code}/"),
        "detail_officer": ("hangzhou", f"/stations/{code}/"),
        "register": ("hangzhou", "/stations/manage/?page_size=200"),
        "network": ("hangzhou", "/stations/network/"),
        "api_nearest": (None, "/api/v1/stations/nearest?lat=30.25&lon=120.16&limit=100"),
        "api_list_public": (None, "/api/v1/stations?page_size=200"),
        "api_list_managed": ("hangzhou", "/api/v1/stations?page_size=200"),
    }


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_query_count_is_constant_and_as_recorded(sw, name):
    role, url = pages(sw)[name]
    client = sw.client(role)
    client.get(url)  # warm per-process caches (content types, city centres)
    before = count(client, url)
    region = Region.objects.get(code="330106")
    for i in range(30):
        services.create_station(actor=None, name=f"新增驿站{i}", operator=sw.orgs["xihu"], brand="union_outdoor",
                                address="浙江省杭州市西湖区", region=region, lat=30.26 + i / 1000, lon=120.14,
                                hours="每天 08:00-18:00", amenities="water;seats")
    after = count(client, url)
    if name in ("finder", "api_nearest"):
        assert max(before, after) <= EXPECTED[name], f"{name}: {before} then {after} queries, more than recorded"
        return
    assert before == after, f"{name}: {before} queries with few rows, {after} with 30 more"
    assert after == EXPECTED[name], f"{name}: {after} queries, query_counts.json says {EXPECTED[name]}"
