"""The cultivation ladder (SPEC §2.6): people counted at the highest rung reached (studio member → competition
winner → craftsman county/city/province → model worker) per region, with a chart; the candidates for the next rung,
exportable; officers start the profile recompute from this page and follow its progress.

The cast is tests/talent/profile_data.py, read today (its dates are all in the past):
甲 leads a studio, won a provincial contest and holds 浙江工匠 (provincial craftsman) → 省级及以上工匠;
乙 is a studio member placed 2nd in a city contest, with a 全国五一劳动奖章 nominee award (no rung) → 竞赛获奖;
丙 5th at an enterprise contest, his 杭州工匠 revoked in 2023 → none; 丁 西湖工匠 (county) → 县级工匠;
戊 studio member, her 杭州工匠 revoked on 2024-09-01 → 工作室成员; 辛 (Ningbo) leads a studio → 工作室成员;
庚 is given 杭州市劳动模范 here → 劳动模范; 己 and the world's people stand on no rung."""

import io
from datetime import date

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.conftest import VISIBLE_PEOPLE
from tests.talent import profile_data
from workerhub.core.models import AuditEntry, Job
from workerhub.talent.services import profiles

ROLES = list(VISIBLE_PEOPLE)
FEDERATIONS = {"province", "hangzhou", "xihu", "ningbo"}


@pytest.fixture
def cast(world):
    c = profile_data.build(world)
    model = profile_data.honour("t_model", "杭州市劳动模范", "city")
    profile_data.conferred(model, c.g, 2020, date(2020, 4, 28))
    return c


def rows_of(response) -> dict:
    return {row["name"]: row["counts"] for row in response.context["counts"]["rows"]}


def test_province_counts_per_city(world, cast):
    response = world.client("province").get(reverse("talent:ladder"))
    assert response.status_code == 200
    # columns: 工作室成员, 竞赛获奖, 县级工匠, 市级工匠, 省级及以上工匠, 劳动模范
    assert rows_of(response) == {"杭州市": [1, 1, 1, 0, 1, 1], "宁波市": [1, 0, 0, 0, 0, 0]}
    assert response.context["counts"]["totals"] == [2, 1, 1, 0, 1, 1]
    html = response.content.decode()
    assert 'data-talent-chart="ladder"' in html and 'id="ladder-data"' in html


def test_city_counts_per_county(world, cast):
    response = world.client("hangzhou").get(reverse("talent:ladder"))
    assert rows_of(response) == {"上城区": [0, 1, 0, 0, 0, 0], "西湖区": [0, 0, 1, 0, 1, 0],
                                 "滨江区": [1, 0, 0, 0, 0, 0], "余杭区": [0, 0, 0, 0, 0, 1]}


def test_candidates_for_the_next_rung(world, cast):
    client = world.client("hangzhou")
    winners = client.get(reverse("talent:ladder"), {"rung": "competition"})
    assert [p.name for p, _d in winners.context["candidates"]] == ["乙电工"]
    assert winners.context["candidates"][0][1] == {"tier": "city", "honours": ["全国五一劳动奖章"]}
    members = client.get(reverse("talent:ladder"), {"rung": "studio"})
    assert [p.name for p, _d in members.context["candidates"]] == ["戊电工"]
    county = client.get(reverse("talent:ladder"), {"rung": "craftsman_county"})
    assert [p.name for p, _d in county.context["candidates"]] == ["丁电工"]


def test_region_filter_narrows_to_a_county(world, cast):
    response = world.client("hangzhou").get(reverse("talent:ladder"), {"region": "330106", "rung": "craftsman_county"})
    assert rows_of(response) == {"西湖区": [0, 0, 1, 0, 1, 0]}
    assert [p.name for p, _d in response.context["candidates"]] == ["丁电工"]


def test_candidate_export(world, cast):
    response = world.client("hangzhou").get(reverse("talent:ladder_export"), {"rung": "competition"})
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0)
    rows = list(sheet.iter_rows())
    assert rows[0][:2] == ["姓名", "地区"]
    assert [r[0] for r in rows[1:]] == ["乙电工"]
    assert rows[1][4:7] == ["竞赛获奖", "县级及以上工匠", "市级"]
    assert AuditEntry.objects.filter(action="export", object_type="talent.profile").count() == 1


# Who sees whom on the ladder: federation officers only, each within their region.
LADDER_PEOPLE = {"province": {"甲电工", "乙电工", "丁电工", "戊电工", "庚标注", "辛电工"},
                 "hangzhou": {"甲电工", "乙电工", "丁电工", "戊电工", "庚标注"},
                 "xihu": {"甲电工", "丁电工"}, "ningbo": {"辛电工"}}


@pytest.mark.parametrize("role", ROLES)
def test_ladder_scope_per_role(world, cast, role):
    client = world.client(role)
    seen = set()
    for rung in ("studio", "competition", "craftsman_county", "craftsman_city", "craftsman_province", "model_worker"):
        page = client.get(reverse("talent:ladder"), {"rung": rung})
        export = client.get(reverse("talent:ladder_export"), {"rung": rung})
        if role is None:
            assert page.status_code == 302 and export.status_code == 302
            continue
        if role not in FEDERATIONS:
            assert page.status_code == 403 and export.status_code == 403
            continue
        assert page.status_code == 200 and export.status_code == 200
        seen |= {p.name for p, _d in page.context["candidates"]}
    assert seen == LADDER_PEOPLE.get(role, set())


def test_recompute_button_starts_a_job_with_progress(world, cast, django_capture_on_commit_callbacks):
    client = world.client("hangzhou")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("talent:profiles_recompute"))
    job = Job.objects.get(kind=profiles.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("talent:profile_job", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "已计算 9 人的画像" in page.content.decode()  # Hangzhou's people (tests/talent/test_profiles.py)
    # Another city's officer does not see the job; non-officers may not start one.
    assert world.client("ningbo").get(response["Location"]).status_code == 404
    assert world.client("worker").post(reverse("talent:profiles_recompute")).status_code == 403
    assert world.client("firm_xihu").post(reverse("talent:profiles_recompute")).status_code == 403


def test_recompute_is_limited_to_the_officers_region(world, cast):
    from workerhub.core.services import ServiceError

    with pytest.raises(ServiceError, match="只能重算本地区的精准画像"):
        profiles.start_recompute(actor=world.users["hangzhou"], region="33")  # the whole province
    with pytest.raises(ServiceError):
        profiles.start_recompute(actor=world.users["ningbo"], region="3301")
    # A county officer may recompute their city: their peers are the whole city.
    assert profiles.start_recompute(actor=world.users["xihu"], region="3301").params == {"region": "3301"}
    assert Job.objects.count() == 1
