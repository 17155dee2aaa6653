"""The nomination workflow (SPEC §2.2, talent/services/nominations.py): each transition, each refusal (with nothing
written), the audit trail, and quota counting that frees a revoked honour's place from its revocation date.

Cast (tests/conftest.py): 王西湖 works at 西湖数据科技有限公司 (330106) and is a member of its union; 李上城 at 上城
机械有限公司 (330102), a union member and the ``worker`` login; 张北仑 in Ningbo. Working days across holidays are
worked out in test_workdays.py from the State Council's 2024 holiday notice."""

from datetime import date

import pytest

from tests.talent.conftest import confer
from workerhub.core.models import AuditEntry
from workerhub.core.services import ServiceError
from workerhub.talent.models import ComplianceFlag, Nomination, Objection, Team
from workerhub.talent.services import nominations as services

DECLARED = {"front_line": True, "years_skilled": 12}


@pytest.fixture
def officer(world):
    return world.users["hangzhou"]


@pytest.fixture
def nominated(world, honours):
    """西湖数据科技's union puts 王西湖 forward for 杭州工匠 2024."""
    return services.create_nomination(
        actor=world.users["firm_xihu"], honour=honours["hz_craftsman"], cycle=2024, route="enterprise_union",
        nominated_by=world.orgs["firm_xihu"], person=world.people["xihu"], deeds="数控加工技术攻关", declared=DECLARED)


@pytest.fixture
def reviewed(nominated, officer):
    return services.review_nomination(actor=officer, nomination=nominated, on=date(2024, 9, 20))


@pytest.fixture
def publicised(reviewed, officer):
    return services.publicise_nomination(actor=officer, nomination=reviewed, start=date(2024, 9, 29),
                                         end=date(2024, 10, 10))


def audit_rows(n):
    return list(AuditEntry.objects.filter(object_type="talent.nomination", object_id=str(n.pk)).order_by("pk"))


def refused(match, call, *, n=None):
    """The call is refused with ``match`` (its parts split at "…") in the message and writes nothing (no nomination, objection or audit row
    is added; the nomination's state is unchanged)."""
    counts = (Nomination.objects.count(), Objection.objects.count(), AuditEntry.objects.count())
    state = Nomination.objects.get(pk=n.pk).state if n is not None else None
    with pytest.raises(ServiceError) as exc:
        call()
    for part in match.split("…"):
        assert part in str(exc.value)
    assert (Nomination.objects.count(), Objection.objects.count(), AuditEntry.objects.count()) == counts
    if n is not None:
        assert Nomination.objects.get(pk=n.pk).state == state


# --- Nominate --------------------------------------------------------------------------------------------------

def test_an_enterprise_union_nominates_its_worker(world, nominated):
    assert nominated.state == "nominated"
    assert nominated.region_id == "330106" and nominated.subject_name == "王西湖"
    assert nominated.nominated_by == world.orgs["firm_xihu"]
    [row] = audit_rows(nominated)
    assert row.action == "create" and row.actor == world.users["firm_xihu"]
    assert row.changes["state"] == [None, "nominated"]


def test_a_second_nomination_of_the_same_subject_honour_and_cycle_is_refused(world, honours, nominated, officer):
    refused("已有 2024 年度杭州工匠的推荐(状态:已推荐)", lambda: services.create_nomination(
        actor=officer, honour=honours["hz_craftsman"], cycle=2024, route="federation",
        nominated_by=world.orgs["hangzhou"], person=world.people["xihu"]))


def test_after_withdrawal_the_subject_may_be_nominated_again(world, honours, nominated):
    services.withdraw_nomination(actor=world.users["firm_xihu"], nomination=nominated, reason="材料不全")
    assert Nomination.objects.get(pk=nominated.pk).state == "withdrawn"
    again = services.create_nomination(
        actor=world.users["firm_xihu"], honour=honours["hz_craftsman"], cycle=2024, route="enterprise_union",
        nominated_by=world.orgs["firm_xihu"], person=world.people["xihu"], declared=DECLARED)
    assert again.state == "nominated"


