"""Pure talent rules (talent/rules.py) against the shipped catalogue: eligibility explained rule by rule, and quota
arithmetic. Facts are written out per test; thresholds come from research/union.md §1 (杭州工匠 ≥ 10 years, union
member, front line; 港城工匠 ≥ 15 years; prerequisite ladder; negative list; 先锋号 safety incident bars 3 years)."""

from datetime import date
from decimal import Decimal

import pytest

from workerhub.talent import rules
from workerhub.talent.rules import Facts, Flag, HeldHonour, Place

CATALOGUE = {h["code"]: h for h in rules.load_catalogue()["honours"]}
ON = date(2024, 5, 1)


def craftsman_facts(**kw) -> Facts:
    base = {"region": "330106", "is_union_member": True, "front_line": True, "years_skilled": 12}
    return Facts(**{**base, **kw})


def failed(outcome) -> dict[str, str]:
    return {c.name: c.message for c in outcome.criteria if not c.passed}


def test_catalogue_covers_every_honour_the_spec_lists():
    names = {h["name"] for h in CATALOGUE.values()}
    for name in ("全国劳动模范", "全国先进工作者", "全国五一劳动奖章", "全国工人先锋号", "浙江省劳动模范", "浙江省五一劳动奖章",
                 "浙江工匠", "杭州工匠", "杭州数字工匠", "市级工人先锋号", "市级职业技能带头人",
                 "全国示范性劳模和工匠人才创新工作室", "浙江省高技能人才(劳模)创新工作室", "市级劳模和工匠人才创新工作室"):
        assert name in names
    for h in CATALOGUE.values():
        assert h["level"] in rules.LEVEL_ORDER and h["subject"] in ("person", "team", "studio")
        assert h["source"] and h["criteria"]
    # Seed (Hangzhou plan): 60 杭州工匠, 50 数字工匠, 100 工人先锋号 and 30 studios a year.
    assert CATALOGUE["hz_craftsman"]["quotas"] == {"330100": 60}
    assert CATALOGUE["hz_digital_craftsman"]["quotas"] == {"330100": 50}
    assert CATALOGUE["city_pioneer"]["quotas"]["330100"] == 100
    assert CATALOGUE["city_studio"]["quotas"]["330100"] == 30


def test_a_hangzhou_craftsman_candidate_who_meets_every_rule():
    outcome = rules.check_eligibility(CATALOGUE["hz_craftsman"], craftsman_facts(), ON)
    assert outcome.passed, outcome.message
    assert {c.name for c in outcome.criteria} >= {"地区", "工会会员", "从事技能工作年限", "一线", "单位负面清单"}


def test_hangzhou_craftsman_needs_ten_years_unless_a_competition_waiver_applies():
    outcome = rules.check_eligibility(CATALOGUE["hz_craftsman"], craftsman_facts(years_skilled=8), ON)
    assert not outcome.passed
    assert failed(outcome) == {"从事技能工作年限": "从事技能工作 8 年,要求不少于 10 年"}
    waived = rules.check_eligibility(CATALOGUE["hz_craftsman"], craftsman_facts(years_skilled=8, years_waived=True), ON)
    assert waived.passed


def test_gangcheng_craftsman_needs_fifteen_years():
    facts = craftsman_facts(region="330206", years_skilled=12)
    assert "要求不少于 15 年" in failed(rules.check_eligibility(CATALOGUE["nb_gangcheng_craftsman"], facts, ON))[
        "从事技能工作年限"]


def test_membership_front_line_and_region_each_explain_their_refusal():
    outcome = rules.check_eligibility(
        CATALOGUE["hz_craftsman"], craftsman_facts(is_union_member=False, front_line=False, region="330206"), ON)
    assert set(failed(outcome)) == {"工会会员", "一线", "地区"}
    assert outcome.message.startswith("不符合杭州工匠推荐条件:")
    # Membership that starts after the review date does not count yet.
    later = craftsman_facts(union_member_since=date(2024, 6, 1))
    assert "工会会员" in failed(rules.check_eligibility(CATALOGUE["hz_craftsman"], later, ON))


def test_prerequisite_ladder_provincial_model_needs_a_city_level_honour():
    city = HeldHonour("city_skill_leader", "市级职业技能带头人", "city", date(2020, 4, 28))
    county = HeldHonour("xihu_craftsman", "西湖工匠", "county", date(2021, 4, 28))
    honour = CATALOGUE["zj_model_worker"]
    assert rules.check_eligibility(honour, Facts(held=(city,)), ON).passed
    assert "荣誉基础" in failed(rules.check_eligibility(honour, Facts(held=(county,)), ON))
    # A provincial honour satisfies "city level or above".
    provincial = HeldHonour("zj_craftsman", "浙江工匠", "provincial", date(2022, 4, 28))
    assert rules.check_eligibility(honour, Facts(held=(provincial,)), ON).passed
    # A revoked city honour stops counting from its revocation date.
    revoked = HeldHonour("city_skill_leader", "市级职业技能带头人", "city", date(2020, 4, 28), date(2024, 3, 1))
    assert "荣誉基础" in failed(rules.check_eligibility(honour, Facts(held=(revoked,)), ON))
    assert rules.check_eligibility(honour, Facts(held=(revoked,)), date(2024, 2, 29)).passed


def test_national_model_needs_a_provincial_honour_not_a_city_one():
    city = HeldHonour("hz_craftsman", "杭州工匠", "city", date(2020, 4, 28))
    provincial = HeldHonour("zj_model_worker", "浙江省劳动模范", "provincial", date(2019, 4, 28))
    honour = CATALOGUE["national_model_worker"]
    assert not rules.check_eligibility(honour, Facts(held=(city,)), ON).passed
    assert rules.check_eligibility(honour, Facts(held=(city, provincial)), ON).passed


