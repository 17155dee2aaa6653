"""Eligibility per level, the pass rule and competition credits (research/union.md §5.2, §5.3, §6; SPEC §3.2)."""

from decimal import Decimal

import pytest

from workerhub.skills.rules import Candidate, check_eligibility, competition_credits, exam_result, load_catalogue


def test_level_five_needs_a_year_in_the_trade_or_an_apprenticeship():
    assert check_eligibility(Candidate(years_in_trade=1), 5).passed
    assert check_eligibility(Candidate(apprenticeship_completed=True), 5).passed
    refused = check_eligibility(Candidate(years_in_trade=0.5), 5)
    assert not refused.passed and "不符合 五级/初级工" in refused.message
    assert refused.criteria[0].value == 0.5 and refused.criteria[0].threshold == 1


def test_level_three_needs_four_years_at_level_four_or_two_with_a_college_degree():
    assert check_eligibility(Candidate(held_level=4, years_at_level=4), 3).passed
    assert not check_eligibility(Candidate(held_level=4, years_at_level=3), 3).passed
    assert check_eligibility(Candidate(held_level=4, years_at_level=2, education="大专"), 3).passed
    assert not check_eligibility(Candidate(held_level=5, years_at_level=9, years_in_trade=20), 3).passed


def test_level_two_and_one():
    assert check_eligibility(Candidate(held_level=3, years_at_level=3, education="技师学院", education_in_field=True), 2).passed
    assert not check_eligibility(Candidate(held_level=3, years_at_level=3, education="技师学院"), 2).passed
    assert check_eligibility(Candidate(education="预备技师", education_in_field=True, years_in_trade=2), 2).passed
    assert check_eligibility(Candidate(held_level=2, years_at_level=4), 1).passed
    assert not check_eligibility(Candidate(held_level=2, years_at_level=3.9), 1).passed


def test_a_level_the_occupation_does_not_offer_is_refused():
    occupation = next(o for o in load_catalogue()["occupations"] if o["name"] == "数据安全管理员")
    refused = check_eligibility(Candidate(years_in_trade=10), 5, occupation)
    assert not refused.passed and "未开设" in refused.message


def test_catalogue_marks_proposed_and_unverified_entries():
    by_name = {o["name"]: o for o in load_catalogue()["occupations"]}
    assert by_name["数字合规师"]["proposed"] and by_name["数据处理师"]["proposed"]
    # 4-04-05-05 is 人工智能训练师 in its 2021 national standard, of which 数据标注员 is a 工种; CAD's code is unchecked.
    assert by_name["数据标注员"]["verified"] is True and by_name["数据安全管理员"]["verified"] is True
    assert by_name["CAD绘图员"]["verified"] is False
    assert {"合规测试员", "CAD绘图员", "工业机器人系统操作员", "电工", "焊工"} <= by_name.keys()


@pytest.mark.parametrize(
    ("theory", "practical", "level", "review", "passed"),
    [(60, 60, 3, None, True), (59.5, 90, 3, None, False), (90, 59, 4, None, False), (100, 100, 2, None, False),
     (80, 80, 2, True, True), (80, 80, 1, False, False), (Decimal("60.0"), 75, 5, None, True)],
)
def test_pass_rule(theory, practical, level, review, passed):
    assert exam_result(theory, practical, level, review).passed is passed


def test_scores_outside_0_to_100_are_refused():
    with pytest.raises(ValueError):
        exam_result(101, 60, 3)


def titles(result):
    return [(c.kind, c.title, c.needs_review) for c in result.credits]


def test_zhejiang_provincial_credits():
    assert titles(competition_credits(tier="provincial", contest_class=1, rank=5, held_level=3)) == [
        ("title", "浙江省技术能手", False), ("promotion", "二级/技师", True)]
    assert titles(competition_credits(tier="provincial", contest_class=1, rank=8, held_level=2)) == [
        ("promotion", "一级/高级技师", True)]
    assert titles(competition_credits(tier="provincial", contest_class=2, rank=4)) == [("promotion", "二级/技师", True)]
    assert competition_credits(tier="provincial", contest_class=2, rank=6).credits == ()


def test_city_credits():
    assert titles(competition_credits(tier="city", contest_class=1, rank=2)) == [
        ("title", "市技术能手", False), ("promotion", "二级/技师", True)]
    assert titles(competition_credits(tier="city", contest_class=1, rank=3)) == [("promotion", "二级/技师", True)]
    assert titles(competition_credits(tier="city", contest_class=2, rank=2)) == []


def test_national_award_promotes_directly():
    assert titles(competition_credits(tier="national", award="优胜奖", rank=20)) == [("promotion", "二级/技师", False)]
    assert titles(competition_credits(tier="national", award="金牌", rank=1, held_level=2)) == [
        ("title", "全国技术能手", False), ("promotion", "一级/高级技师", False)]
    assert competition_credits(tier="national", rank=30).message == "该名次不产生政策积分"


def test_enterprise_contests_earn_no_policy_credit_whatever_the_rank():
    # SPEC §3.2 lists credits for national, provincial and city (county) contests only.
    assert competition_credits(tier="enterprise", rank=1).credits == ()