def test_nomination_refusals(world, honours, officer):
    xihu, union = world.people["xihu"], world.users["firm_xihu"]
    refused("市级工人先锋号的授予对象为集体", lambda: services.create_nomination(
        actor=officer, honour=honours["city_pioneer"], cycle=2024, route="federation",
        nominated_by=world.orgs["hangzhou"], person=xihu))
    refused("杭州工匠不接受个人自荐", lambda: services.create_nomination(
        actor=None, honour=honours["hz_craftsman"], cycle=2024, route="self", person=xihu))
    refused("全国五一劳动奖章不设提名奖", lambda: services.create_nomination(
        actor=officer, honour=honours["national_may_day_medal"], cycle=2024, route="federation",
        nominated_by=world.orgs["hangzhou"], person=xihu, tier="nominee"))
    refused("杭州工匠没有直接认定的规定", lambda: services.create_nomination(
        actor=officer, honour=honours["hz_craftsman"], cycle=2024, route="federation",
        nominated_by=world.orgs["hangzhou"], person=xihu, direct_grant=True, deeds="x"))
    refused("直接认定须在主要事迹中写明依据", lambda: services.create_nomination(
        actor=officer, honour=honours["hz_digital_craftsman"], cycle=2024, route="federation",
        nominated_by=world.orgs["hangzhou"], person=xihu, direct_grant=True))
    refused("只能推荐本单位的职工", lambda: services.create_nomination(
        actor=union, honour=honours["hz_craftsman"], cycle=2024, route="enterprise_union",
        nominated_by=world.orgs["firm_xihu"], person=world.people["shangcheng"]))
    refused("个人自荐须由本人提交", lambda: services.create_nomination(
        actor=officer, honour=honours["hz_digital_craftsman"], cycle=2024, route="self", person=xihu))
    refused("从事技能工作年限应为 0–60", lambda: services.create_nomination(
        actor=officer, honour=honours["hz_craftsman"], cycle=2024, route="federation",
        nominated_by=world.orgs["hangzhou"], person=xihu, declared={"years_skilled": 80}))


def test_a_worker_nominates_themself_where_the_honour_accepts_it(world, honours):
    n = services.create_nomination(actor=world.users["worker"], honour=honours["hz_digital_craftsman"], cycle=2024,
                                   route="self", person=world.people["shangcheng"])
    assert n.route == "self" and n.nominated_by is None and n.region_id == "330102"


def test_a_federation_cannot_nominate_outside_its_region(world, honours):
    with pytest.raises(PermissionError):
        services.create_nomination(actor=world.users["xihu"], honour=honours["hz_craftsman"], cycle=2024,
                                   route="federation", nominated_by=world.orgs["xihu"],
                                   person=world.people["shangcheng"])
    assert not Nomination.objects.exists()


# --- Review ----------------------------------------------------------------------------------------------------

def test_review_checks_eligibility_and_records_the_outcome(reviewed, officer):
    n = Nomination.objects.get(pk=reviewed.pk)
    assert n.state == "reviewed"
    assert n.eligibility["outcome"]["passed"] is True
    assert n.eligibility["reviewed_on"] == "2024-09-20"
    row = audit_rows(n)[-1]
    assert row.action == "transition" and row.changes["state"] == ["nominated", "reviewed"]
    assert row.actor == officer


def test_review_refuses_an_ineligible_candidate_and_explains(world, honours, officer):
    n = services.create_nomination(actor=officer, honour=honours["hz_craftsman"], cycle=2024, route="federation",
                                   nominated_by=world.orgs["hangzhou"], person=world.people["xihu"],
                                   declared={"front_line": True, "years_skilled": 8})
    refused("从事技能工作 8 年,要求不少于 10 年", lambda: services.review_nomination(
        actor=officer, nomination=n, on=date(2024, 9, 20)), n=n)


def test_review_refuses_while_the_employer_is_on_the_negative_list(world, nominated, officer):
    ComplianceFlag.objects.create(organisation=world.orgs["firm_xihu"], flag="wage_arrears", since=date(2024, 8, 1))
    refused("拖欠工资", lambda: services.review_nomination(actor=officer, nomination=nominated, on=date(2024, 9, 20)),
            n=nominated)


def test_review_needs_the_expert_score_where_the_honour_has_expert_review(world, honours, officer):
    n = services.create_nomination(actor=officer, honour=honours["hz_digital_craftsman"], cycle=2024,
                                   route="federation", nominated_by=world.orgs["hangzhou"], person=world.people["xihu"])
    refused("须录入专家评审得分", lambda: services.review_nomination(actor=officer, nomination=n,
                                                                       on=date(2024, 9, 20)), n=n)
    services.review_nomination(actor=officer, nomination=n, on=date(2024, 9, 20), expert_score="88.5")
    assert str(Nomination.objects.get(pk=n.pk).expert_score) == "88.50"


