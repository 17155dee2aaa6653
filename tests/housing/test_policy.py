"""Policy as data: rate look-ups by date, home and term; the LPR; Huzhou's flexible-worker versions; the data file."""

import json
from datetime import date
from decimal import Decimal

import pytest

from workerhub.housing import policy

# --- HPF loan rates (issue 3 acceptance figures) -----------------------------------------------------------

@pytest.mark.parametrize(("on", "home", "months", "rate", "row"), [
    # Issue 3: Huzhou, 2024-03-13 (the seed's date), first home, 26 years → 3.1%; after the 2024-05-18 cut → 2.85%.
    (date(2024, 3, 13), "first", 312, "3.10", "cn-hpf-rate-2022-10-01"),
    (date(2024, 6, 1), "first", 312, "2.85", "cn-hpf-rate-2024-05-18"),
    # Seed: 5年内利率2.6% — a term of exactly 5 years (60 months) takes the ≤5y tier; 61 months the >5y tier.
    (date(2024, 3, 13), "first", 60, "2.60", "cn-hpf-rate-2022-10-01"),
    (date(2024, 3, 13), "first", 61, "3.10", "cn-hpf-rate-2022-10-01"),
    (date(2024, 3, 13), "second", 312, "3.575", "cn-hpf-rate-2022-10-01"),
    # A rate change applies from its effective day, not the day before.
    (date(2024, 5, 17), "first", 312, "3.10", "cn-hpf-rate-2022-10-01"),
    (date(2024, 5, 18), "first", 312, "2.85", "cn-hpf-rate-2024-05-18"),
    (date(2024, 5, 18), "second", 12, "2.775", "cn-hpf-rate-2024-05-18"),
    (date(2025, 5, 7), "first", 360, "2.85", "cn-hpf-rate-2024-05-18"),
    (date(2025, 5, 8), "first", 360, "2.60", "cn-hpf-rate-2025-05-08"),
    (date(2025, 5, 8), "first", 60, "2.10", "cn-hpf-rate-2025-05-08"),
    (date(2025, 5, 8), "second", 360, "3.075", "cn-hpf-rate-2025-05-08"),
    # 2015 to 2022: 2.75% / 3.25%, second homes 1.1× (3.025% / 3.575%).
    (date(2020, 1, 1), "first", 240, "3.25", "cn-hpf-rate-2015-08-26"),
    (date(2016, 6, 30), "second", 36, "3.025", "cn-hpf-rate-2015-08-26"),
    (date(2015, 8, 25), "first", 240, "3.50", "cn-hpf-rate-2015-06-28"),
    (date(2015, 1, 2), "first", 240, "4.25", "cn-hpf-rate-2014-11-22"),
])
def test_rate_for_picks_the_row_in_force_and_the_tier_by_term(on, home, months, rate, row):
    choice = policy.rate_for("330500", on, home, months)
    assert (choice.rate, choice.policy_id) == (Decimal(rate), row)
    assert choice.tier == ("≤5y" if months <= 60 else ">5y")
    assert choice.city == "330500" and choice.home == home
    assert "中国人民银行" in choice.source


@pytest.mark.parametrize("city", ["330500", "3305", "330522", 330500])  # 330522 长兴县, where the Zhus borrowed
def test_huzhou_may_be_named_by_prefecture_prefix_or_county(city):
    assert policy.rate_for(city, date(2024, 3, 13), "first", 312).city == "330500"
    assert policy.city_name(city) == "湖州市"


def test_other_zhejiang_cities_get_the_national_rate_but_no_flexible_worker_rules():
    assert policy.rate_for("330100", date(2024, 3, 13), "first", 312).rate == Decimal("3.10")
    with pytest.raises(policy.PolicyError) as caught:
        policy.city_policy("330100", date(2024, 3, 13))
    assert caught.value.field == "city" and "杭州市" in str(caught.value)


@pytest.mark.parametrize(("city", "on", "home", "months", "field", "words"), [
    ("110000", date(2024, 3, 13), "first", 312, "city", "未收录"),          # Beijing: not in our data
    ("330000", date(2024, 3, 13), "first", 312, "city", "未收录"),          # the province is not a city
    ("huzhou", date(2024, 3, 13), "first", 312, "city", "行政区划代码"),
    ("33050", date(2024, 3, 13), "first", 312, "city", "行政区划代码"),
    ("330500", date(2014, 11, 21), "first", 312, "on", "早于"),             # before the first rate row
    ("330500", "2024-03-13", "first", 312, "on", "日期"),
    ("330500", date(2024, 3, 13), "third", 312, "home", "首套"),
    ("330500", date(2024, 3, 13), "first", 0, "term_months", "期限"),
])
def test_bad_look_ups_are_refused_in_chinese(city, on, home, months, field, words):
    with pytest.raises(policy.PolicyError) as caught:
        policy.rate_for(city, on, home, months)
    assert caught.value.field == field
    assert words in str(caught.value)


