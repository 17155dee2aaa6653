"""Pure skills rules: exam eligibility per level, the pass rule, and competition credits (SPEC §3.1–§3.3).

No Django here. Every result explains itself: a tuple of ``Criterion`` rows (value, threshold, pass/fail and a
zh-Hans message) that a page, the API or the CLI can show as-is.
"""

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from workerhub.skills.certnumbers import LEVELS, level_label

DATA_FILE = Path(__file__).parent / "data" / "occupations.json"
PASS_MARK = Decimal(60)
REVIEW_LEVELS = frozenset({1, 2})


@dataclass(frozen=True)
class Criterion:
    """One checked condition."""

    name: str
    value: object
    threshold: object
    passed: bool
    message: str


@dataclass(frozen=True)
class Route:
    """One way to qualify (all its criteria must pass)."""

    name: str
    passed: bool
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Outcome:
    """An explainable yes/no."""

    passed: bool
    message: str
    criteria: tuple[Criterion, ...] = ()
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """What eligibility looks at. ``held_level`` is the best level held (1 = 一级), ``years_at_level`` since then."""

    years_in_trade: float = 0
    held_level: int | None = None
    years_at_level: float = 0
    education: str | None = None
    education_in_field: bool = False
    apprenticeship_completed: bool = False


@cache
def load_catalogue() -> dict:
    """The shipped occupation catalogue (data/occupations.json)."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def eligibility_routes(level: int, occupation: dict | None = None) -> list[dict]:
    """The routes for ``level``: the occupation's own, else the national default (research/union.md §5.2)."""
    table = (occupation or {}).get("eligibility") or load_catalogue()["eligibility_default"]
    return table[str(level)]


def _check_requirement(req: dict, c: Candidate) -> Criterion:
    kind = req["type"]
    if kind == "years_in_trade":
        ok = c.years_in_trade >= req["years"]
        return Criterion(
            "从事本职业年限",
            c.years_in_trade,
            req["years"],
            ok,
            f"从事本职业 {c.years_in_trade} 年，要求不少于 {req['years']} 年",
        )
    if kind == "apprenticeship":
        ok = c.apprenticeship_completed
        return Criterion("学徒期满", ok, True, ok, "本职业学徒期满" if ok else "未完成本职业学徒")
    if kind == "level_held":
        need = req["level"]
        has_level = c.held_level is not None and c.held_level <= need
        ok = has_level and c.years_at_level >= req["years"]
        held = level_label(c.held_level) if c.held_level in LEVELS else "无"
        msg = (
            f"已取得 {held} 证书 {c.years_at_level} 年，要求取得 {level_label(need)} 或以上证书后不少于 {req['years']} 年"
            if has_level
            else f"要求已取得 {level_label(need)} 或以上证书，当前为 {held}"
        )
        return Criterion("已取得等级及年限", (c.held_level, c.years_at_level), (need, req["years"]), ok, msg)
    if kind == "education":
        allowed = req["in"]
        ok = c.education in allowed and (c.education_in_field or not req.get("in_field"))
        suffix = "本专业" if req.get("in_field") else ""
        return Criterion(
            "学历", c.education, allowed, ok, f"学历 {c.education or '未填写'}，要求 {'/'.join(allowed)}{suffix}毕业"
        )
    raise ValueError(f"unknown requirement type {kind!r}")


