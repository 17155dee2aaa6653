"""Pure talent rules: who may be put forward for an honour, and how many places of a quota are taken (SPEC §2.2).

No Django here. The rules of each honour are data (data/honours.json, ``eligibility``); ``check_eligibility`` reads
them against the facts of one nomination and answers with an ``Outcome`` whose ``Criterion`` rows say, in Chinese,
what was checked and why it passed or failed — the same shape as skills/rules.py.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "honours.json"

# Honour levels from the lowest up; a prerequisite "min_level: city" is met by a city, provincial or national one.
LEVEL_ORDER = ("enterprise", "county", "city", "provincial", "national")
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "city": "市级", "county": "县级", "enterprise": "企业级"}
FLAG_NAMES = {
    "wage_arrears": "拖欠工资", "social_insurance": "欠缴社会保险", "no_union": "未建工会", "no_congress": "未建职代会",
    "no_collective_contract": "未签集体合同", "safety_incident": "重大安全事故", "dishonest": "重大失信",
}
ROUTE_NAMES = {"enterprise_union": "企业工会推荐", "federation": "下级工会推荐", "self": "个人自荐", "public": "公众推荐"}
DEFAULT_ROUTES = ("enterprise_union", "federation")
# The quota region of an honour whose quotas use "*": the selecting federation sits at this many code digits.
SELECTING_PREFIX = {"national": 2, "provincial": 2, "city": 4, "county": 6, "enterprise": 6}


@dataclass(frozen=True)
class Criterion:
    """One checked condition."""

    name: str
    value: object
    threshold: object
    passed: bool
    message: str


@dataclass(frozen=True)
class Outcome:
    """An explainable yes/no."""

    passed: bool
    message: str
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class HeldHonour:
    """An honour the subject holds or held: its catalogue code and level, conferral and revocation dates."""

    code: str
    name: str
    level: str
    conferred_on: date
    revoked_on: date | None = None

    def held_on(self, day: date) -> bool:
        return self.conferred_on <= day and (self.revoked_on is None or self.revoked_on > day)


@dataclass(frozen=True)
class Flag:
    """A fact on the employer's negative list (core ComplianceFlag): what, from when, until when (None = still)."""

    flag: str
    since: date
    until: date | None = None


@dataclass(frozen=True)
class Facts:
    """What eligibility looks at. Person facts come from records (union membership) or are declared on the
    nomination (front line, years in skilled work, a waiver); held honours and employer flags from records."""

    subject_kind: str = "person"
    region: str = ""
    union_member_since: date | None = None
    is_union_member: bool = False
    front_line: bool | None = None
    years_skilled: float | None = None
    years_waived: bool = False
    held: tuple[HeldHonour, ...] = ()
    employer_flags: tuple[Flag, ...] = ()
    expert_score: Decimal | None = None


