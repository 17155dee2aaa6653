"""Skills demo data (SPEC §1.9, §3; seed: 《浙江工人日报》2024-03-13).

Wenzhou's "一试双证" pilot: 浙江安防职业技术学院 recorded as an evaluation body, the 数字技能人才协同培育联盟 of the
college, enterprises of 中国(温州)数安港 and a training school (one enterprise does not recognise the alliance's
certificates), shared courses, one published 数据标注员 四级 session whose passes hold two signed certificates each
(one enterprise certificate revoked), and a 数据安全管理员 session open for registration. Ningbo's 大港工业社区
(北仑 新碶街道): ten courses with sessions, attendance and completions, and five competitions with results and
the credits they earned (one promotion still waiting for review).

Everything goes through ``services`` so that certificates are really numbered and signed and every write is
audited. Deterministic and idempotent: each part is skipped when its natural key exists.
"""

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from workerhub.core.demo import GIVEN, PASSWORD, SURNAMES, id_number
from workerhub.core.models import Organisation, Person, Role, RoleBinding, User
from workerhub.core.pii import lookup_hash
from workerhub.core.rules import parse_id_number, uscc_check_char

from . import services
from .models import Alliance, Certificate, Competition, Course, Credit, Evaluator, Occupation

SEED = 20240313  # the seed's front page
OUHAI = "330304"  # 瓯海区: 中国(温州)数安港 lies in the 瓯海经济开发区 (seed)
BEILUN = "330206"  # 北仑区: 新碶街道大港工业社区 (seed)

COLLEGE = "浙江安防职业技术学院"
PARK = "中国(温州)数安港"
# The college's 4-digit institution code (人社鉴发〔2019〕2号 positions 2–5) is not published: "0133" is assumed,
# as is the 6-digit site serial of the 数安港 exam site.
INSTITUTION_CODE = "0133"
SITE_CODE = "000001"
ALLIANCE = "瓯越数字技谷数字技能人才协同培育联盟"
# Enterprises of the 数安港: synthetic names; credit codes 91 + 330304 + an organisation code, check character
# computed (GB 32100). (name, organisation code, recognises the alliance's certificates)
ENTERPRISES = [
    ("温州数安港数据科技有限公司", "MA2HB6LQ5", True),  # the partner: issues the enterprise certificates
    ("温州瓯越数据标注服务有限公司", "MA2HC8N2X", True),
    ("浙江数安合规测评技术有限公司", "MA2HD3R7U", True),
    ("温州数港网络安全技术有限公司", "MA2HE5T9W", False),
]
TRAINING_BODY = "温州市瓯海区数字技能职业培训学校"  # synthetic
EXAM_DATE, ISSUED_ON = date(2024, 4, 20), date(2024, 5, 10)  # assumed: a month after the pilot's launch
CANDIDATES = 30
FAILS, ABSENT, REVOKED = (7, 13, 19, 26), 22, 5  # candidate indexes

# Ningbo (seed): "推出了CAD制图、工业机器人等十大培训课程及应急救护、供应链管理等五大技能赛事".
# CAD制图 and 工业机器人 are the seed's; the other eight titles are synthetic, matching the district's industries.
COMMUNITY = "北仑区新碶街道大港工业社区"
COURSES = [  # (title, occupation, hours, sessions)
    ("CAD制图", "CAD绘图员", 32, 8),
    ("工业机器人", "工业机器人系统操作员", 40, 10),
    ("电工基础与安全用电", "电工", 24, 6),
    ("焊接工艺与实操", "焊工", 32, 8),
    ("数控车床编程", None, 24, 6),
    ("PLC编程与应用", None, 24, 6),
    ("叉车安全操作", None, 16, 4),
    ("供应链管理实务", None, 16, 4),
    ("应急救护", None, 16, 4),
    ("质量管理与检验", None, 20, 5),
]
COMPLETED_COURSES = 7  # the first seven have been through completion; the last three wait for it
# Five competitions; the seed names 应急救护 and 供应链管理 and gives no tiers: tiers and classes are assumed so that
# the demo shows each crediting rule. (name, tier, class, organiser, region, held on, event, occupation, team size)
COMPETITIONS = [
    ("大港工业社区应急救护技能竞赛", "county", 2, COMMUNITY, BEILUN, date(2024, 5, 18), "应急救护", None, 1),
    ("大港工业社区供应链管理技能竞赛", "county", 1, COMMUNITY, BEILUN, date(2024, 6, 15), "供应链管理", None, 1),
    ("北仑区CAD制图技能竞赛", "county", 2, "北仑区总工会", BEILUN, date(2024, 7, 13), "CAD制图", "CAD绘图员", 1),
    ("宁波市工业机器人系统操作员职业技能竞赛(北仑赛区)", "city", 1, "宁波市总工会", "330200", date(2024, 9, 21),
     "工业机器人系统操作员", "工业机器人系统操作员", 1),
    ("宁波舟山港集团电工技能比武", "enterprise", 2, "宁波舟山港集团有限公司", BEILUN, date(2024, 10, 26),
     "电工(双人赛)", "电工", 2),
]


