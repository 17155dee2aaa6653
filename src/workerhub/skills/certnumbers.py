"""Certificate numbers: the national 22-character skill-level code, legacy 16-digit numbers, enterprise numbers.

Skill-level certificate (《职业技能等级证书编码规则(试行)》, 人社鉴发〔2019〕2号; research/union.md §5.5,
source http://www.jmdrkj.cn/209234.html): 1 capital letter + 21 digits = 22 characters —
issuer type (Y 用人单位 / S 社会培训评价组织), institution code (4; 0000 = filed with the province),
province (2, GB/T 2260, Zhejiang 33), site serial (6), issue year (2), level (1: 5 = 五级 … 1 = 一级),
certificate serial (6). Example: ``Y000133000001244000123`` (Y · 0001 · 33 · 000001 · 24 · level 4 · 000123).

Legacy 职业资格证书 (pre-2020, research/union.md §5.5, https://www.qqbanlv.com/wenku/12/315172.html): 16 digits —
year(2) + province/sector(2) + city(2) + institution type(1) + institution serial(3) + level(1) + serial(5).
Accepted on verification only, parsed loosely and flagged ``legacy``.

Enterprise-recognition certificate (WorkerHub's own format, no national rule exists): ``QY-<USCC>-<YY>-<NNNNNN>``,
i.e. "QY" (企业), the issuing enterprise's 18-character unified social credit code (GB 32100, check character
verified), the 2-digit issue year and a 6-digit serial — 31 characters, e.g. ``QY-91350100M000100Y43-25-000001``.
"""

import re
from dataclasses import dataclass

LEVELS = {
    5: ("五级", "初级工"),
    4: ("四级", "中级工"),
    3: ("三级", "高级工"),
    2: ("二级", "技师"),
    1: ("一级", "高级技师"),
}
ISSUER_TYPES = {"Y": "用人单位", "S": "社会培训评价组织"}
# GB/T 2260 province-level codes (first two digits).
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)