def test_rate_changes_are_the_dated_rows_after_the_first():
    assert policy.rate_changes() == [date(2015, 3, 1), date(2015, 5, 11), date(2015, 6, 28), date(2015, 8, 26),
                                     date(2022, 10, 1), date(2024, 5, 18), date(2025, 5, 8)]


# --- LPR and the deposit rate ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("on", "rate"), [
    (date(2019, 8, 20), "4.85"),
    (date(2022, 8, 21), "4.45"),
    (date(2022, 8, 22), "4.30"),
    (date(2023, 9, 1), "4.20"),      # when the Zhus opened their account
    (date(2024, 3, 13), "3.95"),     # the seed's date
    (date(2024, 7, 22), "3.85"),
    (date(2024, 10, 21), "3.60"),
    (date(2025, 5, 20), "3.50"),
])
def test_lpr_on(on, rate):
    assert policy.lpr_on(on).rate == Decimal(rate)


def test_lpr_before_the_reform_is_refused():
    with pytest.raises(policy.PolicyError, match="LPR"):
        policy.lpr_on(date(2019, 8, 19))


def test_deposit_rate_is_1_5_percent_since_2016_02_21():
    assert policy.deposit_rate_on(date(2024, 6, 30)).rate == Decimal("1.50")
    with pytest.raises(policy.PolicyError):
        policy.deposit_rate_on(date(2016, 2, 20))


# --- Huzhou's flexible-worker policy versions -----------------------------------------------------------------

def test_the_huzhou_pilot_is_in_force_from_2023_09_01():
    with pytest.raises(policy.PolicyError) as caught:
        policy.city_policy("330500", date(2023, 8, 31))
    assert caught.value.field == "on" and "2023-09-01" in str(caught.value)
    pilot = policy.city_policy("330500", date(2023, 9, 1))
    assert pilot.id == "huzhou-flex-2023-09-01"
    assert pilot.effective_to == date(2025, 9, 30)


def test_the_pilot_carries_the_seed_figures():
    pilot = policy.city_policy("330522", date(2024, 3, 13))
    assert pilot.min_deposit_months == 6                      # 满半年
    assert pilot.lump_sum_deposits                            # 一次性缴存47万元
    assert pilot.max_loan["first"] == Decimal(700000)         # 910,000 / 1.3
    assert pilot.uplift_cap["first"] == Decimal(910000)       # 最高可贷91万元
    assert {u.kind: u.percent["first"] for u in pilot.uplifts} == {
        "talent": Decimal(30), "new_graduate": Decimal(30), "children": Decimal(30)}
    assert pilot.max_term_months == 360
    assert pilot.age_limit == {"M": 68, "F": 63}
    assert pilot.figure("min_deposit_months").source == "seed-zjgrb-2024-03-13"


def test_assumed_figures_are_marked_with_a_reason():
    pilot = policy.city_policy("330500", date(2024, 3, 13))
    assumed = {f.name for f in pilot.assumed()}
    assert {"deposit_base_min", "deposit_ratio_min", "repayment_ratio", "balance_multiple"} <= assumed
    assert "min_deposit_months" not in assumed
    assert all(f.reason for f in pilot.assumed())


def test_the_2025_version_raises_the_balance_multiple_and_limits_uplifts_to_first_homes():
    later = policy.city_policy("330500", date(2025, 10, 1))
    assert later.id == "huzhou-flex-2025-09-30" and later.effective_to is None
    assert (later.balance_multiple["first"], later.balance_multiple["second"]) == (Decimal(18), Decimal(12))
    assert later.uplift_cap == {"first": Decimal(910000), "second": Decimal(840000)}
    assert [u.kind for u in later.uplifts if "second" in u.percent] == ["children"]


# --- the data file itself ---------------------------------------------------------------------------------------

def test_every_figure_and_rate_row_cites_a_known_source_and_says_how_it_was_verified():
    raw = json.loads(policy.DATA_FILE.read_text(encoding="utf-8"))
    sources = raw["sources"]
    assert all(s["title"] and (s.get("url") or s.get("document")) for s in sources.values())
    national = raw["national"]
    rows = national["hpf_loan_rates"] + national["hpf_deposit_rates"] + national["lpr_5y"]
    for row in rows:
        assert row["source"] in sources and row["verified"]
    for city in raw["cities"].values():
        for version in city["flexible_worker_policies"]:
            for name, figure in version["figures"].items():
                assert figure["source"] in sources, name
                assert figure["verified"], name
                assert not figure.get("assumed") or figure.get("reason"), name


def test_second_home_rates_are_never_below_first_home_rates():
    for on in policy.rate_changes():
        for months in (60, 61):
            first = policy.rate_for("330500", on, "first", months).rate
            assert policy.rate_for("330500", on, "second", months).rate >= first
