"""Rules of the precise profile (精准画像, SPEC §2.5) and the cultivation ladder (SPEC §2.6): plain Python, no Django.

Every number here is a definition the profile page prints under "how is this computed"; services/profiles.py
builds its set-based SQL from these same constants, so the page, the SQL and the tests cannot drift apart.

Sources: the seed (Ningbo: "precise portraits of how model workers and craftsmen are cultivated and what they
contribute"; Hangzhou: "studio — competition — model worker / craftsman"); SPEC §2.5 for the six dimensions and the
tags 带徒能手 ≥ 5 apprentices promoted, 攻关能手 ≥ 3 problems solved, 数字工匠 holds a digital occupation
certificate; research/union.md §1 for the order of honour levels (national > provincial > city > county >
enterprise) and for revocation ("a revoked honour stops counting from its revocation date").
"""

from dataclasses import dataclass

DIMENSIONS = ("skill", "honours", "innovation", "mentoring", "service", "growth")
DIMENSION_LABELS = {"skill": "技能", "honours": "荣誉", "innovation": "创新", "mentoring": "带徒",
                    "service": "服务企业", "growth": "成长"}

# skill: 10 points per step above "no certificate" (五级 = 10 … 一级 = 50), plus each top-3 placing by tier.
LEVEL_STEP_POINTS = 10
NO_LEVEL = 6  # "level 6" = no skill-level certificate: 6 − level counts the steps climbed
PLACING_TOP = 3
PLACING_POINTS = {"national": 5, "provincial": 4, "city": 3, "county": 2, "enterprise": 1}
# honours: per conferred, unrevoked personal honour by its level; the nominee tier (提名奖) counts half.
HONOUR_POINTS = {"national": 10, "provincial": 8, "city": 6, "county": 4, "enterprise": 2}
NOMINEE_DIVISOR = 2
# innovation (interim, until the innovation app's achievement library exists): studios led and joined.
STUDIO_LEAD_POINTS = 3
STUDIO_MEMBER_POINTS = 1
# mentoring: every apprentice, and more for each who reached the pair's goal (status "achieved").
APPRENTICE_POINTS = 1
APPRENTICE_ACHIEVED_POINTS = 2
# service: enterprise-assistance visits (助企服务) recorded on the timeline in the last SERVICE_YEARS years.
SERVICE_YEARS = 3
# growth: skill levels climbed and honours gained in the last GROWTH_YEARS years.
GROWTH_YEARS = 5
GROWTH_LEVEL_POINTS = 10
GROWTH_HONOUR_POINTS = 5

OTHER_GROUP = "其他"
GROUP_MAX_CHARS = 40  # Profile.occupation_group


def skill_value(best_level: int | None, placing_points: int) -> int:
    """10 × (6 − best level held) + placing points; no certificate counts as level 6 (0 points)."""
    return LEVEL_STEP_POINTS * (NO_LEVEL - (best_level or NO_LEVEL)) + placing_points


def honour_points(level: str, nominee: bool = False) -> int:
    points = HONOUR_POINTS[level]
    return points // NOMINEE_DIVISOR if nominee else points


def honour_counts(*, state: str, conferred_on, revoked_on, as_of) -> bool:
    """A personal honour counts on ``as_of`` once conferred and until its revocation date (SPEC §2.2)."""
    if state not in ("conferred", "revoked"):
        return False
    if conferred_on is not None and conferred_on > as_of:
        return False
    return revoked_on is None or revoked_on > as_of


def innovation_value(studios_led: int, studio_memberships: int) -> int:
    return STUDIO_LEAD_POINTS * studios_led + STUDIO_MEMBER_POINTS * studio_memberships


def mentoring_value(apprentices: int, achieved: int) -> int:
    return APPRENTICE_POINTS * apprentices + APPRENTICE_ACHIEVED_POINTS * achieved


def growth_value(levels_gained: int, honours_recent: int) -> int:
    return GROWTH_LEVEL_POINTS * levels_gained + GROWTH_HONOUR_POINTS * honours_recent