@cache
def load_catalogue() -> dict:
    """The shipped honour catalogue (data/honours.json)."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def level_at_least(level: str, minimum: str) -> bool:
    return LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(minimum)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def flag_in_window(flag: Flag, on: date, years: int) -> bool:
    """Whether a negative-list fact overlaps the ``years`` before ``on``: it began on or before ``on`` and had not
    ended before the window opened. "A safety accident bars the firm for 3 years" = window of 3 years."""
    start = _years_before(on, years)
    return flag.since <= on and (flag.until is None or flag.until >= start)


def check_eligibility(honour: dict, facts: Facts, on: date) -> Outcome:
    """May this subject be put forward for ``honour`` (a catalogue entry: code, name, level, eligibility,
    has_expert_review) on ``on``? Every rule the honour carries is checked; all must pass.

    Rules (data/honours.json ``eligibility``, sources in data/README.md): ``regions`` (code prefixes the subject
    must lie in, e.g. 杭州工匠 "3301"); ``union_member``; ``min_years_skilled`` (杭州工匠 ≥ 10, 港城工匠 ≥ 15;
    ``years_waiver`` names who is exempt); ``front_line``; ``prerequisite.min_level`` (a national model must
    already hold a provincial-level honour, a provincial model a city-level one — research/union.md §1.6);
    ``no_repeat`` (holders of the same title are not nominated again); ``negative_list`` (the employer's flags
    within ``window_years``, per-flag ``windows``); and a recorded expert score where the honour has expert review.
    """
    rules = honour.get("eligibility") or {}
    criteria: list[Criterion] = []
    person = facts.subject_kind == "person"
    if honour.get("subject") and honour["subject"] != facts.subject_kind:
        criteria.append(Criterion("授予对象", facts.subject_kind, honour["subject"], False,
                                  f"{honour['name']}的授予对象为{_subject_name(honour['subject'])},"
                                  f"不能推荐{_subject_name(facts.subject_kind)}"))
    regions = rules.get("regions")
    if regions:
        ok = any(facts.region.startswith(p) for p in regions)
        criteria.append(Criterion("地区", facts.region, tuple(regions), ok,
                                  f"所在地区 {facts.region or '未知'}" + ("在评选范围内" if ok else "不在评选范围内")))
    if rules.get("union_member") and person:
        ok = facts.is_union_member and (facts.union_member_since is None or facts.union_member_since <= on)
        since = f"({facts.union_member_since:%Y-%m-%d} 入会)" if facts.union_member_since else ""
        criteria.append(Criterion("工会会员", facts.is_union_member, True, ok,
                                  f"是工会会员{since}" if ok else "须为工会会员,档案中未登记会籍"))
    need = rules.get("min_years_skilled")
    if need and person:
        years = facts.years_skilled
        if facts.years_waived and rules.get("years_waiver"):
            criteria.append(Criterion("从事技能工作年限", years, need, True,
                                      f"不受年限限制:{rules['years_waiver']}"))
        else:
            ok = years is not None and years >= need
            criteria.append(Criterion("从事技能工作年限", years, need, ok,
                                      f"从事技能工作 {_num(years)} 年,要求不少于 {need} 年"))
    if rules.get("front_line"):
        ok = facts.front_line is True
        who = "本人" if person else "该集体"
        criteria.append(Criterion("一线", facts.front_line, True, ok,
                                  f"{who}在生产一线" if ok else f"须在生产一线,{who}未申报为一线"))
    prereq = rules.get("prerequisite")
    if prereq:
        minimum = prereq["min_level"]
        held = [h for h in facts.held if h.held_on(on) and level_at_least(h.level, minimum)]
        ok = bool(held)
        msg = (f"已获{LEVEL_NAMES[minimum]}以上荣誉:{'、'.join(sorted({h.name for h in held}))}" if ok
               else f"{prereq.get('text') or '须已获得' + LEVEL_NAMES[minimum] + '以上荣誉'},档案中没有")
        criteria.append(Criterion("荣誉基础", tuple(h.code for h in held), minimum, ok, msg))
    if rules.get("no_repeat"):
        same = [h for h in facts.held if h.code == honour["code"] and h.held_on(on)]
        ok = not same
        criteria.append(Criterion("未获同一荣誉", len(same), 0, ok,
                                  "未获过该荣誉" if ok else f"已于 {same[0].conferred_on:%Y-%m-%d} 获得{honour['name']},不重复授予"))
    negative = rules.get("negative_list")
    if negative:
        default = negative.get("window_years", 1)
        windows = negative.get("windows", {})
        hits = [f for f in facts.employer_flags
                if f.flag in negative["flags"] and flag_in_window(f, on, windows.get(f.flag, default))]
        ok = not hits
        msg = ("所在单位不在负面清单" if ok else "所在单位有负面清单情形:" + "、".join(
            f"{FLAG_NAMES.get(f.flag, f.flag)}({f.since:%Y-%m-%d} 起,{windows.get(f.flag, default)} 年内不得推荐)"
            for f in hits))
        criteria.append(Criterion("单位负面清单", tuple(f.flag for f in hits), (), ok, msg))
    if honour.get("has_expert_review"):
        ok = facts.expert_score is not None
        criteria.append(Criterion("专家评审", facts.expert_score, None, ok,
                                  f"专家评审得分 {facts.expert_score}" if ok else "须录入专家评审得分"))
    failed = [c for c in criteria if not c.passed]
    message = (f"符合{honour['name']}推荐条件" if not failed
               else f"不符合{honour['name']}推荐条件:" + ";".join(c.message for c in failed))
    return Outcome(not failed, message, tuple(criteria))


def rules_in_words(honour: dict) -> list[str]:
    """The honour's eligibility rules as sentences for its catalogue page."""
    rules = honour.get("eligibility") or {}
    out = []
    if rules.get("regions"):
        out.append("被推荐对象须在评选地区内(地区代码以 " + "、".join(rules["regions"]) + " 开头)")
    if rules.get("union_member"):
        out.append("须为工会会员")
    if rules.get("min_years_skilled"):
        waiver = f"({rules['years_waiver']})" if rules.get("years_waiver") else ""
        out.append(f"从事技能工作不少于 {rules['min_years_skilled']} 年{waiver}")
    if rules.get("front_line"):
        out.append("须在生产一线")
    if rules.get("prerequisite"):
        p = rules["prerequisite"]
        out.append(p.get("text") or f"须已获得{LEVEL_NAMES[p['min_level']]}以上荣誉")
    if rules.get("no_repeat"):
        out.append("已获该荣誉者不重复推荐")
    if rules.get("negative_list"):
        n = rules["negative_list"]
        windows = n.get("windows", {})
        parts = [f"{FLAG_NAMES.get(f, f)}" + (f"({windows[f]} 年内)" if f in windows else "") for f in n["flags"]]
        out.append(f"所在单位 {n.get('window_years', 1)} 年内无以下情形:" + "、".join(parts))
    if honour.get("has_expert_review"):
        out.append("须经专家评审")
    if rules.get("direct_grant"):
        out.append("直接认定:" + rules["direct_grant"])
    out.append("推荐方式:" + "、".join(ROUTE_NAMES[r] for r in allowed_routes(honour)))
    return out