def test_review_needs_the_prerequisite_honour_from_the_level_below(world, honours, officer):
    n = services.create_nomination(actor=officer, honour=honours["zj_model_worker"], cycle=2024, route="federation",
                                   nominated_by=world.orgs["hangzhou"], person=world.people["xihu"])
    refused("须已获得市(厅)级综合性表彰", lambda: services.review_nomination(
        actor=officer, nomination=n, on=date(2024, 9, 20)), n=n)
    # Once 王西湖 holds a city-level honour (杭州工匠, conferred through the workflow), the ladder is satisfied.
    confer(honours["hz_craftsman"], cycle=2023, conferred_on=date(2023, 11, 20), person=world.people["xihu"])
    services.review_nomination(actor=officer, nomination=n, on=date(2024, 9, 20))
    assert Nomination.objects.get(pk=n.pk).state == "reviewed"


def test_a_team_is_checked_against_its_own_front_line_flag(world, honours, officer):
    team = Team.objects.create(name="数据标注一班", organisation=world.orgs["firm_xihu"], region_id="330106",
                               front_line=False)
    n = services.create_nomination(actor=officer, honour=honours["city_pioneer"], cycle=2024, route="federation",
                                   nominated_by=world.orgs["hangzhou"], team=team)
    refused("须在生产一线", lambda: services.review_nomination(actor=officer, nomination=n, on=date(2024, 9, 20)), n=n)


def test_reject_at_review_needs_a_reason(nominated, officer):
    refused("请填写不予通过的理由", lambda: services.reject_nomination(actor=officer, nomination=nominated, reason=" "),
            n=nominated)
    services.reject_nomination(actor=officer, nomination=nominated, reason="事迹材料不实")
    n = Nomination.objects.get(pk=nominated.pk)
    assert n.state == "rejected" and n.eligibility["rejected"]["reason"] == "事迹材料不实"
    assert audit_rows(n)[-1].changes["reason"] == [None, "事迹材料不实"]


# --- Publicity ---------------------------------------------------------------------------------------------------

def test_publicity_needs_five_working_days_across_national_day(reviewed, officer):
    # 2024-09-29 (make-up Sunday) to 10-09 has 4 working days; to 10-10 has 5 (test_workdays.py).
    refused("只有 4 个工作日,应不少于 5 个…至少公示到 2024-10-10", lambda: services.publicise_nomination(
        actor=officer, nomination=reviewed, start=date(2024, 9, 29), end=date(2024, 10, 9)), n=reviewed)
    services.publicise_nomination(actor=officer, nomination=reviewed, start=date(2024, 9, 29), end=date(2024, 10, 10))
    n = Nomination.objects.get(pk=reviewed.pk)
    assert (n.state, n.publicity_start, n.publicity_end) == ("publicised", date(2024, 9, 29), date(2024, 10, 10))
    assert audit_rows(n)[-1].changes["workdays"] == [None, 5]


def test_publicity_in_a_year_without_calendar_data_is_refused(reviewed, officer):
    refused("2027 年的法定节假日安排尚无数据", lambda: services.publicise_nomination(
        actor=officer, nomination=reviewed, start=date(2026, 12, 28), end=date(2027, 1, 8)), n=reviewed)


def test_transitions_out_of_order_are_refused(nominated, officer):
    refused("推荐当前为“已推荐”,不能公示", lambda: services.publicise_nomination(
        actor=officer, nomination=nominated, start=date(2024, 9, 29), end=date(2024, 10, 10)), n=nominated)
    refused("推荐当前为“已推荐”,不能授予", lambda: services.confer_honour(
        actor=officer, nomination=nominated, decision_number="杭总〔2024〕1号", conferred_on=date(2024, 10, 20)),
        n=nominated)
    refused("推荐当前为“已推荐”,不能撤销", lambda: services.revoke_honour(
        actor=officer, nomination=nominated, reason="x", document="y", revoked_on=date(2024, 10, 20)), n=nominated)


def test_withdrawal_is_refused_once_publicised(world, publicised):
    refused("推荐当前为“公示中”,不能撤回", lambda: services.withdraw_nomination(
        actor=world.users["firm_xihu"], nomination=publicised), n=publicised)


# --- Objections and conferral --------------------------------------------------------------------------------------

def test_confer_after_publicity_with_decision_number_and_date(publicised, officer):
    services.confer_honour(actor=officer, nomination=publicised, decision_number="杭政函〔2024〕88号",
                           conferred_on=date(2024, 10, 25))
    n = Nomination.objects.get(pk=publicised.pk)
    assert (n.state, n.decision_number, n.conferred_on) == ("conferred", "杭政函〔2024〕88号", date(2024, 10, 25))
    changes = audit_rows(n)[-1].changes
    assert changes["state"] == ["publicised", "conferred"] and changes["decision_number"] == ["", "杭政函〔2024〕88号"]


