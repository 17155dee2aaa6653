"""No page's query count grows with the rows on it (SPEC §8.1); the counts are kept in query_counts.json
so that a change which adds queries shows up in review."""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person
from workerhub.core.rules import id_check_char

EXPECTED = json.loads((Path(__file__).parent / "query_counts.json").read_text())


def pages(world):
    return {
        "home": "/",
        "person_list": "/people/?page_size=200",
        "person_list_filtered": "/people/?page_size=200&region=3301&employment_type=employee",
        "person_detail": f"/people/{world.people['shangcheng'].pk}/",
        "organisation_list": "/organisations/?page_size=200",
        "audit_list": "/audit/?page_size=200",
        "api_people": "/api/v1/people?page_size=200",
        "api_organisations": "/api/v1/organisations?page_size=200",
    }


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_query_count_is_constant_and_as_recorded(world, name):
    client = world.client("hangzhou")
    url = pages(world)[name]
    client.get(url)  # warm per-process caches (content types, permissions)
    before = count(client, url)
    firm = world.orgs["firm_shangcheng"]
    for i in range(30):
        first17 = f"33010219900101{i:03d}"
        make_person(f"新增{i}", first17 + id_check_char(first17), "330102", employer=firm)
    after = count(client, url)
    assert before == after, f"{name}: {before} queries with few rows, {after} with 30 more"
    assert after == EXPECTED[name], f"{name}: {after} queries, query_counts.json says {EXPECTED[name]}"
