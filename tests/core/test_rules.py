"""Identity numbers, credit codes, phones, masking and region codes — pure rules."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workerhub.core import rules


# GB 11643-1999 Appendix gives two worked examples of citizen identity numbers:
# 北京市朝阳区 1949-12-31 女 → 11010519491231002X; 广东省汕头市潮阳县 1880-01-01 男 → 440524188001010014.
@pytest.mark.parametrize(("number", "birth", "sex"), [
    ("11010519491231002X", date(1949, 12, 31), "F"),
    ("11010519491231002x", date(1949, 12, 31), "F"),  # a lower-case x is the same number
])
def test_standard_examples_validate_and_derive_birth_and_sex(number, birth, sex):
    parsed = rules.parse_id_number(number)
    assert (parsed.number, parsed.birth_date, parsed.sex) == ("11010519491231002X", birth, sex)


def test_standard_example_born_1880_is_refused_as_implausible_today():
    # 440524188001010014 is valid by its check digit (the standard's example), but nobody born in 1880
    # is a worker: the platform refuses birth years before 1900.
    assert rules.id_check_char("44052418800101001") == "4"
    with pytest.raises(rules.RuleError, match="出生日期"):
        rules.parse_id_number("440524188001010014")


@pytest.mark.parametrize(("number", "message"), [
    ("110105194912310021", "校验位"),       # last character changed
    ("11010519491331002X", "校验位"),       # month 13 (the check digit no longer matches either)
    ("1101051949123100", "18位"),           # too short
    ("11010519491231002Y", "18位"),          # not a digit or X
    ("", "18位"),
])
def test_invalid_id_numbers_are_refused_with_a_reason(number, message):
    with pytest.raises(rules.RuleError, match=message):
        rules.parse_id_number(number)


def test_birth_date_in_the_future_is_refused():
    first17 = "33010620990101001"
    with pytest.raises(rules.RuleError, match="出生日期"):
        rules.parse_id_number(first17 + rules.id_check_char(first17), today=date(2026, 11, 29))


def test_new_hangzhou_districts_validate_where_stdnum_raises():
    # python-stdnum's table lacks 330113 临平区 (2021); its is_valid() raises KeyError (libraries-domain.md §1).
    first17 = "33011320020101123"
    number = first17 + rules.id_check_char(first17)
    assert rules.parse_id_number(number, known_region={"330113"}.__contains__).region_code == "330113"


def test_unknown_address_code_is_refused_when_a_table_is_given():
    with pytest.raises(rules.RuleError, match="地址码"):
        rules.parse_id_number("11010519491231002X", known_region={"330106"}.__contains__)


@given(st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_breaks_the_check_digit(position, delta):
    # ISO 7064 MOD 11-2 detects every single-digit substitution.
    original = "11010519491231002X"
    digit = (int(original[position]) + delta) % 10
    changed = original[:position] + str(digit) + original[position + 1:]
    with pytest.raises(rules.RuleError):
        rules.parse_id_number(changed)


# Unified social credit codes: 91110000600037341L and 91330000142916567N are published, valid codes
# (python-stdnum's test data; research/libraries-domain.md §1).
@pytest.mark.parametrize("code", ["91110000600037341L", "91330000142916567N", "91330000 142916567n"])
def test_published_credit_codes_validate(code):
    assert rules.validate_credit_code(code) == code.replace(" ", "").upper()


def test_authority_n_codes_validate_where_stdnum_rejects_them():
    # Registration authority N (trade unions' own registrations are under 8/N etc.): GB 32100 allows it,
    # python-stdnum 2.2 wrongly rejects it (bug 2 in libraries-domain.md).
    code = "N2330106MF1234567L"
    assert rules.validate_credit_code(code) == code
    assert not rules.stdnum_accepts_credit_code(code)


@pytest.mark.parametrize(("code", "message"), [
    ("91110000600037341M", "校验位"),
    ("9111000060003734", "18位"),
    ("91110000600037341I", "不允许的字符"),
    ("91ABCDEF600037341L", "行政区划"),
])
def test_bad_credit_codes_are_refused(code, message):
    with pytest.raises(rules.RuleError, match=message):
        rules.validate_credit_code(code)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9),
       st.sampled_from(["91", "92", "93", "12", "51", "81"]), st.sampled_from(["330106", "110105", "440300"]))
def test_our_credit_check_agrees_with_stdnum_for_authorities_it_supports(tail, head, region):
    first17 = head + region + tail
    code = first17 + rules.uscc_check_char(first17)
    assert rules.stdnum_accepts_credit_code(code)


@pytest.mark.parametrize(("raw", "normalised"), [
    ("13800138000", "13800138000"), ("+86 138-0013-8000", "13800138000"), ("8619912345678", "19912345678")])
def test_mobile_numbers_normalise(raw, normalised):
    assert rules.normalise_mobile(raw) == normalised


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "abc", "010-88851111"])
def test_bad_mobile_numbers_are_refused(raw):
    with pytest.raises(rules.RuleError, match="手机号码"):
        rules.normalise_mobile(raw)


def test_masks_follow_the_spec_examples():
    # SPEC §1.2: 330106********1234 and 138****5678.
    assert rules.mask_id_number("330106199001011234") == "330106********1234"
    assert rules.mask_phone("13812345678") == "138****5678"
    assert rules.mask_name("张三明") == "张*明"
    assert rules.mask_name("李四") == "李*"


@pytest.mark.parametrize(("code", "prefix"), [("330000", "33"), ("330100", "3301"), ("330106", "330106")])
def test_region_containment_is_by_significant_prefix(code, prefix):
    assert rules.region_prefix(code) == prefix


@pytest.mark.parametrize(("given_code", "canonical"), [("3305", "330500"), ("33", "330000"), ("330106", "330106")])
def test_region_input_accepts_code_or_prefix(given_code, canonical):
    assert rules.canonical_region_code(given_code) == canonical


@pytest.mark.parametrize("bad", ["3", "33050", "abcdef", ""])
def test_bad_region_input_is_refused(bad):
    with pytest.raises(rules.RuleError):
        rules.canonical_region_code(bad)
