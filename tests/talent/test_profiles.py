"""Precise profiles (SPEC §2.5): six dimensions computed from records as percentiles among peers of the same city
and occupation group, with tags by rule — checked against percentiles worked out by hand below.

Percentile: score = round(100 × (rank − 1) / (n − 1)), rank from the lowest raw value, ties sharing the lowest rank
(so rank − 1 = how many peers have a strictly smaller value), 0 when alone. The data set is tests/talent/
profile_data.py; each test's comment derives the raw values from its records."""

from datetime import date

import pytest

from tests.talent import profile_data
from workerhub.core.models import AuditEntry, Job
from workerhub.talent import rules_profile
from workerhub.talent.models import Profile
from workerhub.talent.services import profiles

DIMS = ("skill", "honours", "innovation", "mentoring", "service", "growth")


@pytest.fixture
def cast(world):
    return profile_data.build(world)


@pytest.fixture
def computed(cast):
    profiles.recompute_profiles(as_of=profile_data.AS_OF)
    return cast


def scores(person) -> dict:
    p = Profile.objects.get(person=person)
    return {d: getattr(p, d) for d in DIMS}


def test_peer_group_is_the_city_and_the_normalised_occupation(computed):
    c = computed
    # 甲 stated " 电工 " (spaces trimmed); 己 stated 数据标注员, a 工种 of 人工智能训练师; 庚 stated nothing and his best
    # certificate (三级 数据标注员, better than his 五级 电工) decides; 辛 is in Ningbo; the world's people have no
    # occupation and no certificate: 其他.
    groups = {p.person_id: (p.region_id, p.occupation_group) for p in Profile.objects.all()}
    assert groups[c.a.pk] == ("330100", "电工")
    assert groups[c.e.pk] == ("330100", "电工")
    assert groups[c.f.pk] == ("330100", "人工智能训练师")
    assert groups[c.g.pk] == ("330100", "人工智能训练师")
    assert groups[c.h.pk] == ("330200", "电工")
    assert groups[c.apprentices[0].pk] == ("330200", "学徒工")


def test_every_person_gets_a_profile(computed, world):
    # 5 world people + 8 of the cast + 6 apprentices
    assert Profile.objects.count() == 19


def test_skill_percentiles_among_the_five_hangzhou_electricians(computed):
    c = computed
    # raw = 10 × (6 − best valid level) + top-3 placings by tier (city 3):
    # 甲 三级 → 30 (his provincial first place of 2024-08 is after the date); 乙 五级 10 + city 2nd 3 → 13;
    # 丙 his 二级 is issued after the date, 5th place is no placing → 0; 丁 四级 20 (his 三级 was revoked);
    # 戊 一级 → 50. Order 丙 0 < 乙 13 < 丁 20 < 甲 30 < 戊 50, n = 5: 0, 25, 50, 75, 100.
    assert [scores(p)["skill"] for p in (c.c, c.b, c.d, c.a, c.e)] == [0, 25, 50, 75, 100]


def test_honours_weighted_by_level_nominee_half_and_revocation_dated(computed):
    c = computed
    # 甲 provincial 8; 乙 national nominee 10/2 = 5; 丙 city revoked 2023-03-01 → 0 (and a publicised nomination
    # counts nothing); 丁 county 4 + enterprise 2 = 6; 戊 city 6, revoked only on 2024-09-01.
    # Values 丙 0, 乙 5, 丁 6, 戊 6, 甲 8: 丁 and 戊 tie on rank 3 → (3 − 1) / 4 = 50.
    assert {n: scores(p)["honours"] for n, p in zip("abcde", (c.a, c.b, c.c, c.d, c.e))} == {
        "a": 100, "b": 25, "c": 0, "d": 50, "e": 50}
    raw = Profile.objects.get(person=c.e).raw
    assert raw["metrics"]["honour_points"] == 6 and raw["metrics"]["honours"] == 1


def test_a_revoked_honour_stops_counting_from_its_revocation_date(cast):
    # On 2024-12-31 戊's city honour (revoked 2024-09-01) no longer counts: 戊 0 ties with 丙 0.
    profiles.recompute_profiles(as_of=date(2024, 12, 31))
    assert Profile.objects.get(person=cast.e).raw["values"].get("honours", 0) == 0  # zeros are not stored
    assert scores(cast.e)["honours"] == 0


def test_innovation_mentoring_and_service(computed):
    c = computed
    # innovation (studios as the interim measure): 甲 leads one (3) and joins one (1) = 4; 乙 joins one = 1;
    # 戊 joins two = 2; 丙 丁 0 → below-counts 甲 4, 戊 3, 乙 2 → 100, 75, 50.
    assert [scores(p)["innovation"] for p in (c.a, c.e, c.b, c.c, c.d)] == [100, 75, 50, 0, 0]
    # mentoring: 甲 6 apprentices + 2 × 5 achieved = 16; 乙 1 → 100 and 75; the rest 0.
    assert [scores(p)["mentoring"] for p in (c.a, c.b, c.c, c.d, c.e)] == [100, 75, 0, 0, 0]
    # service: visits after 2021-06-30: 丙 2 (his 2020 visit is too old), 丁 1; a care event is no visit.
    assert [scores(p)["service"] for p in (c.c, c.d, c.a, c.b, c.e)] == [100, 75, 0, 0, 0]


def test_growth_levels_climbed_and_honours_in_five_years(computed):
    c = computed
    # since 2019-06-30: 甲 四级 → 三级 = 1 level (10) + provincial 2023 (5) = 15; 乙 none → 五级 = 1 level (10) +
    # nominee 2020 (5) = 15; 丙 0; 丁 四级 → 四级 (三级 revoked) 0 + county 2022 (5) = 5; 戊 一级 since 2010: 0.
    # Values 0, 0, 5, 15, 15 → 丙 戊 0, 丁 50, 甲 乙 75.
    assert [scores(p)["growth"] for p in (c.c, c.e, c.d, c.a, c.b)] == [0, 0, 50, 75, 75]