def levels_gained(level_then: int | None, best_level: int | None) -> int:
    """Steps climbed since the start of the growth window: (best then, or 6) − (best now, or 6)."""
    return max(0, (level_then or NO_LEVEL) - (best_level or NO_LEVEL))


def percentile_score(below: int, peers: int) -> int:
    """round(100 × percent_rank()): percent_rank = (rank − 1) / (n − 1) with ties sharing the lowest rank, so
    rank − 1 = the number of peers with a strictly smaller value; 0 when the person is alone in the group.
    Rounded half up in integer arithmetic, so that SQLite and PostgreSQL give the same integer."""
    if peers <= 1:
        return 0
    m = peers - 1
    return (200 * below + m) // (2 * m)


def peer_region(region_code: str) -> str:
    """The peer group's region: the person's city (prefecture), e.g. 330106 西湖区 → 330100 杭州市."""
    return region_code[:4] + "00"


def occupation_group(occupation: str, catalogue: dict[str, str] | None = None,
                     best_certificate_group: str | None = None) -> str:
    """The person's stated occupation (trimmed; a 工种 named in the catalogue joins its parent occupation), else the
    group of their best certificate, else 其他."""
    name = (occupation or "").strip()
    if name:
        return (catalogue or {}).get(name, name)[:GROUP_MAX_CHARS]
    return (best_certificate_group or OTHER_GROUP)[:GROUP_MAX_CHARS]


@dataclass(frozen=True)
class TagRule:
    """A tag given when ``metric`` (a key of the profile's raw metrics) reaches ``at_least``."""

    name: str
    metric: str
    at_least: int
    text: str
    data_note: str = ""


TAG_RULES = (
    TagRule("带徒能手", "apprentices_achieved", 5, "带出的徒弟中至少 5 人达成结对目标(晋级或获奖)"),
    TagRule("攻关能手", "problems_solved", 3, "解决企业技术难题至少 3 项",
            data_note="需求库(SPEC §4.3)尚未上线,暂无解决难题的记录,此标签暂不会出现"),
    TagRule("数字工匠", "digital_certificates", 1, "持有数字职业的职业技能等级证书"),
    TagRule("高技能人才", "level_two_or_better", 1, "持有二级/技师或一级/高级技师证书"),
    TagRule("竞赛能手", "placings", 1, "在技能竞赛中获得前三名"),
    TagRule("创新领衔人", "studios_led", 1, "领衔劳模和工匠人才创新工作室"),
    TagRule("助企先锋", "visits", 5, f"近 {SERVICE_YEARS} 年开展助企服务至少 5 次"),
)


def tags_for(metrics: dict) -> list[str]:
    return [rule.name for rule in TAG_RULES if metrics.get(rule.metric, 0) >= rule.at_least]


# The formula of each dimension, printed on the profile page and in the PDF.
DEFINITIONS = {
    "skill": (f"最高有效职业技能等级证书:每高一级 {LEVEL_STEP_POINTS} 分(五级 {LEVEL_STEP_POINTS} 分 … 一级 "
              f"{LEVEL_STEP_POINTS * 5} 分);技能竞赛每获一次前{PLACING_TOP}名加分:国家级 5、省级 4、市级 3、县级 2、企业级 1。"),
    "honours": ("已授予且未撤销的个人荣誉:国家级 10、省级 8、市级 6、县级 4、企业级 2 分,提名奖减半;"
                "荣誉自撤销之日起不再计分。"),
    "innovation": (f"暂以创新工作室计:领衔一个工作室 {STUDIO_LEAD_POINTS} 分,参加一个工作室 {STUDIO_MEMBER_POINTS} 分"
                   "(成果库上线后改为以创新成果计)。"),
    "mentoring": f"每带一名徒弟 {APPRENTICE_POINTS} 分,徒弟达成结对目标(晋级或获奖)再加 {APPRENTICE_ACHIEVED_POINTS} 分。",
    "service": f"近 {SERVICE_YEARS} 年成长记录中的助企服务次数,每次 1 分。",
    "growth": (f"近 {GROWTH_YEARS} 年:技能等级每提升一级 {GROWTH_LEVEL_POINTS} 分,每获得一项荣誉 "
               f"{GROWTH_HONOUR_POINTS} 分。"),
}
PERCENTILE_TEXT = ("各维度得分是在同类人员(同一城市、同一职业类别)中的百分位:得分 = round(100 × (名次 - 1) / (人数 - 1)),"
                   "名次按原始分从低到高排列,同分取最前的名次;同类人员只有 1 人时得分为 0。"
                   "例如 5 人的原始分为 0、0、3、5、5,则得分依次为 0、0、50、75、75。")