def allowed_routes(honour: dict) -> tuple[str, ...]:
    """How a subject may be put forward for ``honour`` (港城工匠 also by oneself or the public)."""
    return tuple((honour.get("eligibility") or {}).get("routes") or DEFAULT_ROUTES)


# --- Quotas ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """A nomination as the quota sees it."""

    state: str
    tier: str = "award"
    direct_grant: bool = False
    revoked_on: date | None = None


def quota_for(quotas: dict, level: str, region: str) -> tuple[str, int] | None:
    """The quota a subject in ``region`` competes for: ``(region prefix, places)``, or None when the honour has no
    published quota there. The most specific listed region containing ``region`` wins; ``"*"`` applies to any
    other region, counted per selecting federation at the honour's level (a city honour: per city)."""
    best = None
    for key, places in quotas.items():
        if key == "*":
            continue
        prefix = _prefix(key)
        if region.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, int(places))
    if best is None and "*" in quotas:
        best = (region[:SELECTING_PREFIX[level]], int(quotas["*"]))
    return best


def _prefix(code: str) -> str:
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def takes_place(place: Place, on: date) -> bool:
    """Whether a nomination occupies one of the places on ``on``: in publicity or conferred, as an award (not the
    提名奖 tier) and not a direct grant (直接认定, outside the quota); a revoked honour occupied its place until
    the day before its revocation date and frees it from that date (SPEC §2.2)."""
    if place.tier != "award" or place.direct_grant:
        return False
    if place.state in ("publicised", "conferred"):
        return True
    return place.state == "revoked" and place.revoked_on is not None and place.revoked_on > on


def places_taken(places, on: date) -> int:
    return sum(takes_place(p, on) for p in places)


def check_quota(quota: tuple[str, int] | None, taken: int, on: date, adding: int = 1) -> Outcome:
    """Whether ``adding`` more places fit: taken + adding ≤ the quota. No published quota → no limit."""
    if quota is None:
        return Outcome(True, "该地区无公布的名额限制")
    prefix, places = quota
    ok = taken + adding <= places
    c = Criterion("名额", taken + adding, places, ok,
                  f"{on:%Y-%m-%d} 已占名额 {taken} 个,名额 {places} 个" + ("" if ok else ",已满"))
    return Outcome(ok, c.message, (c,))


def _num(value) -> str:
    if value is None:
        return "未申报"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _subject_name(kind: str) -> str:
    return {"person": "个人", "team": "集体", "studio": "创新工作室"}.get(kind, kind)