def test_small_groups(computed):
    c = computed
    # Two annotators: skill 己 四级 20 < 庚 三级 30 → 0 and 100; growth both climbed 2 levels (20) → tie → 0.
    assert scores(c.f)["skill"] == 0 and scores(c.g)["skill"] == 100
    assert scores(c.f)["growth"] == 0 and scores(c.g)["growth"] == 0
    # 辛 is the only Ningbo electrician: 0 everywhere although he holds 一级 and leads a studio.
    assert scores(c.h) == dict.fromkeys(DIMS, 0)
    assert Profile.objects.get(person=c.h).raw["values"]["skill"] == 50


def test_tags_by_rule(computed):
    c = computed
    tags = {p.person_id: p.tags for p in Profile.objects.all()}
    assert tags[c.a.pk] == ["带徒能手", "创新领衔人"]  # 5 apprentices reached their goal; leads a studio
    assert tags[c.e.pk] == ["数字工匠", "高技能人才"]  # 一级 数据标注员, a digital occupation
    assert tags[c.b.pk] == ["竞赛能手"]
    assert tags[c.c.pk] == []  # 2 visits: 助企先锋 needs 5
    assert tags[c.f.pk] == ["数字工匠"]
    # 攻关能手 is defined but has no data until the problem library exists
    assert not any("攻关能手" in t for t in tags.values())
    assert rules_profile.tags_for({"problems_solved": 3}) == ["攻关能手"]


def test_recompute_is_idempotent_and_reports_progress_per_chunk(computed, world):
    before = {p.person_id: (p.skill, p.honours, p.tags) for p in Profile.objects.all()}
    seen = []
    result = profiles.recompute_profiles(as_of=profile_data.AS_OF, chunk_people=1,
                                         progress=lambda done, total: seen.append((done, total)))
    assert {p.person_id: (p.skill, p.honours, p.tags) for p in Profile.objects.all()} == before
    # chunk_people=1 → one chunk per city: Hangzhou 330100, Huzhou 330500, Ningbo 330200.
    assert result.chunks == 3 and result.people == 19
    assert seen[0] == (0, 19) and seen[-1] == (19, 19) and len(seen) == 4
    assert AuditEntry.objects.filter(object_type="talent.profile").count() == 2


def test_recompute_of_one_city_leaves_the_others(computed):
    Profile.objects.filter(person=computed.h).update(skill=77)
    result = profiles.recompute_profiles(as_of=profile_data.AS_OF, region="330106")  # Xihu widens to Hangzhou
    assert result.people == 9  # 5 electricians, 2 annotators and the world's 王西湖 and 李上城 (Hangzhou)
    assert Profile.objects.get(person=computed.h).skill == 77


def test_background_job_records_progress(cast, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # enqueued on commit; test settings run it at once
        job = profiles.start_recompute(actor=world.users["hangzhou"])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.done == job.total == job.result["people"] == 9  # Hangzhou's people (see the test above)
    assert job.params == {"region": "330100"}


def test_percentile_formula():
    # 0, 0, 3, 5, 5 → below-counts 0, 0, 2, 3, 3 of n − 1 = 4 → 0, 0, 50, 75, 75 (printed on the page)
    assert [rules_profile.percentile_score(b, 5) for b in (0, 0, 2, 3, 3)] == [0, 0, 50, 75, 75]
    assert rules_profile.percentile_score(0, 1) == 0
    assert rules_profile.percentile_score(1, 9) == 13  # 12.5 rounds half up
    assert rules_profile.percentile_score(1, 4) == 33  # 33.3


def test_cli_recompute_profiles(cast):
    import io
    import json

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("talent", "recompute-profiles", "--as-of", "2024-06-30", "--json", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue()) == {"people": 19, "chunks": 1, "as_of": "2024-06-30",
                                          "summary": "已计算 19 人的画像"}
    assert scores(cast.e)["skill"] == 100
    with pytest.raises(CommandError) as bad:
        call_command("talent", "recompute-profiles", "--as-of", "30/06/2024", stdout=io.StringIO())
    assert bad.value.returncode == 2 and "YYYY-MM-DD" in str(bad.value)
    with pytest.raises(CommandError) as unknown:
        call_command("talent", "recompute-profiles", "--region", "9901", stdout=io.StringIO(), stderr=io.StringIO())
    assert unknown.value.returncode == 2 and "没有这个行政区划" in str(unknown.value)


def test_a_rerun_rewrites_only_the_profiles_that_changed(computed):
    from workerhub.talent.models import TimelineEvent

    c = computed
    before = {p.person_id: p.computed_at for p in Profile.objects.all()}
    TimelineEvent.objects.create(person=c.a, region_id="330106", kind="visit", on=date(2024, 5, 1), title="助企服务")
    profiles.recompute_profiles(as_of=profile_data.AS_OF)
    after = {p.person_id: p.computed_at for p in Profile.objects.all()}
    # 甲 now has one visit; among the electricians' service values (甲 1, 乙 0, 丙 2, 丁 1, 戊 0) 丁 drops from 75 to
    # 50 (two peers below him, not three); 乙's and 戊's figures are unchanged, so their rows are not rewritten.
    assert scores(c.a)["service"] == 50 and scores(c.d)["service"] == 50
    assert after[c.a.pk] > before[c.a.pk] and after[c.d.pk] > before[c.d.pk]
    assert after[c.b.pk] == before[c.b.pk] and after[c.e.pk] == before[c.e.pk]
