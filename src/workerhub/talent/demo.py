"""Talent demo data (SPEC §1.9, §2; seed: 《浙江工人日报》2024-03-13).

Ningbo: 宁波舟山港 with "10名全国劳模,27名省部级劳模,64名省部级工匠" — synthetic people except 竺士杰, whom the seed
names — each honour earned through the real workflow (nominate → review → 公示 → confer) on top of the honour from
the level below that its rules require; the 竺士杰创新工作室 (provincial, then national model studio) with members
and apprentices. Hangzhou: the 2024 round of 杭州工匠 and 杭州数字工匠 with nominations in every state — nominated,
reviewed, in publicity (one with an open objection), conferred, rejected, withdrawn — one direct grant and one
revocation. Deterministic; skipped when the port's people already exist (idempotent).
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from workerhub.core.demo import GIVEN, SURNAMES, id_number
from workerhub.core.models import Organisation, Person
from workerhub.core.pii import lookup_hash
from workerhub.core.rules import parse_id_number

from .models import Honour, Nomination
from .services import nominations as flow
from .services import people as crew
from .services.profiles import recompute_profiles

SEED = 20240313
BEILUN = "330206"
PORT = "宁波舟山港集团有限公司"
ZHU = ("竺士杰", "330206197805110037")  # synthetic ID number for the seed's named national model worker
FRONT_LINE = {"front_line": True, "years_skilled": 20}


def _person(rng, region, employer, occupation, born=None, name=None, idn=None) -> Person:
    born = born or date(1970, 1, 1) + timedelta(days=rng.randrange(365 * 25))
    idn = idn or id_number(rng, region, born)
    name = name or rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    key = lookup_hash(idn)
    found = Person.objects.filter(id_number_hash=key).first()
    if found:
        return found
    parsed = parse_id_number(idn)
    return Person.objects.create(name=name, id_number=idn, id_number_hash=key, birth_date=parsed.birth_date,
                                 sex=parsed.sex, region_id=region, employer=employer, union=employer,
                                 union_member_since=date(2000 + rng.randrange(10), 5, 1), occupation=occupation,
                                 education="college")


def _grant(honours, code, subject, cycle, *, publicity, conferred_on, decision, by, route="federation",
           declared=None, tier="award", direct=False, deeds="") -> Nomination:
    """Run one honour through the workflow with the system as actor; ``publicity`` is the 公示's first day (it lasts
    a calendar week, which holds five working days outside holiday weeks)."""
    kind = {"person": "person", "team": "team", "studio": "studio"}[honours[code].subject]
    n = flow.create_nomination(actor=None, honour=honours[code], cycle=cycle, route=route, nominated_by=by,
                               declared=declared if declared is not None else FRONT_LINE, tier=tier,
                               direct_grant=direct, deeds=deeds or "主要事迹(演示数据)", **{kind: subject})
    # Backdate the nomination to its round (the timeline shows when a subject was put forward); the audit log keeps
    # the real time of the demo run.
    put_forward = (publicity - timedelta(days=40)) if publicity else date(cycle, 7, 1)
    Nomination.objects.filter(pk=n.pk).update(created_at=timezone.make_aware(datetime.combine(put_forward, time(9))))
    if conferred_on is None and publicity is None:
        return n
    flow.review_nomination(actor=None, nomination=n, on=publicity - timedelta(days=3),
                           expert_score=88 if honours[code].has_expert_review else None)
    flow.publicise_nomination(actor=None, nomination=n, start=publicity, end=publicity + timedelta(days=6))
    if conferred_on is not None:
        flow.confer_honour(actor=None, nomination=n, decision_number=decision, conferred_on=conferred_on)
    return n


def _ningbo(rng, honours) -> dict:
    port = Organisation.objects.filter(name=PORT, region_id=BEILUN).first() or Organisation.objects.create(
        name=PORT, kind=Organisation.Kind.ENTERPRISE, region_id=BEILUN)
    ningbo = Organisation.objects.get(name="宁波市总工会")
    province = Organisation.objects.get(name="浙江省总工会")
    zhu = _person(rng, BEILUN, port, "港口装卸机械司机", name=ZHU[0], idn=ZHU[1])
    nationals = [zhu] + [_person(rng, BEILUN, port, "港口装卸机械司机") for _ in range(9)]
    provincials = [_person(rng, BEILUN, port, "港口机械修理工") for _ in range(27)]
    craftsmen = [_person(rng, BEILUN, port, rng.choice(("电工", "焊工", "港口装卸机械司机"))) for _ in range(64)]
    # National model workers of 2020 (the 16th round, conferred 2020-11-24), each with the provincial honour the
    # rules require first (浙江省五一劳动奖章), itself on top of nothing.
    for i, p in enumerate(nationals):
        _grant(honours, "zj_may_day_medal", p, 2015 + i % 4, publicity=date(2015 + i % 4, 4, 13),
               conferred_on=date(2015 + i % 4, 4, 28), decision=f"浙工发〔{2015 + i % 4}〕{20 + i}号", by=ningbo)
        _grant(honours, "national_model_worker", p, 2020, publicity=date(2020, 10, 12),
               conferred_on=date(2020, 11, 24), decision="中发〔2020〕25号", by=province)
    # Provincial model workers of 2019 on top of a Ningbo city model-worker title (2013–2015 round).
    for p in provincials:
        _grant(honours, "nb_model_worker", p, 2016, publicity=date(2016, 1, 11), conferred_on=date(2016, 2, 3),
               decision="甬政发〔2016〕12号", by=ningbo)
        _grant(honours, "zj_model_worker", p, 2019, publicity=date(2019, 3, 18), conferred_on=date(2019, 4, 26),
               decision="浙委发〔2019〕15号", by=province)
    # 浙江工匠, 2018–2023 rounds.
    for i, p in enumerate(craftsmen):
        year = 2018 + i % 6
        _grant(honours, "zj_craftsman", p, year, publicity=date(year, 9, 3), conferred_on=date(year, 9, 26),
               decision=f"浙工发〔{year}〕{40 + i % 6}号", by=ningbo)
    # The 竺士杰 studio: members from the port's craftsmen, city → provincial → national model studio.
    studio = crew.create_studio(actor=None, name="竺士杰创新工作室", leader=zhu, organisation=port, level="national",
                                founded_on=date(2011, 6, 1))
    crew.add_members(actor=None, subject=studio, people=craftsmen[:8])
    _grant(honours, "city_studio", studio, 2012, publicity=date(2012, 10, 8), conferred_on=date(2012, 11, 1),
           decision="甬工发〔2012〕33号", by=ningbo)
    _grant(honours, "zj_studio", studio, 2014, publicity=date(2014, 10, 13), conferred_on=date(2014, 11, 5),
           decision="浙工发〔2014〕51号", by=province)
    _grant(honours, "national_model_studio", studio, 2018, publicity=date(2018, 10, 15),
           conferred_on=date(2018, 11, 20), decision="总工发〔2018〕28号", by=province)
    # Apprentices (师带徒): two reached their level goal, three are still training.
    for i, apprentice in enumerate(craftsmen[8:13]):
        pair = crew.create_mentorship(actor=None, master=zhu, apprentice=apprentice, started_on=date(2019 + i, 3, 1),
                                      goal="level", goal_level=3)
        if i < 2:
            crew.close_mentorship(actor=None, pair=pair, status="achieved", ended_on=date(2022 + i, 6, 30),
                                  outcome="取得三级/高级工职业技能等级证书")
    crew.add_timeline_event(actor=None, kind="care", on=date(2023, 10, 16), title="劳模疗休养(舟山)", person=zhu,
                            detail="省总工会组织的劳模疗休养,5 天")
    crew.add_timeline_event(actor=None, kind="visit", on=date(2024, 3, 5), title="劳模工匠助企行:桥吊远程操控调试",
                            person=zhu, detail="带领工作室成员到梅山港区解决远控桥吊调试问题")
    return {"nationals": len(nationals), "provincials": len(provincials), "craftsmen": len(craftsmen)}


def _hangzhou(rng, honours) -> dict:
    hz = Organisation.objects.get(name="杭州市总工会")
    firms = list(Organisation.objects.filter(kind="enterprise", region__code__startswith="3301",
                                             region__code__lt="330200").order_by("pk")[:12])
    people = []
    for i in range(24):
        firm = firms[i % len(firms)]
        people.append(_person(rng, firm.region_id, firm, rng.choice(("数控车工", "电工", "数据标注员", "软件测试员"))))
    decided = date(2024, 9, 26)  # 杭州 926 工匠日
    states = {}
    for i, p in enumerate(people[:14]):
        state = ("conferred", "conferred", "conferred", "conferred", "conferred", "nominated", "nominated",
                 "reviewed", "publicised", "publicised", "rejected", "withdrawn", "conferred", "conferred")[i]
        by = p.employer if i % 2 else hz
        route = "enterprise_union" if i % 2 else "federation"
        declared = {"front_line": True, "years_skilled": 12 + i % 8}
        tier = "nominee" if i == 13 else "award"
        if state in ("nominated", "withdrawn", "rejected", "reviewed"):
            n = _grant(honours, "hz_craftsman", p, 2024, publicity=None, conferred_on=None, decision="", by=by,
                       route=route, declared=declared)
            if state == "reviewed":
                flow.review_nomination(actor=None, nomination=n, on=date(2024, 8, 20))
            elif state == "withdrawn":
                flow.withdraw_nomination(actor=None, nomination=n, reason="本人因工作调动申请撤回")
            elif state == "rejected":
                flow.review_nomination(actor=None, nomination=n, on=date(2024, 8, 20))
                flow.reject_nomination(actor=None, nomination=n, reason="评审委员会综合评议未入选")
        elif state == "publicised":
            n = _grant(honours, "hz_craftsman", p, 2024, publicity=date(2024, 9, 9), conferred_on=None, decision="",
                       by=by, route=route, declared=declared)
            if i == 9:
                flow.record_objection(actor=None, nomination=n, received_on=date(2024, 9, 11),
                                      summary="来信反映其参与的技术攻关成果署名有争议")
        else:
            n = _grant(honours, "hz_craftsman", p, 2024, publicity=date(2024, 9, 9), conferred_on=decided,
                       decision="杭政函〔2024〕61号", by=by, route=route, declared=declared, tier=tier)
        states[n.pk] = n.state
    first = Nomination.objects.filter(honour=honours["hz_craftsman"], cycle=2024, state="conferred").order_by("pk")[0]
    flow.revoke_honour(actor=None, nomination=first, reason="经查实申报材料中技术成果弄虚作假",
                       document="杭总工发〔2025〕9号", revoked_on=date(2025, 3, 12))
    # 杭州数字工匠 2024: four through the round, one granted directly for a city contest's first place.
    for i, p in enumerate(people[14:19]):
        direct = i == 4
        _grant(honours, "hz_digital_craftsman", p, 2024, publicity=date(2024, 4, 15), conferred_on=date(2024, 4, 26),
               decision="杭总工发〔2024〕23号", by=hz, direct=direct,
               deeds="2023 年杭州市数字经济职业技能竞赛(数据标注赛项)第一名" if direct else "",
               declared={"front_line": True, "years_skilled": 6})
    return {"hz_craftsman": len(states), "digital": 5}


@transaction.atomic
def build(*, stdout=None, scale: float = 1.0) -> None:
    """Load the talent demo (same at any scale: it is the seed's own numbers)."""
    if Person.objects.filter(id_number_hash=lookup_hash(ZHU[1])).exists():
        if stdout:
            stdout.write(f"劳模工匠:已有 {Nomination.objects.filter(state='conferred').count()} 项授予,跳过")
        return
    honours = {h.code: h for h in Honour.objects.all()}
    rng = random.Random(SEED + 7)
    got = _ningbo(rng, honours)
    hz = _hangzhou(rng, honours)
    # Profiles are computed, never typed in: compute them once so that the profile pages have something to show.
    recompute_profiles(actor=None)
    if stdout:
        stdout.write(f"劳模工匠:宁波舟山港 全国劳模 {got['nationals']}、省劳模 {got['provincials']}、浙江工匠 "
                     f"{got['craftsmen']},竺士杰创新工作室;杭州 2024 年杭州工匠推荐 {hz['hz_craftsman']} 项"
                     f"(各状态,1 项撤销)、杭州数字工匠 {hz['digital']} 名")
