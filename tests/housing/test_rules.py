"""Eligibility and loan quota for flexible workers in Huzhou — each rule and limit explained, checked by hand."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from workerhub.housing import policy, quotes, rules

SEED_DAY = date(2024, 3, 13)


@pytest.fixture
def pilot():
    return policy.city_policy("330522", SEED_DAY)     # 长兴县 → 湖州市 pilot, huzhou-flex-2023-09-01


# The Zhu couple (seed): first home in 长兴, two children, ¥470,000 deposited at once in Sept 2023, six months
# of deposits by March 2024, ¥800,000 borrowed for 26 years. The seed gives no age, income or price; these
# are plausible values, written out: Mr Zhu is 35, household income ¥12,000 a month, house price ¥1,200,000.
ZHUS = rules.Applicant(months_deposited=6, age=35, sex="M", balance=Decimal(470000), monthly_income=Decimal(12000),
                       home="first", children=2, house_price=Decimal(1200000))


def test_the_zhus_are_eligible(pilot):
    result = rules.eligibility(ZHUS, pilot, 312)
    assert result.passed and result.policy_id == "huzhou-flex-2023-09-01"
    by_rule = {c.rule: c for c in result.checks}
    assert set(by_rule) == {"min_deposit_months", "account_status", "no_outstanding_loan", "home", "max_term",
                            "age_limit"}
    assert (by_rule["min_deposit_months"].value, by_rule["min_deposit_months"].threshold) == (6, 6)
    assert by_rule["age_limit"].value == Decimal("61.00")        # 35 + 312/12 = 61 ≤ 68
    assert by_rule["age_limit"].message_zh == "贷款到期时年龄约61岁，不超过68周岁"


def test_the_zhus_quota_is_the_uplifted_maximum_910k_and_covers_their_800k(pilot):
    rate = policy.rate_for("330522", SEED_DAY, "first", 312).rate     # 3.10
    quota = rules.loan_quota(ZHUS, pilot, 312, rate)
    limits = {limit.factor: limit.value for limit in quota.limits}
    # policy max: 700,000 + 30% (two-children family, on the current maximum) = 910,000, the seed's cap.
    # balance multiple (assumed 15×): 470,000 × 15 = 7,050,000.
    # repayment capacity (assumed 50%): 12,000 × 50% = 6,000 a month; at 3.1% over 312 months ¥800,000 costs
    #   3,737.9042 a month, so 6000 / (3737.9042 / 800000) = 1,284,142.08; the payment rounded to the fen
    #   still fits at 1,284,143 (5,999.995… → 6,000.00) and not at 1,284,144.
    # house price less 20% down: 1,200,000 × 80% = 960,000.
    assert limits == {"policy_max": Decimal("910000.00"), "balance_multiple": Decimal("7050000.00"),
                      "repayment_capacity": Decimal("1284143.00"), "house_price": Decimal("960000.00")}
    assert quota.amount == Decimal("910000.00") and quota.binding.factor == "policy_max"
    assert quota.allows(800000)
    assert "二孩及以上子女家庭上浮30%" in quota.binding.note
    assert quotes.quote(1284143, 312, quotes.EQUAL_INSTALMENT, rate).monthly_payment == Decimal("6000.00")
    assert quotes.quote(1284144, 312, quotes.EQUAL_INSTALMENT, rate).monthly_payment == Decimal("6000.01")


# --- eligibility, rule by rule -----------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "rule", "message"), [
    ({"months_deposited": 4}, "min_deposit_months", "已缴存4个月，需满6个月"),
    ({"account_status": "sealed"}, "account_status", "账户状态为封存，需为正常缴存状态"),
    ({"outstanding_hpf_loan": True}, "no_outstanding_loan", "尚有未结清的住房公积金贷款，需结清后再申请"),
    # A man of 45 borrowing for 30 years would be 75 at the end; Huzhou allows 68.
    ({"age": 45}, "age_limit", "贷款到期时年龄约71岁，超过68周岁"),
])
def test_each_failed_rule_says_why(pilot, change, rule, message):
    result = rules.eligibility(replace(ZHUS, **change), pilot, 312)
    assert not result.passed
    assert [(c.rule, c.message_zh) for c in result.failed()] == [(rule, message)]


def test_a_term_over_30_years_fails_the_term_rule(pilot):
    # Policy input to eligibility may come from a form before the quote check: 361 months is over 360.
    result = rules.eligibility(ZHUS, pilot, 361)
    assert [c.rule for c in result.failed()] == ["max_term"]


@pytest.mark.parametrize(("sex", "age", "months", "passed"), [
    ("F", 38, 300, True),     # 38 + 25 = 63 ≤ 63
    ("F", 39, 300, False),    # 64 > 63
    ("M", 43, 300, True),     # 43 + 25 = 68 ≤ 68
    ("M", 43, 301, False),    # 68.08 > 68
    (None, 39, 300, False),   # unknown sex → the lower limit, 63
])
def test_age_at_the_end_of_the_loan(pilot, sex, age, months, passed):
    check = {c.rule: c for c in rules.eligibility(replace(ZHUS, sex=sex, age=age), pilot, months).checks}
    assert check["age_limit"].passed is passed


def test_malformed_input_is_an_error_not_a_failed_rule(pilot):
    with pytest.raises(rules.RuleError) as caught:
        rules.eligibility(replace(ZHUS, home="third"), pilot, 312)
    assert caught.value.field == "home"
    with pytest.raises(rules.RuleError):
        rules.eligibility(replace(ZHUS, months_deposited=-1), pilot, 312)
    with pytest.raises(rules.RuleError) as caught:
        rules.loan_quota(replace(ZHUS, monthly_income=Decimal(-1)), pilot, 312, "3.1")
    assert caught.value.field == "monthly_income"


# --- the maximum and its uplifts -------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "maximum"), [
    ({"children": 0}, "700000.00"),                           # no uplift
    ({"children": 1}, "700000.00"),                           # one child: no uplift
    ({"children": 2}, "910000.00"),                           # 700,000 × 1.3
    ({"children": 0, "talent": True}, "910000.00"),
    ({"children": 0, "new_graduate": True}, "910000.00"),
    ({"children": 3, "talent": True, "new_graduate": True}, "910000.00"),   # uplifts do not stack
])
def test_uplifts_are_on_the_current_maximum_and_capped(pilot, change, maximum):
    assert rules.uplifted_maximum(replace(ZHUS, **change), pilot).value == Decimal(maximum)


def test_not_stacking_is_explained(pilot):
    limit = rules.uplifted_maximum(replace(ZHUS, talent=True), pilot)
    assert "上浮不叠加" in limit.note


def test_the_2025_rules_give_second_homes_a_smaller_uplift():
    later = policy.city_policy("330500", date(2025, 10, 1))
    second = replace(ZHUS, home="second", children=3)
    assert rules.uplifted_maximum(second, later).value == Decimal("840000.00")     # 700,000 × 1.2
    talent_second = replace(ZHUS, home="second", children=0, talent=True)
    assert rules.uplifted_maximum(talent_second, later).value == Decimal("700000.00")  # talent: first homes only


# --- the other limits ---------------------------------------------------------------------------------------------

def test_a_small_balance_binds(pilot):
    # 40,000 × 15 (assumed multiple, first home) = 600,000.
    quota = rules.loan_quota(replace(ZHUS, balance=Decimal(40000)), pilot, 312, "3.1")
    assert (quota.amount, quota.binding.factor) == (Decimal("600000.00"), "balance_multiple")
    assert not quota.allows(800000)


def test_a_small_income_binds(pilot):
    # Income 6,000 → at most 3,000 a month. At 3.1% over 360 months ¥700,000 costs 2,989.1148, so
    # 3000 / (2989.1148 / 700000) = 702,549.13; rounding the payment to the fen lets 702,550 through (3,000.00).
    quota = rules.loan_quota(replace(ZHUS, monthly_income=Decimal(6000)), pilot, 360, "3.1")
    assert (quota.amount, quota.binding.factor) == (Decimal("702550.00"), "repayment_capacity")


def test_repayment_capacity_with_equal_principal_uses_the_first_payment(pilot):
    # First payment = P/360 + P × 0.031/12 ≤ 3,000 → P ≤ 3000 / (0.0027778 + 0.0025833) = 559,585.49.
    quota = rules.loan_quota(replace(ZHUS, monthly_income=Decimal(6000)), pilot, 360, "3.1", quotes.EQUAL_PRINCIPAL)
    assert quota.binding.value == Decimal("559585.00")


@pytest.mark.parametrize(("home", "limit"), [("first", "400000.00"), ("second", "350000.00")])
def test_house_price_less_the_down_payment(pilot, home, limit):
    # 500,000 less 20% (first home, 银发〔2015〕98号) or 30% (second home, assumed).
    quota = rules.loan_quota(replace(ZHUS, home=home, house_price=Decimal(500000)), pilot, 312, "3.1")
    assert {lim.factor: lim.value for lim in quota.limits}["house_price"] == Decimal(limit)
    assert quota.binding.factor == "house_price"


def test_without_a_house_price_there_is_no_down_payment_limit(pilot):
    quota = rules.loan_quota(replace(ZHUS, house_price=None), pilot, 312, "3.1")
    assert [lim.factor for lim in quota.limits] == ["policy_max", "balance_multiple", "repayment_capacity"]
    assert quota.policy_id == "huzhou-flex-2023-09-01"
