"""GET /api/v1/nominations (SPEC §2.2, fixed interface): the documented fields, the four filters, region scope per
role (same table as the pages, test_nomination_views.py), JSON errors for bad filters."""

import pytest

from tests.talent.test_nomination_views import ROLES, VISIBLE

FIELDS = {"id", "honour", "cycle", "subject", "region", "state", "publicity_start", "publicity_end", "decision_number",
          "conferred_on", "revoked_on"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_nominations(world, nomination_cast, role):
    response = world.client(role).get("/api/v1/nominations?page_size=200")
    if role is None:
        assert response.status_code == 401 and response.json()["error"]["code"]
        return
    assert response.status_code == 200
    body = response.json()
    assert {r["subject"]["name"] for r in body["results"]} == VISIBLE[role]
    assert body["count"] == len(VISIBLE[role]) and body["page"] == 1


def test_result_shape(world, nomination_cast):
    body = world.client("province").get("/api/v1/nominations?honour=nb_gangcheng_craftsman").json()
    assert set(body) == {"count", "page", "results"}
    [row] = body["results"]
    assert set(row) == FIELDS
    n = nomination_cast["conferred"]
    assert row == {
        "id": n.pk, "honour": "nb_gangcheng_craftsman", "cycle": 2024,
        "subject": {"kind": "person", "id": world.people["ningbo"].pk, "name": "张北仑"},
        "region": "330206", "state": "conferred",
        # conftest.confer: publicity from 21 days before 2024-10-25 (2024-10-04, inside National Day) for 5 working
        # days: 10-08, 10-09, 10-10, 10-11, 10-12 (the make-up Saturday) → ends 2024-10-12.
        "publicity_start": "2024-10-04", "publicity_end": "2024-10-12",
        "decision_number": n.decision_number, "conferred_on": "2024-10-25", "revoked_on": None,
    }


def test_filters(world, nomination_cast):
    client = world.client("province")

    def names(query):
        response = client.get("/api/v1/nominations?" + query)
        assert response.status_code == 200, response.content
        return {r["subject"]["name"] for r in response.json()["results"]}

    assert names("honour=hz_craftsman") == {"王西湖"}
    assert names("state=publicised") == {"王西湖"}
    assert names("state=nominated") == {"李上城"}
    assert names("cycle=2024") == {"王西湖", "李上城", "张北仑"}
    assert names("cycle=2023") == set()
    assert names("region=3301") == {"王西湖", "李上城"}
    assert names("region=330206") == {"张北仑"}
    assert names("region=3301&state=nominated&honour=hz_digital_craftsman&cycle=2024") == {"李上城"}
    row = client.get("/api/v1/nominations?honour=hz_craftsman").json()["results"][0]
    assert row["publicity_start"] == "2024-09-29" and row["decision_number"] is None


def test_bad_filters_are_json_errors(world, nomination_cast):
    client = world.client("province")
    for query in ("region=3x", "state=granted", "cycle=abc", "page_size=500"):
        response = client.get("/api/v1/nominations?" + query)
        assert response.status_code == 400 and "error" in response.json(), query