def test_confer_refusals(publicised, officer):
    refused("授予日期应在公示期满之后", lambda: services.confer_honour(
        actor=officer, nomination=publicised, decision_number="杭政函〔2024〕88号", conferred_on=date(2024, 10, 10)),
        n=publicised)
    refused("请填写决定文号", lambda: services.confer_honour(
        actor=officer, nomination=publicised, decision_number="", conferred_on=date(2024, 10, 25)), n=publicised)


def test_an_unresolved_objection_blocks_conferral_until_resolved(publicised, officer):
    objection = services.record_objection(actor=officer, nomination=publicised, received_on=date(2024, 10, 8),
                                          summary="反映其从事技能工作年限不足")
    refused("还有 1 条异议未处理", lambda: services.confer_honour(
        actor=officer, nomination=publicised, decision_number="杭政函〔2024〕88号", conferred_on=date(2024, 10, 25)),
        n=publicised)
    services.resolve_objection(actor=officer, objection=objection, upheld=False, resolution="经核查,社保记录显示从业12年",
                               resolved_on=date(2024, 10, 12))
    services.confer_honour(actor=officer, nomination=publicised, decision_number="杭政函〔2024〕88号",
                           conferred_on=date(2024, 10, 25))
    assert Nomination.objects.get(pk=publicised.pk).state == "conferred"
    kinds = [r.changes.get("objection", [None, ""])[1][:12] for r in audit_rows(publicised) if "objection" in r.changes]
    assert len(kinds) == 2  # received, resolved


def test_an_upheld_objection_leads_to_rejection_not_conferral(publicised, officer):
    refused("只能因异议成立而不予授予", lambda: services.reject_nomination(
        actor=officer, nomination=publicised, reason="x"), n=publicised)
    objection = services.record_objection(actor=officer, nomination=publicised, received_on=date(2024, 10, 8),
                                          summary="事迹与实际不符")
    services.resolve_objection(actor=officer, objection=objection, upheld=True, resolution="经核查属实",
                               resolved_on=date(2024, 10, 11))
    refused("有成立的异议,不能授予", lambda: services.confer_honour(
        actor=officer, nomination=publicised, decision_number="杭政函〔2024〕88号", conferred_on=date(2024, 10, 25)),
        n=publicised)
    services.reject_nomination(actor=officer, nomination=publicised, reason="公示期间异议成立")
    assert Nomination.objects.get(pk=publicised.pk).state == "rejected"


def test_objection_refusals(reviewed, publicised, officer):
    refused("请填写异议内容", lambda: services.record_objection(
        actor=officer, nomination=publicised, received_on=date(2024, 10, 8), summary=""), n=publicised)
    refused("收到日期不能早于公示开始日期", lambda: services.record_objection(
        actor=officer, nomination=publicised, received_on=date(2024, 9, 1), summary="x"), n=publicised)
    objection = services.record_objection(actor=officer, nomination=publicised, received_on=date(2024, 10, 8),
                                          summary="x")
    services.resolve_objection(actor=officer, objection=objection, upheld=False, resolution="不成立",
                               resolved_on=date(2024, 10, 9))
    refused("该异议已处理", lambda: services.resolve_objection(
        actor=officer, objection=objection, upheld=True, resolution="y", resolved_on=date(2024, 10, 9)))


# --- Revocation ---------------------------------------------------------------------------------------------------

def test_revoke_needs_reason_and_document(world, honours, officer):
    n = confer(honours["hz_craftsman"], cycle=2024, conferred_on=date(2024, 10, 25), person=world.people["xihu"])
    refused("请填写撤销原因", lambda: services.revoke_honour(
        actor=officer, nomination=n, reason="", document="杭政函〔2025〕3号", revoked_on=date(2025, 3, 1)), n=n)
    refused("请填写撤销决定文号", lambda: services.revoke_honour(
        actor=officer, nomination=n, reason="弄虚作假", document="", revoked_on=date(2025, 3, 1)), n=n)
    refused("撤销日期不能早于授予日期", lambda: services.revoke_honour(
        actor=officer, nomination=n, reason="弄虚作假", document="杭政函〔2025〕3号", revoked_on=date(2024, 1, 1)), n=n)
    services.revoke_honour(actor=officer, nomination=n, reason="弄虚作假骗取荣誉", document="杭政函〔2025〕3号",
                           revoked_on=date(2025, 3, 1))
    n = Nomination.objects.get(pk=n.pk)
    assert (n.state, n.revoked_on, n.revoke_reason, n.revoke_document) == (
        "revoked", date(2025, 3, 1), "弄虚作假骗取荣誉", "杭政函〔2025〕3号")
    assert audit_rows(n)[-1].changes["state"] == ["conferred", "revoked"]