def explain(dimension: str, metrics: dict, value: int, score: int, peers: int) -> str:
    """One sentence: what the raw value is made of, and where it stands among peers."""
    m = metrics
    if dimension == "skill":
        level = m.get("best_level")
        held = f"最高持有{LEVEL_NAMES[level]}证书" if level else "暂无职业技能等级证书"
        parts = f"{held};技能竞赛前{PLACING_TOP}名 {m.get('placings', 0)} 次(加 {m.get('placing_points', 0)} 分)"
    elif dimension == "honours":
        parts = f"有效个人荣誉 {m.get('honours', 0)} 项"
    elif dimension == "innovation":
        parts = f"领衔创新工作室 {m.get('studios_led', 0)} 个,参加 {m.get('studio_memberships', 0)} 个"
    elif dimension == "mentoring":
        parts = f"带徒 {m.get('apprentices', 0)} 人,其中 {m.get('apprentices_achieved', 0)} 人达成目标"
    elif dimension == "service":
        parts = f"近 {SERVICE_YEARS} 年助企服务 {m.get('visits', 0)} 次"
    else:
        gained = levels_gained(m.get("level_then"), m.get("best_level"))
        parts = (f"近 {GROWTH_YEARS} 年技能等级提升 {gained} 级,"
                 f"获得荣誉 {m.get('honours_recent', 0)} 项")
    return f"{parts},原始分 {value};在 {peers} 名同类人员中得 {score} 分。"


LEVEL_NAMES = {1: "一级/高级技师", 2: "二级/技师", 3: "三级/高级工", 4: "四级/中级工", 5: "五级/初级工"}


# --- cultivation ladder (SPEC §2.6) -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Rung:
    code: str
    label: str
    next_hint: str  # what the people on this rung are candidates for


RUNGS = (
    Rung("studio", "创新工作室成员", "竞赛获奖"),
    Rung("competition", "竞赛获奖", "县级及以上工匠"),
    Rung("craftsman_county", "县级工匠", "市级工匠"),
    Rung("craftsman_city", "市级工匠", "省级及以上工匠"),
    Rung("craftsman_province", "省级及以上工匠", "劳动模范"),
    Rung("model_worker", "劳动模范", ""),
)
RUNG_INDEX = {r.code: i + 1 for i, r in enumerate(RUNGS)}  # 0 = not on the ladder
# A "competition winner": placed in the top three of a contest of county tier or higher.
LADDER_COMPETITION_TIERS = ("national", "provincial", "city", "county")
# Honours are data (the catalogue); which ones are craftsman or model-worker titles is read from their names.
CRAFTSMAN_WORDS = ("工匠",)
MODEL_WORKER_WORDS = ("劳动模范", "先进工作者")
CRAFTSMAN_RUNG_BY_LEVEL = {"national": "craftsman_province", "provincial": "craftsman_province",
                           "city": "craftsman_city", "county": "craftsman_county"}


def honour_rung(name: str, level: str) -> str | None:
    """Which rung a personal honour puts its holder on, if any (劳动模范 / 先进工作者 at any level above the
    enterprise; a 工匠 title by its level)."""
    if any(w in name for w in MODEL_WORKER_WORDS) and level != "enterprise":
        return "model_worker"
    if any(w in name for w in CRAFTSMAN_WORDS):
        return CRAFTSMAN_RUNG_BY_LEVEL.get(level)
    return None
