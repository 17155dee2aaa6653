"""The profile page, its one-page PDF and ``GET /api/v1/people/{id}/profile`` (SPEC §2.5): what each role sees,
explanations of every score, and a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import VISIBLE_PEOPLE
from tests.talent import profile_data
from workerhub.talent.services import profiles

ROLES = list(VISIBLE_PEOPLE)


@pytest.fixture
def computed(world):
    cast = profile_data.build(world)
    profiles.recompute_profiles(as_of=profile_data.AS_OF)
    return cast


# Whose profile each role may open (talent/permissions.py, Profile "view"): federations in their region, the
# enterprise union for its own workers (王西湖 and 甲/丁 work for 西湖数据科技), a worker only themself.
@pytest.mark.parametrize("role", ROLES)
def test_profile_page_and_api_follow_the_region_scope(world, computed, role):
    client = world.client(role)
    people = {"xihu": world.people["xihu"], "shangcheng": world.people["shangcheng"], "ningbo": world.people["ningbo"],
              "huzhou_emp": world.people["huzhou_emp"]}
    for key, person in people.items():
        page = client.get(f"/talent/people/{person.pk}/profile/")
        api = client.get(f"/api/v1/people/{person.pk}/profile")
        pdf = client.get(f"/talent/people/{person.pk}/profile.pdf")
        if role is None:
            assert page.status_code == 302 and api.status_code == 401
            continue
        visible = key in VISIBLE_PEOPLE[role]
        assert page.status_code == (200 if visible else 404), (role, key)
        assert api.status_code == (200 if visible else 404), (role, key)
        assert pdf.status_code == (200 if visible else 404), (role, key)


def test_api_answers_in_the_fixed_shape(world, computed):
    a = computed.a
    got = world.client("hangzhou").get(f"/api/v1/people/{a.pk}/profile").json()
    assert got["person"] == a.pk
    assert got["peer_group"] == {"region": "330100", "occupation_group": "电工"}
    # worked out in tests/talent/test_profiles.py
    assert got["dimensions"] == {"skill": 75, "honours": 100, "innovation": 100, "mentoring": 100, "service": 0,
                                 "growth": 75}
    assert got["tags"] == ["带徒能手", "创新领衔人"]
    assert set(got["explanations"]) == {"skill", "honours", "innovation", "mentoring", "service", "growth"}
    assert "最高持有三级/高级工证书" in got["explanations"]["skill"]
    assert "带徒 6 人,其中 5 人达成目标" in got["explanations"]["mentoring"]
    assert "在 5 名同类人员中得 75 分" in got["explanations"]["skill"]
    assert got["computed_at"]


def test_person_without_profile_is_a_clear_404(world):
    # Nothing computed yet: the page says so, the API answers not_computed.
    client = world.client("xihu")
    pk = world.people["xihu"].pk
    page = client.get(f"/talent/people/{pk}/profile/")
    assert page.status_code == 200 and "尚未计算此人的精准画像" in page.content.decode()
    api = client.get(f"/api/v1/people/{pk}/profile")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_computed"


def test_profile_page_explains_every_score(world, computed):
    html = world.client("xihu").get(f"/talent/people/{computed.a.pk}/profile/").content.decode()
    for label in ("技能", "荣誉", "创新", "带徒", "服务企业", "成长"):
        assert f"<th scope=\"row\">{label}</th>" in html
    assert "荣誉自撤销之日起不再计分" in html
    assert "round(100 × (名次 - 1) / (人数 - 1))" in html  # the formula is on the page
    assert "需求库(SPEC §4.3)尚未上线" in html  # 攻关能手: defined, no data yet
    assert 'data-talent-chart="radar"' in html and 'id="radar-data"' in html
    assert "杭州市 · 电工(5 人)" in html


def test_profile_pdf_is_one_page(world, computed):
    response = world.client("xihu").get(f"/talent/people/{computed.a.pk}/profile.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF") and body.count(b"/Type /Page\n") + body.count(b"/Type /Page>>") <= 1
    assert b"/Count 1" in body


def test_profile_page_query_count_does_not_grow_with_records(world, computed):
    client = world.client("province")

    def count(pk):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/talent/people/{pk}/profile/").status_code == 200
        return len(ctx.captured_queries)

    # 甲 has certificates, honours, studios and six apprentices; 王西湖 has no records at all.
    assert count(computed.a.pk) == count(world.people["xihu"].pk)


def test_growth_explanation_counts_the_levels_climbed(world, computed):
    # 甲: 四级 held in 2019, 三级 since 2022 → one level; 浙江工匠 in 2023 → one honour (test_profiles.py)
    got = world.client("xihu").get(f"/api/v1/people/{computed.a.pk}/profile").json()
    assert got["explanations"]["growth"].startswith("近 5 年技能等级提升 1 级,获得荣誉 1 项,原始分 15")
