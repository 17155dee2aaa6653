"""A hand-built Hangzhou data set for the precise profile (SPEC §2.5): five electricians (电工) whose raw values and
percentiles are worked out by hand in tests/talent/test_profiles.py, two data annotators (数据标注员, a 工种 of
人工智能训练师) and one Ningbo electrician alone in his peer group. Records are created directly with the ORM: this is
test data, not a workflow (nominations in state conferred / revoked, mentoring pairs, timeline visits)."""

from dataclasses import dataclass
from datetime import date
from itertools import count

from tests.conftest import make_person
from workerhub.core.models import Organisation
from workerhub.core.rules import id_check_char
from workerhub.skills.models import Certificate, Competition, CompetitionEvent, CompetitionResult, Occupation
from workerhub.talent.models import Honour, Mentorship, Nomination, Studio, TimelineEvent

AS_OF = date(2024, 6, 30)  # growth window from 2019-06-30, service window from 2021-06-30
_serial = count(1)


def person(name: str, region: str, occupation: str = "", employer=None):
    first17 = f"{region}19900101{next(_serial):03d}"
    p = make_person(name, first17 + id_check_char(first17), region, employer=employer)
    if occupation:
        p.occupation = occupation
        p.save(update_fields=["occupation"])
    return p


def certificate(holder, occupation: str, level: int, issued_on: date, issuer, *, revoked_on: date | None = None):
    occ = Occupation.objects.get(name=occupation)
    n = next(_serial)
    return Certificate.objects.create(
        number=f"TEST{n:018d}", kind="skill_level", person=holder, holder_name=holder.name,
        holder_id_masked="330106********0000", occupation=occ, occupation_name=occ.name, level=level, issuer=issuer,
        issuer_name=issuer.name, issued_on=issued_on, region_id=holder.region_id, token=f"t{n}",
        status="revoked" if revoked_on else "valid", revoked_on=revoked_on,
        revoked_reason="考试作弊" if revoked_on else "")


def honour(code: str, name: str, level: str, *, nominee_tier: bool = False) -> Honour:
    return Honour.objects.create(code=code, name=name, level=level, awarding_body="测试", subject="person",
                                 has_nominee_tier=nominee_tier)


def conferred(h: Honour, holder, cycle: int, on: date, *, tier="award", revoked_on: date | None = None):
    return Nomination.objects.create(
        honour=h, cycle=cycle, person=holder, subject_name=holder.name, region_id="330100", route="federation",
        tier=tier, state="revoked" if revoked_on else "conferred", decision_number=f"杭总〔{cycle}〕1号",
        conferred_on=on, revoked_on=revoked_on, revoke_reason="经查不实" if revoked_on else "")


def placing(holder, tier: str, rank: int, held_on: date, organiser, region: str = "330100"):
    comp = Competition.objects.create(name=f"{tier}赛{next(_serial)}", tier=tier, organiser=organiser,
                                      region_id=region, held_on=held_on)
    event = CompetitionEvent.objects.create(competition=comp, name="电工")
    return CompetitionResult.objects.create(event=event, person=holder, rank=rank)


@dataclass
class Cast:
    a: object
    b: object
    c: object
    d: object
    e: object
    f: object
    g: object
    h: object
    apprentices: list
    honours: dict