def check_eligibility(candidate: Candidate, level: int, occupation: dict | None = None) -> Outcome:
    """May ``candidate`` sit the exam for ``level``? Any one route suffices; the level must be offered.

    Default routes, research/union.md §5.2 (typical 国家职业技能标准 wording): 五级 — 1 yr in the trade or an
    apprenticeship; 四级 — 五级 + 2 yrs, 6 yrs in the trade, or a 技工学校/中职 graduate; 三级 — 四级 + 4 yrs,
    or 大专+ and 四级 + 2 yrs; 二级 — 三级 + 4 yrs, a 高级技工学校/技师学院 graduate with 三级 + 3 yrs, or
    预备技师 + 2 yrs; 一级 — 二级 + 4 yrs.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be 1–5, got {level}")
    offered = (occupation or {}).get("levels")
    if offered is not None and level not in offered:
        crit = Criterion(
            "开设等级",
            level,
            tuple(offered),
            False,
            f"{occupation.get('name', '该职业')}未开设 {level_label(level)} 认定",
        )
        return Outcome(False, crit.message, (crit,))
    routes = []
    for spec in eligibility_routes(level, occupation):
        criteria = tuple(_check_requirement(r, candidate) for r in spec["requires"])
        routes.append(Route(spec["name"], all(x.passed for x in criteria), criteria))
    ok = any(r.passed for r in routes)
    winner = next((r.name for r in routes if r.passed), None)
    message = (
        f"符合 {level_label(level)} 申报条件：{winner}"
        if ok
        else f"不符合 {level_label(level)} 申报条件（需满足任一条件：{'；'.join(r.name for r in routes)}）"
    )
    return Outcome(ok, message, tuple(c for r in routes for c in r.criteria), tuple(routes))


def sessions_needed(total: int, ratio) -> int:
    """Sessions a learner must attend to complete a course: the completion share of ``total``, rounded up
    (80% of 12 sessions → 10)."""
    return math.ceil(Decimal(str(total)) * Decimal(str(ratio)))


def _score(name: str, value) -> Decimal:
    d = Decimal(str(value))
    if not Decimal(0) <= d <= Decimal(100):
        raise ValueError(f"{name} must be 0–100, got {value}")
    return d


def exam_result(theory, practical, level: int, review_passed: bool | None = None) -> Outcome:
    """Pass = theory ≥ 60 and practical ≥ 60; 一级/二级 also need a passed 综合评审 (SPEC §3.3;
    research/union.md §5.3: both parts out of 100, 60 passes; 二级 and 一级 add a 综合评审)."""
    if level not in LEVELS:
        raise ValueError(f"level must be 1–5, got {level}")
    t, p = _score("theory", theory), _score("practical", practical)
    criteria = [
        Criterion("理论知识考试", t, PASS_MARK, t >= PASS_MARK, f"理论知识考试 {t} 分，合格线 {PASS_MARK} 分"),
        Criterion("操作技能考核", p, PASS_MARK, p >= PASS_MARK, f"操作技能考核 {p} 分，合格线 {PASS_MARK} 分"),
    ]
    if level in REVIEW_LEVELS:
        msg = {True: "综合评审通过", False: "综合评审未通过", None: "尚未进行综合评审"}[review_passed]
        criteria.append(Criterion("综合评审", review_passed, True, review_passed is True, msg))
    ok = all(c.passed for c in criteria)
    failed = [c.name for c in criteria if not c.passed]
    return Outcome(ok, "合格" if ok else f"不合格：{'、'.join(failed)}未达要求", tuple(criteria))


# Zhejiang competition crediting, research/union.md §6 (https://epaper.zjgrrb.com/html/2016-01/28/content_2536289.htm)
# and national rules (http://scktv.com/news/show.php?itemid=674); SPEC §3.2. (tier, class) → best rank that earns it.
TECHNICAL_EXPERT_RANKS = {
    ("provincial", 1): 5,
    ("provincial", 2): 3,
    ("city", 1): 2,
    ("city", 2): 1,
    ("county", 1): 2,
    ("county", 2): 1,
}
PROMOTION_RANKS = {("provincial", 1): 8, ("provincial", 2): 5, ("city", 1): 3, ("city", 2): 1}
TITLE_BY_TIER = {"provincial": "浙江省技术能手", "city": "市技术能手", "county": "县技术能手"}
NATIONAL_AWARDS = ("金牌", "银牌", "铜牌", "优胜奖")
NATIONAL_EXPERT_RANKS = {1: 5, 2: 3, 3: 2}  # team size → best rank earning 全国技术能手
TIERS = ("national", "provincial", "city", "county", "enterprise")


@dataclass(frozen=True)
class Credit:
    """What a competition result earns."""

    kind: str  # "title" | "promotion"
    title: str
    needs_review: bool
    message: str
    level: int | None = None


@dataclass(frozen=True)
class CreditResult:
    credits: tuple[Credit, ...] = field(default_factory=tuple)

    @property
    def message(self) -> str:
        return "；".join(c.message for c in self.credits) or "该名次不产生政策积分"


def competition_credits(
    *,
    tier: str,
    contest_class: int | None = None,
    rank: int | None = None,
    award: str | None = None,
    held_level: int | None = None,
    team_size: int = 1,
) -> CreditResult:
    """Credits a competition result earns (SPEC §3.2, Zhejiang rules as shipped example).

    Provincial 一类 top 5 / 二类 top 3 → 浙江省技术能手; city (county) 一类 top 2 / 二类 first → 市(县)技术能手;
    provincial 一类 top 8, 二类 top 5, city 一类 top 3, 二类 first → 破格晋升 技师 (高级技师 for a holder of 技师)
    after review; national 优胜奖 or better → 技师, or 高级技师 for a holder of 技师, directly; national top 5
    (top 3 in pairs, top 2 in trios) → 全国技术能手.
    """
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}")
    if rank is not None and (not isinstance(rank, int) or rank < 1):
        raise ValueError("rank must be a positive integer")
    credits = []
    target = None if held_level is not None and held_level <= 1 else (1 if held_level == 2 else 2)
    if tier == "national":
        if award is not None and award not in NATIONAL_AWARDS:
            raise ValueError(f"unknown national award {award!r}")
        best = NATIONAL_EXPERT_RANKS.get(team_size)
        if rank is not None and best is not None and rank <= best:
            credits.append(Credit("title", "全国技术能手", False, f"全国竞赛第 {rank} 名，授予全国技术能手"))
        if award is not None and target is not None:
            credits.append(
                Credit(
                    "promotion",
                    level_label(target),
                    False,
                    f"全国竞赛获{award}，直接晋升 {level_label(target)}",
                    target,
                )
            )
        return CreditResult(tuple(credits))
    if tier == "enterprise":
        return CreditResult()  # enterprise contests are recorded but earn no public policy credit (SPEC §3.2)
    if contest_class not in (1, 2):
        raise ValueError("contest_class must be 1 (一类) or 2 (二类)")
    if rank is None:
        return CreditResult()
    cls = "一类" if contest_class == 1 else "二类"
    best = TECHNICAL_EXPERT_RANKS.get((tier, contest_class))
    if best is not None and rank <= best:
        title = TITLE_BY_TIER[tier]
        credits.append(Credit("title", title, False, f"{cls}竞赛第 {rank} 名，授予{title}"))
    best = PROMOTION_RANKS.get((tier, contest_class))
    if best is not None and rank <= best and target is not None:
        credits.append(
            Credit(
                "promotion",
                level_label(target),
                True,
                f"{cls}竞赛第 {rank} 名，经审核可破格晋升 {level_label(target)}",
                target,
            )
        )
    return CreditResult(tuple(credits))