def test_every_step_of_the_workflow_is_audited(world, honours):
    n = confer(honours["hz_craftsman"], cycle=2024, conferred_on=date(2024, 10, 25), person=world.people["xihu"])
    states = [r.changes["state"] for r in audit_rows(n)]
    assert states == [[None, "nominated"], ["nominated", "reviewed"], ["reviewed", "publicised"],
                      ["publicised", "conferred"]]


# --- Quotas ---------------------------------------------------------------------------------------------------------

def test_quota_is_checked_at_publicity_and_a_revoked_honour_frees_its_place_from_its_revocation_date(
        world, honours, officer):
    """Worked example with a quota of 1 杭州工匠 for Hangzhou in 2024: 王西湖 is conferred on 2024-10-25 and the honour
    is revoked on 2025-03-01. 李上城's publicity starting 2025-02-24 finds the place taken (the revocation is still
    ahead); starting 2025-03-03 it finds it free. A 提名奖 (nominee tier) never takes a place."""
    honour = honours["hz_craftsman"]
    honour.quotas = {"330100": 1}
    honour.save()
    first = confer(honour, cycle=2024, conferred_on=date(2024, 10, 25), person=world.people["xihu"])
    services.revoke_honour(actor=officer, nomination=first, reason="弄虚作假", document="杭政函〔2025〕3号",
                           revoked_on=date(2025, 3, 1))
    second = services.create_nomination(actor=officer, honour=honour, cycle=2024, route="federation",
                                        nominated_by=world.orgs["hangzhou"], person=world.people["shangcheng"],
                                        declared=DECLARED)
    services.review_nomination(actor=officer, nomination=second, on=date(2025, 2, 20))
    refused("2024 年度杭州工匠名额已满:2025-02-24 已占名额 1 个,名额 1 个,已满", lambda: services.publicise_nomination(
        actor=officer, nomination=second, start=date(2025, 2, 24), end=date(2025, 2, 28)), n=second)
    services.publicise_nomination(actor=officer, nomination=second, start=date(2025, 3, 3), end=date(2025, 3, 7))
    assert Nomination.objects.get(pk=second.pk).state == "publicised"


def test_nominee_tier_and_direct_grants_are_outside_the_quota(world, honours, officer):
    honour = honours["hz_craftsman"]
    honour.quotas = {"330100": 1}
    honour.save()
    confer(honour, cycle=2024, conferred_on=date(2024, 10, 25), person=world.people["xihu"])
    nominee = confer(honour, cycle=2024, conferred_on=date(2024, 10, 25), person=world.people["shangcheng"],
                     tier="nominee")
    assert nominee.state == "conferred" and nominee.tier == "nominee"
    digital = honours["hz_digital_craftsman"]
    digital.quotas = {"330100": 1}
    digital.save()
    confer(digital, cycle=2024, conferred_on=date(2024, 10, 25), person=world.people["xihu"], expert_score=90)
    direct = confer(digital, cycle=2024, conferred_on=date(2024, 10, 25), person=world.people["shangcheng"],
                    direct_grant=True, expert_score=95)
    assert direct.state == "conferred" and direct.direct_grant


def test_a_quota_is_rechecked_at_conferral(world, honours, officer):
    """Two publicised under a quota of 2, then the quota is lowered to 1 (a corrected notice): the second conferral
    is refused."""
    honour = honours["hz_craftsman"]
    honour.quotas = {"330100": 2}
    honour.save()
    ns = []
    for key in ("xihu", "shangcheng"):
        n = services.create_nomination(actor=officer, honour=honour, cycle=2024, route="federation",
                                       nominated_by=world.orgs["hangzhou"], person=world.people[key], declared=DECLARED)
        services.review_nomination(actor=officer, nomination=n, on=date(2024, 9, 20))
        services.publicise_nomination(actor=officer, nomination=n, start=date(2024, 9, 29), end=date(2024, 10, 10))
        ns.append(n)
    honour.quotas = {"330100": 1}
    honour.save()
    refused("名额已满", lambda: services.confer_honour(actor=officer, nomination=ns[0], decision_number="杭1号",
                                                    conferred_on=date(2024, 10, 25)), n=ns[0])