def test_the_same_title_is_not_conferred_twice():
    held = HeldHonour("hz_craftsman", "杭州工匠", "city", date(2021, 9, 26))
    outcome = rules.check_eligibility(CATALOGUE["hz_craftsman"], craftsman_facts(held=(held,)), ON)
    assert failed(outcome) == {"未获同一荣誉": "已于 2021-09-26 获得杭州工匠,不重复授予"}


def test_pioneer_team_negative_list_safety_incident_bars_three_years():
    honour = CATALOGUE["national_pioneer"]
    incident = Flag("safety_incident", date(2021, 6, 1), date(2021, 6, 30))
    team = Facts(subject_kind="team", front_line=True, employer_flags=(incident,))
    # 2024-05-01: the window opens 2021-05-01, the incident (June 2021) lies inside it.
    outcome = rules.check_eligibility(honour, team, ON)
    assert "单位负面清单" in failed(outcome) and "重大安全事故" in failed(outcome)["单位负面清单"]
    # 2024-07-01: the window opens 2021-07-01, after the incident ended.
    assert rules.check_eligibility(honour, team, date(2024, 7, 1)).passed


def test_wage_arrears_bar_only_the_year_in_which_they_occur():
    honour = CATALOGUE["national_pioneer"]
    cleared = Flag("wage_arrears", date(2023, 1, 1), date(2023, 3, 1))  # ended before 2023-05-01
    assert rules.check_eligibility(honour, Facts(subject_kind="team", front_line=True, employer_flags=(cleared,)),
                                   ON).passed
    lasting = Flag("wage_arrears", date(2023, 1, 1), date(2023, 6, 1))
    assert not rules.check_eligibility(
        honour, Facts(subject_kind="team", front_line=True, employer_flags=(lasting,)), ON).passed
    ongoing = Flag("no_union", date(2020, 1, 1))
    assert not rules.check_eligibility(
        honour, Facts(subject_kind="team", front_line=True, employer_flags=(ongoing,)), ON).passed


def test_digital_craftsman_needs_an_expert_score():
    honour = CATALOGUE["hz_digital_craftsman"]
    assert failed(rules.check_eligibility(honour, craftsman_facts(), ON)) == {"专家评审": "须录入专家评审得分"}
    assert rules.check_eligibility(honour, craftsman_facts(expert_score=Decimal("86.5")), ON).passed


def test_a_person_cannot_be_nominated_for_a_team_honour():
    assert "授予对象" in failed(rules.check_eligibility(CATALOGUE["city_pioneer"], craftsman_facts(), ON))


def test_rules_in_words_for_the_catalogue_page():
    words = rules.rules_in_words(CATALOGUE["hz_craftsman"])
    assert "须为工会会员" in words and "须在生产一线" in words
    assert any("不少于 10 年" in w and "世赛" in w for w in words)
    assert words[-1] == "推荐方式:企业工会推荐、下级工会推荐"


# --- Quotas -----------------------------------------------------------------------------------------------------

def test_quota_region_is_the_most_specific_listed_region_or_the_selecting_federation():
    assert rules.quota_for({"330100": 60}, "city", "330106") == ("3301", 60)
    assert rules.quota_for({"330100": 60}, "city", "330206") is None  # no Ningbo quota published
    assert rules.quota_for({"330000": 300, "330100": 20}, "provincial", "330106") == ("3301", 20)
    assert rules.quota_for({"*": 5}, "city", "330206") == ("3302", 5)
    assert rules.quota_for({"*": 5}, "provincial", "330206") == ("33", 5)


def test_what_takes_a_place():
    assert rules.takes_place(Place("publicised"), ON)
    assert rules.takes_place(Place("conferred"), ON)
    assert not rules.takes_place(Place("reviewed"), ON)
    assert not rules.takes_place(Place("conferred", tier="nominee"), ON)  # 提名奖
    assert not rules.takes_place(Place("conferred", direct_grant=True), ON)  # 直接认定
    assert not rules.takes_place(Place("rejected"), ON)


def test_quota_counting_excludes_a_revoked_honour_from_its_revocation_date():
    """Worked example: 2 places. A conferred; B conferred 2024-09 and revoked 2025-03-01; C a 提名奖 and D a direct
    grant (neither takes a place).
    On 2025-02-28 A and B take both places: a third is refused. On 2025-03-01 B's place is free: one is left."""
    places = [Place("conferred"), Place("revoked", revoked_on=date(2025, 3, 1)),
              Place("conferred", tier="nominee"), Place("conferred", direct_grant=True)]
    quota = ("3301", 2)
    before = date(2025, 2, 28)
    assert rules.places_taken(places, before) == 2
    refused = rules.check_quota(quota, rules.places_taken(places, before), before)
    assert not refused.passed and refused.message == "2025-02-28 已占名额 2 个,名额 2 个,已满"
    on = date(2025, 3, 1)
    assert rules.places_taken(places, on) == 1
    assert rules.check_quota(quota, rules.places_taken(places, on), on).passed


def test_no_published_quota_means_no_limit():
    assert rules.check_quota(None, 500, ON).passed


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_catalogue_entry_evaluates(code):
    outcome = rules.check_eligibility(CATALOGUE[code], Facts(subject_kind=CATALOGUE[code]["subject"]), ON)
    assert outcome.message