def _aware(d: date, hour: int = 19):
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour))


def _org(name, kind, region, parent=None, credit_code=None) -> Organisation:
    org, _ = Organisation.objects.get_or_create(name=name, region_id=region, defaults={
        "kind": kind, "parent": parent, "credit_code": credit_code})
    return org


def _people(rng: random.Random, count: int, region: str, employers: list, occupation: str = "") -> list[Person]:
    """Synthetic workers with valid synthetic ID numbers; a re-run regenerates the same numbers and reuses them."""
    out = []
    for i in range(count):
        birth = date(1978, 1, 1) + timedelta(days=rng.randrange(365 * 24))
        idn = id_number(rng, region, birth)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        out.append(_person(name, idn, region, employers[i % len(employers)], occupation))
    return out


def _person(name, idn, region, employer, occupation="") -> Person:
    key = lookup_hash(idn)
    found = Person.objects.filter(id_number_hash=key).first()
    if found:
        return found
    parsed = parse_id_number(idn)
    return Person.objects.create(name=name, id_number=idn, id_number_hash=key, birth_date=parsed.birth_date,
                                 sex=parsed.sex, region_id=region, employer=employer, union=employer,
                                 occupation=occupation, education="college")


def _sessions(course, first: date, count: int, rng, venue: str) -> list:
    out = []
    for n in range(count):
        day = first + timedelta(days=7 * (n // 2) + 2 * (n % 2))  # two evenings a week
        out.append(services.add_course_session(actor=None, course=course, starts_at=_aware(day),
                                               ends_at=_aware(day, 21), venue=venue, topic=f"第{n + 1}讲"))
    return out


def _attend(course, sessions, enrolments, rng, always=None) -> None:
    keen = {e.pk: rng.uniform(0.55, 1.0) for e in enrolments}  # how reliably each learner turns up
    if always is not None:
        keen[always.pk] = 1.0
    for s in sessions:
        services.record_attendance(actor=None, session=s, present=[e.pk for e in enrolments
                                                                   if rng.random() < keen[e.pk]])


# --- Wenzhou --------------------------------------------------------------------------------------------------

def _wenzhou(rng: random.Random) -> dict:
    ouhai_fed = Organisation.objects.filter(name="瓯海区总工会", region_id=OUHAI).first()
    college = _org(COLLEGE, Organisation.Kind.EVALUATOR, OUHAI)
    park = _org(PARK, Organisation.Kind.ENTERPRISE, OUHAI)
    evaluator, _ = Evaluator.objects.get_or_create(organisation=college, defaults={
        "issuer_type": Evaluator.IssuerType.SOCIAL, "institution_code": INSTITUTION_CODE,
        "query_url": "http://jndj.osta.org.cn"})
    firms = []
    for name, org_code, _recognises in ENTERPRISES:
        first17 = "91" + OUHAI + org_code
        firms.append(_org(name, Organisation.Kind.ENTERPRISE, OUHAI, ouhai_fed, first17 + uscc_check_char(first17)))
    school = _org(TRAINING_BODY, Organisation.Kind.OTHER, OUHAI)
    partner = firms[0]
    eval_user = User.objects.filter(username="wenzhou_eval").first()

    founded = date(2024, 3, 8)  # the seed's "近日" before 2024-03-13; the exact day is assumed
    alliance = services.create_alliance(
        actor=None, name=ALLIANCE, region_id=OUHAI, lead=college, founded_on=founded, lead_kind="college",
        description="瓯海区聚焦中国(温州)数安港特色产业,与院校、企业、培训机构建立数字技能人才协同培育联盟,"
                    "共育、共评、共享数字技能人才(《浙江工人日报》2024年3月13日)。")
    services.add_alliance_member(actor=None, alliance=alliance, organisation=park, kind="enterprise",
                                 joined_on=founded)
    for (_name, _code, recognises), firm in zip(ENTERPRISES, firms, strict=True):
        services.add_alliance_member(actor=None, alliance=alliance, organisation=firm, kind="enterprise",
                                     recognises=recognises, joined_on=founded)
    services.add_alliance_member(actor=None, alliance=alliance, organisation=school, kind="training",
                                 joined_on=founded)

    # Candidates: 陈晓明 (the demo worker) and 29 synthetic Ouhai workers of the park's enterprises.
    chen = _person("陈晓明", id_number(rng, OUHAI, date(1990, 1, 1)), OUHAI, partner, "数据标注员")
    people = [chen] + _people(rng, CANDIDATES - 1, OUHAI, firms[:3], "数据标注员")

    # Shared courses of the alliance: the college's exam preparation (all candidates) and the school's basics.
    occupation = Occupation.objects.get(name="数据标注员")
    prep = services.create_course(actor=None, title="数据标注员(四级)考前培训", organiser=college, region_id=OUHAI,
                                  occupation=occupation, alliance=alliance, hours=36, capacity=40)
    sessions = _sessions(prep, date(2024, 3, 18), 6, rng, "浙江安防职业技术学院 实训楼")
    enrolments = [services.enrol(actor=None, course=prep, person=p, on=date(2024, 3, 15)) for p in people]
    _attend(prep, sessions, enrolments, rng, always=enrolments[0])  # 陈晓明 came to every class
    services.complete_course(actor=None, course=prep, on=date(2024, 4, 15))
    basics = services.create_course(actor=None, title="数据安全与合规基础", organiser=school, region_id=OUHAI,
                                    occupation=Occupation.objects.filter(name="数据安全管理员").first(),
                                    alliance=alliance, hours=16)
    b_sessions = _sessions(basics, date(2024, 4, 8), 4, rng, "数安港 培训中心")
    b_enrol = [services.enrol(actor=None, course=basics, person=p, on=date(2024, 4, 1)) for p in people[10:22]]
    _attend(basics, b_sessions, b_enrol, rng)

    # The published session: 30 candidates, 25 passes, 4 fails, 1 absent; two certificates per pass.
    session = services.create_exam_session(
        actor=eval_user, occupation=occupation, level=4, exam_date=EXAM_DATE, site="中国(温州)数安港 数字技能实训中心",
        site_code=SITE_CODE, region_id=OUHAI, evaluator=evaluator, capacity=40, partner=partner, alliance=alliance)
    regs = []
    for i, p in enumerate(people):
        declared = ({"education": "中职", "education_in_field": True} if i % 5 == 4 else
                    {"held_level": 5, "held_since": "2021-06-30"} if i % 5 == 3 else
                    {"years_in_trade": 6 + i % 4})
        regs.append(services.register_candidate(actor=eval_user, session=session, person=p, declared=declared,
                                                via="evaluator"))
    rows = []
    for i, reg in enumerate(regs):
        if i == ABSENT:
            rows.append(services.ScoreRow(registration_id=reg.pk, absent=True))
            continue
        theory, practical = rng.randint(64, 95), rng.randint(62, 96)
        if i == 0:
            theory, practical = 86, 91
        if i in FAILS:  # one part under 60
            theory, practical = (rng.randint(41, 58), practical) if i % 2 else (theory, rng.randint(45, 59))
        rows.append(services.ScoreRow(registration_id=reg.pk, theory=theory, practical=practical))
    result = services.record_scores(actor=eval_user, session=session, rows=rows)
    assert not result.errors, result.errors
    services.publish_results(actor=eval_user, session=session, issued_on=ISSUED_ON)
    revoked = Certificate.objects.get(registration=regs[REVOKED], kind=Certificate.Kind.ENTERPRISE)
    services.revoke_certificate(
        actor=None, certificate=revoked, on=date(2024, 9, 2), document="温数科〔2024〕7号",
        reason="持证人违反合作企业数据安全保密承诺,经企业复核撤销企业认可(职业技能等级证书不受影响)")

    # A second session, open for registration: 数据安全管理员 四级 (the occupation starts at 四级), six weeks ahead.
    security = Occupation.objects.get(name="数据安全管理员")
    upcoming = services.create_exam_session(
        actor=eval_user, occupation=security, level=4, exam_date=timezone.localdate() + timedelta(days=42),
        site="中国(温州)数安港 数字技能实训中心", site_code=SITE_CODE, region_id=OUHAI, evaluator=evaluator,
        capacity=40, partner=partner, alliance=alliance)
    for p in people[10:16]:
        services.register_candidate(actor=eval_user, session=upcoming, person=p, declared={"years_in_trade": 7},
                                    via="evaluator")

    # The demo worker's login: 陈晓明 holds both certificates of his pass.
    user, _ = User.objects.get_or_create(username="chenxm", defaults={"person": chen})
    user.set_password(PASSWORD)
    user.person = chen
    user.save()
    RoleBinding.objects.get_or_create(user=user, role=Role.WORKER, organisation=partner)
    return {"session": session, "passed": sum(1 for r in session.registrations.all() if r.result == "passed")}


# --- Ningbo ---------------------------------------------------------------------------------------------------

def _ningbo(rng: random.Random, scale: float) -> int:
    beilun_fed = Organisation.objects.filter(name="北仑区总工会", region_id=BEILUN).first()
    community = _org(COMMUNITY, Organisation.Kind.OTHER, BEILUN, beilun_fed)
    if Course.objects.filter(organiser=community).exists():
        return 0
    port = _org("宁波舟山港集团有限公司", Organisation.Kind.ENTERPRISE, BEILUN)
    employers = [port] + list(Organisation.objects.filter(kind="enterprise", region_id=BEILUN).exclude(pk=port.pk)
                              .order_by("pk")[:5])
    pool = _people(rng, max(30, round(240 * scale)), BEILUN, employers)
    officer = User.objects.filter(username="ningbo").first()
    per_course = max(8, round(24 * scale))
    for i, (title, occupation, hours, count) in enumerate(COURSES):
        course = services.create_course(
            actor=officer, title=title, organiser=community, region_id=BEILUN, hours=hours, capacity=40,
            occupation=Occupation.objects.filter(name=occupation).first() if occupation else None,
            description="大港工业社区技能型社区建设“精技赋能”项目十大培训课程之一(《浙江工人日报》2024年3月13日)")
        first = date(2024, 3, 18) + timedelta(days=3 * i)
        sessions = _sessions(course, first, count, rng, "大港工业社区 职工技能实训室")
        learners = rng.sample(pool, min(len(pool), per_course + rng.randrange(-3, 4)))
        enrolments = [services.enrol(actor=officer, course=course, person=p, on=first - timedelta(days=5))
                      for p in learners]
        _attend(course, sessions, enrolments, rng)
        if i < COMPLETED_COURSES:
            services.complete_course(actor=officer, course=course, on=sessions[-1].starts_at.date() + timedelta(days=1))
    made = 0
    for name, tier, cls, organiser, region, held_on, event_name, occupation, team in COMPETITIONS:
        if Competition.objects.filter(name=name, held_on=held_on).exists():
            continue
        org = Organisation.objects.filter(name=organiser).order_by("pk").first()
        comp = services.create_competition(actor=None, name=name, tier=tier, contest_class=cls, organiser=org,
                                           region_id=region, held_on=held_on)
        event = services.add_competition_event(
            actor=None, competition=comp, name=event_name, team_size=team,
            occupation=Occupation.objects.filter(name=occupation).first() if occupation else None)
        for rank, person in enumerate(rng.sample(pool, 10), start=1):
            services.record_result(actor=officer, event=event, person=person, rank=rank,
                                   score=round(96 - rank * 2.5 - rng.random() * 2, 2))
        made += 1
    # The city contest's promotions after review: the winner's approved, the runner-up's refused, third waits.
    city = Credit.objects.filter(kind="promotion", result__event__competition__tier="city", status="pending",
                                 result__event__competition__name=COMPETITIONS[3][0]).order_by("result__rank")
    pending = list(city)
    if len(pending) == 3:
        services.decide_credit(actor=officer, credit=pending[0], approve=True)
        services.decide_credit(actor=officer, credit=pending[1], approve=False)
    return made


@transaction.atomic
def build(*, stdout=None, scale: float = 1.0) -> None:
    """Load the skills demo. ``scale`` shrinks only the Ningbo learner pool and course sizes; the Wenzhou session
    (30 candidates) and the five competitions are the same at any scale."""
    summary = ""
    if not Alliance.objects.filter(name=ALLIANCE).exists():
        got = _wenzhou(random.Random(SEED))
        summary += f"温州“一试双证”考试 {got['session']}:合格 {got['passed']} 人;"
    made = _ningbo(random.Random(SEED + 1), scale)
    if stdout:
        stdout.write(f"{summary}证书 {Certificate.objects.count()},培训课程 {Course.objects.count()},"
                     f"技能竞赛 {Competition.objects.count()}(新增 {made});"
                     f"演示账号 wenzhou_eval(评价机构,浙江安防职业技术学院)、chenxm(职工,陈晓明:数据标注员四级"
                     f"职业技能等级证书和企业认可证书),密码同下")
