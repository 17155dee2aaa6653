"""Pure rules of the foundations: identity numbers, phones, masking, region codes.

Plain Python, no Django: each function is a rule a union officer could state in one sentence.
"""

import re
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError


class RuleError(ValueError):
    """A value broke a rule; ``str(error)`` is a message for the user (zh-Hans)."""


# --- Resident ID number (GB 11643-1999) -----------------------------------------------------

@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    sex: str  # "M" | "F"
    region_code: str


def parse_id_number(value: str, *, today: date | None = None, known_region=None) -> IdNumber:
    """Validate an 18-character resident ID number and derive birth date and sex.

    GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male),
    ISO 7064 MOD 11-2 check character. python-stdnum's ``ric.validate`` raises KeyError for
    codes newer than its table (330113 临平区, 330114 钱塘区 — see research/libraries-domain.md §1),
    so the check digit and the date are checked directly and the region against our own table
    (``known_region`` callable, optional).
    """
    number = re.sub(r"\s+", "", value or "").upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise RuleError("身份证号码应为18位,前17位为数字,最后一位为数字或X")
    if ric.calc_check_digit(number) != number[-1]:
        raise RuleError("身份证号码校验位错误")
    try:
        birth = ric.get_birth_date(number)
    except StdnumError as exc:
        raise RuleError("身份证号码中的出生日期无效") from exc
    if birth > (today or date.today()) or birth.year < 1900:
        raise RuleError("身份证号码中的出生日期无效")
    region_code = number[:6]
    if known_region is not None and not known_region(region_code):
        raise RuleError(f"身份证号码中的地址码 {region_code} 不是有效的行政区划代码")
    return IdNumber(number, birth, "M" if int(number[16]) % 2 else "F", region_code)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (used to build synthetic demo IDs)."""
    return ric.calc_check_digit(first17 + "0")


# --- Unified social credit code (GB 32100-2015) ---------------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character: 31 − (Σ value×weight mod 31), mapped through the code alphabet."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Validate a unified social credit code and return it normalised (upper case, no spaces).

    Our own check (GB 32100 mod 31) rather than ``stdnum.cn.uscc.validate`` alone, which wrongly
    rejects registration authorities A, N and Y (research/libraries-domain.md §1, bug 2); the two
    agree on every other code (tests compare them).
    """
    code = re.sub(r"\s+", "", value or "").upper()
    if len(code) != 18:
        raise RuleError("统一社会信用代码应为18位")
    if any(c not in _USCC_ALPHABET for c in code):
        raise RuleError("统一社会信用代码含有不允许的字符(不使用 I、O、Z、S、V)")
    if not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}.{10}", code):
        raise RuleError("统一社会信用代码第3至8位应为行政区划代码")
    if uscc_check_char(code[:17]) != code[17]:
        raise RuleError("统一社会信用代码校验位错误")
    return code


def stdnum_accepts_credit_code(code: str) -> bool:
    """python-stdnum's verdict, kept for the comparison test."""
    return uscc.is_valid(code)


# --- Mobile phone ---------------------------------------------------------------------------

def normalise_mobile(value: str) -> str:
    """A mainland mobile number: 11 digits starting 1[3-9], optional +86 / 86 prefix and separators."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    digits = re.sub(r"^(\+?86)", "", digits)
    if not re.fullmatch(r"1[3-9]\d{9}", digits):
        raise RuleError("手机号码应为11位,以13–19开头")
    return digits


# --- Masking (GB/T 35273 §7.2 display restriction; common practice 6+4 and 3+4) ------------

def mask_id_number(number: str) -> str:
    """``330106********1234``: keep the address code and the last four characters."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


def mask_phone(phone: str) -> str:
    """``138****5678``: keep the carrier prefix and the last four digits."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "*" * len(phone)


def mask_name(name: str) -> str:
    """``张*明`` for public pages: first and last character kept (two-character names: ``张*``)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- Regions (GB/T 2260) --------------------------------------------------------------------

def region_prefix(code: str) -> str:
    """The significant prefix of a six-digit code: ``330000``→``33``, ``330100``→``3301``.

    Containment is by prefix: a record in ``330106`` lies inside ``3301`` and ``33``.
    """
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def canonical_region_code(value: str) -> str:
    """Accept a six-digit code or its significant prefix (``3305`` → ``330500``)."""
    code = (value or "").strip()
    if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", code):
        raise RuleError(f"行政区划代码 {value!r} 应为2、4或6位数字")
    return code.ljust(6, "0")


def region_level(code: str) -> str:
    prefix = region_prefix(code)
    return {2: "province", 4: "prefecture"}.get(len(prefix), "county")
