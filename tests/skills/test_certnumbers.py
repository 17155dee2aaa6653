"""Certificate numbers follow 人社鉴发〔2019〕2号; legacy and enterprise numbers are accepted."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workerhub.skills.certnumbers import (
    CertNumberError,
    build_enterprise_number,
    build_number,
    level_label,
    parse_enterprise_number,
    parse_number,
    parse_skill_number,
)

# Zhejiang (33), 社会培训评价组织 filed with the province (0000), site 000123, 2025, 三级, serial 1.
NUMBER = "S000033000123253000001"
# A widely published sample unified social credit code with a correct GB 32100 check character.
USCC = "91350100M000100Y43"


def test_a_skill_number_parses_into_its_seven_parts():
    n = parse_skill_number(NUMBER)
    assert (n.issuer_type, n.institution_code, n.province, n.site_serial, n.year, n.level, n.serial) == (
        "S", "0000", "33", "000123", "25", 3, "000001")
    assert n.level_label == "三级/高级工"
    assert n.issuer_type_label == "社会培训评价组织"
    assert n.number == NUMBER and not n.legacy and len(NUMBER) == 22


def test_build_number_round_trips():
    built = build_number(issuer_type="S", institution_code=0, province=33, site_serial=123, year=2025, level=3, serial=1)
    assert built == NUMBER


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("s000033000123253000001", "issuer_type"),
        ("X000033000123253000001", "issuer_type"),
        ("S00003300012325300000", "number"),
        ("S000099000123253000001", "province"),
        ("S000033000123256000001", "level"),
        ("S000033000123250000001", "level"),
        ("S000033000123253000000", "serial"),
        ("S00003300012325300000１", "number"),
        ("S000033000123253 00001", "number"),
    ],
)
def test_bad_skill_numbers_name_the_field(text, field):
    with pytest.raises(CertNumberError) as exc:
        parse_skill_number(text)
    assert exc.value.field == field
    assert exc.value.message


def test_level_labels_follow_the_certificate_wording():
    assert [level_label(d) for d in (5, 4, 3, 2, 1)] == [
        "五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师"]


def test_a_legacy_16_digit_number_is_accepted_and_flagged():
    n = parse_number("0833010" + "123" + "4" + "00012")
    assert n.legacy and n.kind == "legacy"
    assert (n.year, n.province, n.level) == ("08", "33", 4)


def test_an_enterprise_number_checks_the_credit_code():
    number = build_enterprise_number(uscc=USCC, year=2025, serial=7)
    assert number == f"QY-{USCC}-25-000007"
    assert parse_number(number).uscc == USCC
    with pytest.raises(CertNumberError) as exc:
        parse_enterprise_number(f"QY-{USCC[:-1]}4-25-000007")
    assert exc.value.field == "uscc"


@given(st.text(max_size=40))
def test_random_text_either_parses_canonically_or_raises_cert_number_error(text):
    try:
        n = parse_number(text)
    except CertNumberError:
        return
    assert str(n) == text
