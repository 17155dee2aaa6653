"""The JSON API (SPEC §1.6): health, OpenAPI, JSON errors, pagination, session and token auth."""

import pytest
from django.test import Client

from workerhub.core.models import ApiToken, AuditEntry, Person


def test_healthz_is_public_and_checks_the_database(db):
    assert Client().get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_openapi_document_and_docs_are_served(db):
    doc = Client().get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/people", "/api/v1/organisations"} <= set(doc["paths"])
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_people_fields_are_the_fixed_interface(world):
    row = world.client("hangzhou").get("/api/v1/people?region=330106").json()["results"][0]
    assert {"id", "name", "region", "id_number", "phone", "employer"} <= set(row)
    assert row["region"] == "330106" and row["employer"]["name"] == "西湖数据科技有限公司"


def test_pagination_counts_and_pages(world):
    client = world.client("province")
    first = client.get("/api/v1/people?page_size=2").json()
    third = client.get("/api/v1/people?page_size=2&page=3").json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["page"] == 1
    assert len(third["results"]) == 1


@pytest.mark.parametrize("query", ["page=0", "page_size=201", "page=abc", "region=3", "region=33xx",
                                   "employment_type=boss", "q=" + "长" * 101])
def test_bad_query_parameters_give_a_json_400(world, query):
    response = world.client("hangzhou").get(f"/api/v1/people?{query}")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid" and body["message"] and body["fields"]


def test_region_filter_accepts_a_prefix(world):
    names = {r["name"] for r in world.client("province").get("/api/v1/people?region=3305").json()["results"]}
    assert names == {"赵灵活", "钱湖州"}


def test_create_person_through_the_api_validates_and_audits(world):
    client = world.client("hangzhou")
    bad = client.post("/api/v1/people", {"name": "新人", "id_number": "330106199201013335", "region": "330106"},
                      content_type="application/json")
    assert bad.status_code == 400 and "校验位" in bad.json()["error"]["fields"]["id_number"]
    good = client.post("/api/v1/people", {"name": "新人", "id_number": "330106199201013336", "region": "330106",
                                          "phone": "13812340001"}, content_type="application/json")
    assert good.status_code == 201 and good.json()["id_number"] == "330106********3336"
    assert AuditEntry.objects.filter(action="create", object_repr="新人").exists()
    dup = client.post("/api/v1/people", {"name": "新人", "id_number": "330106199201013336", "region": "330106"},
                      content_type="application/json")
    assert dup.status_code == 400 and Person.objects.filter(name="新人").count() == 1


def test_malformed_json_body_is_a_400_not_a_500(world):
    response = world.client("hangzhou").post("/api/v1/people", "{not json", content_type="application/json")
    assert response.status_code == 400 and "error" in response.json()


def test_personal_token_authenticates_and_a_wrong_one_does_not(world):
    _row, token = ApiToken.issue(world.users["xihu"], "对接")
    ok = Client().get("/api/v1/people", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and [r["name"] for r in ok.json()["results"]] == ["王西湖"]
    wrong = Client().get("/api/v1/people", headers={"Authorization": f"Bearer {token}x"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthenticated"


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["hangzhou"])
    response = client.post("/api/v1/people", {"name": "新人", "id_number": "330106199201013336",
                                              "region": "330106"}, content_type="application/json")
    assert response.status_code in (401, 403) and not Person.objects.filter(name="新人").exists()


def test_token_page_shows_a_new_token_once(world):
    client = world.client("hangzhou")
    response = client.post("/accounts/tokens/", {"name": "财务系统"})
    token = response.context["new_token"]
    assert token.startswith("wh_") and token in response.content.decode()
    again = client.get("/accounts/tokens/").content.decode()
    assert token not in again and "财务系统" in again