def build(world) -> Cast:
    global _serial
    _serial = count(1)  # each test starts from an empty database: numbers (and ID sequence digits) restart
    hz = world.orgs["hangzhou"]
    firm = world.orgs["firm_xihu"]
    issuer = Organisation.objects.create(name="杭州技师学院", kind="evaluator", region_id="330100")
    a = person("甲电工", "330106", " 电工 ", employer=firm)  # stated with stray spaces: normalised to 电工
    b = person("乙电工", "330102", "电工")
    c = person("丙电工", "330105", "电工")
    d = person("丁电工", "330106", "电工", employer=firm)
    e = person("戊电工", "330108", "电工")
    f = person("己标注", "330106", "数据标注员")  # a 工种: its group is the parent occupation 人工智能训练师
    g = person("庚标注", "330110")  # no stated occupation: the group of the best certificate
    h = person("辛电工", "330206", "电工")  # Ningbo: alone in his peer group

    # skill and growth: certificates (level 1 is the best)
    certificate(a, "电工", 4, date(2018, 5, 1), issuer)
    certificate(a, "电工", 3, date(2022, 5, 1), issuer)
    certificate(b, "电工", 5, date(2021, 5, 1), issuer)
    certificate(d, "电工", 4, date(2015, 5, 1), issuer)
    certificate(d, "电工", 3, date(2020, 5, 1), issuer, revoked_on=date(2021, 1, 1))  # revoked: ignored
    certificate(e, "数据标注员", 1, date(2010, 5, 1), issuer)  # digital occupation → 数字工匠
    certificate(f, "数据标注员", 4, date(2023, 5, 1), issuer)
    certificate(g, "数据标注员", 3, date(2023, 5, 1), issuer)
    certificate(g, "电工", 5, date(2012, 5, 1), issuer)
    certificate(h, "电工", 1, date(2012, 5, 1), issuer)
    certificate(c, "电工", 2, date(2024, 7, 15), issuer)  # issued after AS_OF: not yet held
    placing(b, "city", 2, date(2023, 10, 1), hz)  # +3
    placing(c, "enterprise", 5, date(2023, 10, 1), hz)  # 5th: not a placing
    placing(a, "provincial", 1, date(2024, 8, 1), hz)  # after AS_OF: not counted

    honours = {
        "national": honour("t_national", "全国五一劳动奖章", "national", nominee_tier=True),
        "provincial": honour("t_provincial", "浙江工匠", "provincial"),
        "city": honour("t_city", "杭州工匠", "city"),
        "county": honour("t_county", "西湖工匠", "county"),
        "enterprise": honour("t_enterprise", "企业优秀员工", "enterprise"),
    }
    conferred(honours["provincial"], a, 2023, date(2023, 4, 28))  # 8
    conferred(honours["national"], b, 2020, date(2020, 4, 28), tier="nominee")  # nominee: 10 / 2 = 5
    conferred(honours["city"], c, 2021, date(2021, 4, 28), revoked_on=date(2023, 3, 1))  # revoked before AS_OF: 0
    conferred(honours["county"], d, 2022, date(2022, 4, 28))  # 4
    conferred(honours["enterprise"], d, 2010, date(2010, 4, 28))  # 2
    conferred(honours["city"], e, 2018, date(2018, 4, 28), revoked_on=date(2024, 9, 1))  # revoked after AS_OF: 6
    Nomination.objects.create(honour=honours["provincial"], cycle=2024, person=c, subject_name=c.name,
                              region_id="330100", route="federation", state="publicised")  # not conferred: 0

    # innovation: studios led (3) and joined (1)
    s1 = Studio.objects.create(name="甲电工创新工作室", level="city", leader=a, organisation=firm, region_id="330106")
    s2 = Studio.objects.create(name="电力创新工作室", level="enterprise", leader=h, organisation=firm, region_id="330106")
    s1.members.add(b, e)
    s2.members.add(a, e)

    # mentoring: A has six apprentices, five reached their goal; B one in progress
    apprentices = [person(f"徒弟{i}", "330206", "学徒工") for i in range(6)]
    for i, p in enumerate(apprentices):
        Mentorship.objects.create(master=a, apprentice=p, region_id="330106", started_on=date(2020, 3, 1),
                                  status="achieved" if i < 5 else "active", goal_level=4)
    Mentorship.objects.create(master=b, apprentice=apprentices[0], region_id="330102", started_on=date(2023, 3, 1))

    # service: enterprise visits (助企服务) on the timeline, counted for three years back from AS_OF
    for holder, on in ((c, date(2022, 3, 1)), (c, date(2024, 6, 1)), (c, date(2020, 3, 1)), (d, date(2023, 9, 9))):
        TimelineEvent.objects.create(person=holder, region_id=holder.region_id, kind="visit", on=on, title="助企服务")
    TimelineEvent.objects.create(person=a, region_id="330106", kind="care", on=date(2023, 1, 1), title="疗休养")
    return Cast(a, b, c, d, e, f, g, h, apprentices, honours)