_SKILL_RE = re.compile(r"([YS])([0-9]{4})([0-9]{2})([0-9]{6})([0-9]{2})([0-9])([0-9]{6})", re.ASCII)
_LEGACY_RE = re.compile(r"[0-9]{16}", re.ASCII)
_ENTERPRISE_RE = re.compile(r"QY-([0-9A-HJ-NP-RTUW-Y]{18})-([0-9]{2})-([0-9]{6})", re.ASCII)

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CertNumberError(ValueError):
    """A certificate number that does not follow its rule; ``field`` names the offending part."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def level_label(level: int) -> str:
    """ "三级/高级工" for 3, the form 人社鉴发〔2021〕1号 prescribes on the certificate."""
    if level not in LEVELS:
        raise CertNumberError("level", f"等级代码应为 1–5，收到 {level}")
    return "/".join(LEVELS[level])


@dataclass(frozen=True)
class SkillCertNumber:
    """The seven parts of a 22-character skill-level certificate number."""

    issuer_type: str
    institution_code: str
    province: str
    site_serial: str
    year: str
    level: int
    serial: str
    legacy: bool = False
    kind: str = "skill"

    @property
    def number(self) -> str:
        return (
            f"{self.issuer_type}{self.institution_code}{self.province}{self.site_serial}"
            f"{self.year}{self.level}{self.serial}"
        )

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    @property
    def issuer_type_label(self) -> str:
        return ISSUER_TYPES[self.issuer_type]

    def __str__(self) -> str:
        return self.number


@dataclass(frozen=True)
class LegacyCertNumber:
    """A pre-2020 16-digit 职业资格证书 number, parsed loosely (level is None when the digit is not 1–5)."""

    number: str
    year: str
    province: str
    city: str
    institution_type: str
    institution_serial: str
    level: int | None
    serial: str
    legacy: bool = True
    kind: str = "legacy"

    @property
    def level_label(self) -> str | None:
        return level_label(self.level) if self.level else None

    def __str__(self) -> str:
        return self.number


@dataclass(frozen=True)
class EnterpriseCertNumber:
    """An enterprise-recognition certificate number ``QY-<USCC>-<YY>-<serial>``."""

    uscc: str
    year: str
    serial: str
    legacy: bool = False
    kind: str = "enterprise"

    @property
    def number(self) -> str:
        return f"QY-{self.uscc}-{self.year}-{self.serial}"

    def __str__(self) -> str:
        return self.number


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character of the first 17 characters of a unified social credit code."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def parse_skill_number(text: str) -> SkillCertNumber:
    """Parse a 22-character skill-level certificate number exactly (no case folding, no spaces)."""
    if not isinstance(text, str):
        raise CertNumberError("number", "证书编号必须是文本")
    if len(text) != 22:
        raise CertNumberError("number", f"职业技能等级证书编号应为 22 位，收到 {len(text)} 位")
    if text[0] not in ISSUER_TYPES:
        raise CertNumberError("issuer_type", "第 1 位应为评价机构类型 Y（用人单位）或 S（社会培训评价组织）")
    m = _SKILL_RE.fullmatch(text)
    if not m:
        raise CertNumberError("number", "第 2–22 位应全部为数字")
    issuer, inst, prov, site, year, level, serial = m.groups()
    if prov not in PROVINCES:
        raise CertNumberError("province", f"第 6–7 位省份代码 {prov} 不是有效的行政区划代码")
    if level not in "12345":
        raise CertNumberError("level", f"第 16 位等级代码应为 1–5，收到 {level}")
    if serial == "000000":
        raise CertNumberError("serial", "第 17–22 位证书流水号不能为 000000")
    return SkillCertNumber(issuer, inst, prov, site, year, int(level), serial)


def parse_legacy_number(text: str) -> LegacyCertNumber:
    """Parse a 16-digit legacy 职业资格证书 number loosely: only its shape is checked."""
    if not isinstance(text, str) or not _LEGACY_RE.fullmatch(text):
        raise CertNumberError("number", "职业资格证书编号应为 16 位数字")
    level = int(text[10])
    return LegacyCertNumber(
        number=text,
        year=text[0:2],
        province=text[2:4],
        city=text[4:6],
        institution_type=text[6],
        institution_serial=text[7:10],
        level=level if level in LEVELS else None,
        serial=text[11:16],
    )


def parse_enterprise_number(text: str) -> EnterpriseCertNumber:
    """Parse ``QY-<USCC>-<YY>-<serial>``, checking the USCC check character."""
    if not isinstance(text, str):
        raise CertNumberError("number", "证书编号必须是文本")
    m = _ENTERPRISE_RE.fullmatch(text)
    if not m:
        raise CertNumberError("number", "企业认可证书编号格式应为 QY-统一社会信用代码(18位)-年份(2位)-流水号(6位)")
    uscc, year, serial = m.groups()
    if uscc_check_char(uscc[:17]) != uscc[17]:
        raise CertNumberError("uscc", "统一社会信用代码校验位不正确")
    if serial == "000000":
        raise CertNumberError("serial", "流水号不能为 000000")
    return EnterpriseCertNumber(uscc, year, serial)


def parse_number(text: str) -> SkillCertNumber | LegacyCertNumber | EnterpriseCertNumber:
    """Parse any certificate number WorkerHub knows, exactly as given (see ``normalise_number``)."""
    if not isinstance(text, str):
        raise CertNumberError("number", "证书编号必须是文本")
    if text.startswith("QY-"):
        return parse_enterprise_number(text)
    if len(text) == 16 and text[:1].isdigit():
        return parse_legacy_number(text)
    return parse_skill_number(text)


def normalise_number(text: str) -> str:
    """What a person typed → the canonical form: surrounding spaces removed, letters upper-cased."""
    return text.strip().upper()


def build_number(
    *,
    issuer_type: str,
    institution_code: int | str,
    province: int | str,
    site_serial: int | str,
    year: int,
    level: int,
    serial: int,
) -> str:
    """Compose a 22-character skill-level certificate number; ``year`` may be 2025 or 25."""
    if issuer_type not in ISSUER_TYPES:
        raise CertNumberError("issuer_type", "评价机构类型应为 Y 或 S")
    parts = {}
    for field, value, width in (
        ("institution_code", institution_code, 4),
        ("province", province, 2),
        ("site_serial", site_serial, 6),
        ("serial", serial, 6),
    ):
        text = str(value).zfill(width) if isinstance(value, int) else value
        if isinstance(value, int) and value < 0 or not (len(text) == width and text.isascii() and text.isdigit()):
            raise CertNumberError(field, f"{field} 应为 {width} 位数字")
        parts[field] = text
    if not isinstance(year, int) or not (0 <= year <= 99 or 2000 <= year <= 2099):
        raise CertNumberError("year", "年份应为 2000–2099 或两位数")
    if level not in LEVELS:
        raise CertNumberError("level", "等级应为 1–5")
    number = (
        f"{issuer_type}{parts['institution_code']}{parts['province']}{parts['site_serial']}"
        f"{year % 100:02d}{level}{parts['serial']}"
    )
    parse_skill_number(number)  # province and serial checks
    return number


def build_enterprise_number(*, uscc: str, year: int, serial: int) -> str:
    """Compose ``QY-<USCC>-<YY>-<serial>`` and validate it."""
    if not isinstance(serial, int) or not 0 < serial <= 999999:
        raise CertNumberError("serial", "流水号应为 1–999999")
    if not isinstance(year, int) or not (0 <= year <= 99 or 2000 <= year <= 2099):
        raise CertNumberError("year", "年份应为 2000–2099 或两位数")
    number = f"QY-{uscc}-{year % 100:02d}-{serial:06d}"
    parse_enterprise_number(number)
    return number
