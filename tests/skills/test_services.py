"""Exam sessions end to end through the services: registration with explained refusals, scores, publishing with
two certificates per pass in one transaction, idempotence, amendments and revocation (SPEC §3.3–§3.4)."""

from datetime import date

import pytest
from django.db import IntegrityError

from tests.conftest import make_person
from workerhub.core.models import AuditEntry
from workerhub.core.services import ServiceError
from workerhub.skills import keys, selectors, services
from workerhub.skills.certnumbers import parse_enterprise_number, parse_skill_number
from workerhub.skills.models import Certificate, Registration, ScoreAmendment

SIX_YEARS = {"years_in_trade": 6}


def register_all(world, exam, people, **declared):
    return [services.register_candidate(actor=world.users["wenzhou_eval"], session=exam["session"], person=p,
                                        declared=declared or SIX_YEARS, via="evaluator") for p in people]


def score(world, exam, marks):
    rows = [services.ScoreRow(registration_id=r.pk, theory=t, practical=p) for r, (t, p) in marks]
    return services.record_scores(actor=world.users["wenzhou_eval"], session=exam["session"], rows=rows)


def test_registration_refusal_explains_every_route(world, exam, candidates):
    with pytest.raises(ServiceError) as err:
        services.register_candidate(actor=world.users["wenzhou_eval"], session=exam["session"],
                                    person=candidates[0], declared={"years_in_trade": 2})
    text = str(err.value)
    # 四级 routes (occupations.json default): 五级 + 2 years, 6 years in the trade, 技工学校/中职 graduate.
    assert "不符合 四级/中级工 申报条件" in text
    assert "从事本职业 2.0 年，要求不少于 6 年" in text
    assert "要求已取得 五级/初级工 或以上证书" in text
    assert not Registration.objects.exists()


def test_registration_accepts_a_graduate_and_a_held_certificate(world, exam, candidates):
    a = services.register_candidate(actor=None, session=exam["session"], person=candidates[0],
                                    declared={"education": "中职", "education_in_field": True})
    b = services.register_candidate(actor=None, session=exam["session"], person=candidates[1],
                                    declared={"held_level": 5, "held_since": "2021-06-01"})
    assert a.eligibility["message"] == "符合 四级/中级工 申报条件：技工学校或中职本专业毕业"
    assert b.eligibility["message"] == "符合 四级/中级工 申报条件：取得五级证书后从事本职业2年以上"


def test_capacity_and_duplicates_are_refused(world, exam, candidates):
    register_all(world, exam, candidates)  # capacity is 3
    extra = make_person("吴满员", "330304199504044568", "330304")
    with pytest.raises(ServiceError, match="名额 3 人已满"):
        register_all(world, exam, [extra])
    exam["session"].capacity = 5
    exam["session"].save()
    with pytest.raises(ServiceError, match="已报名"):
        register_all(world, exam, candidates[:1])


def test_bad_score_rows_change_nothing(world, exam, candidates):
    regs = register_all(world, exam, candidates)
    result = score(world, exam, [(regs[0], (75, 80)), (regs[1], (101, 70)), (regs[2], ("abc", 60))])
    assert result.written == 0 and len(result.errors) == 2
    assert "理论知识成绩应为0–100" in result.errors[0]
    assert not Registration.objects.filter(theory__isnull=False).exists()


def test_publish_issues_two_certificates_per_pass_and_none_for_a_fail(world, exam, candidates):
    regs = register_all(world, exam, candidates)
    score(world, exam, [(regs[0], (75, 80)), (regs[1], (60, 60)), (regs[2], (59.5, 90))])
    out = services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"],
                                   issued_on=date(2024, 3, 12))
    assert (out.passed, out.failed, out.issued) == (2, 1, 4)
    certs = Certificate.objects.order_by("number")
    assert certs.count() == 4
    assert not Certificate.objects.filter(person=candidates[2]).exists()
    skill = Certificate.objects.get(person=candidates[0], kind="skill_level")
    parsed = parse_skill_number(skill.number)
    # S + 0133 + 33 (Zhejiang) + site 000001 + 24 + level 4 + serial 000001
    assert (parsed.issuer_type, parsed.institution_code, parsed.province, parsed.site_serial, parsed.year,
            parsed.level, parsed.serial) == ("S", "0133", "33", "000001", "24", 4, "000001")
    assert skill.issuer == world.orgs["college"] and skill.holder_id_masked == "330304********1238"
    ent = Certificate.objects.get(person=candidates[0], kind="enterprise")
    assert parse_enterprise_number(ent.number).uscc == exam["partner"].credit_code
    assert ent.issuer == exam["partner"]
    # Recognised by the alliance members that recognise its certificates (firm_xihu joined without recognising).
    assert set(ent.recognised_by.values_list("name", flat=True)) == {
        "浙江安防职业技术学院", "温州数安港科技有限公司", "温州数据标注服务有限公司"}
    assert keys.verified_number(skill.token) == skill.number


def test_publishing_twice_issues_nothing_new(world, exam, candidates):
    regs = register_all(world, exam, candidates)
    score(world, exam, [(r, (80, 80)) for r in regs])
    services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"])
    again = services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"])
    assert again.already_published and again.issued == 0 and again.passed == 3
    assert Certificate.objects.count() == 6
    # The database refuses a second certificate of a kind for one pass even if a service forgot to check.
    cert = Certificate.objects.filter(kind="skill_level").first()
    with pytest.raises(IntegrityError):
        Certificate.objects.create(**{f.attname: getattr(cert, f.attname) for f in Certificate._meta.concrete_fields
                                      if f.name not in ("id", "number")}, number="S013333000001244999999")


def test_publish_refuses_missing_scores_and_scores_freeze_after(world, exam, candidates):
    regs = register_all(world, exam, candidates)
    score(world, exam, [(regs[0], (80, 80))])
    with pytest.raises(ServiceError, match="林芳.*缺少成绩"):
        services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"])
    services.record_scores(actor=world.users["wenzhou_eval"], session=exam["session"], rows=[
        services.ScoreRow(registration_id=regs[1].pk, absent=True),
        services.ScoreRow(registration_id=regs[2].pk, theory=40, practical=70)])
    out = services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"])
    assert (out.passed, out.failed, out.absent) == (1, 1, 1)
    with pytest.raises(ServiceError, match="冻结"):
        score(world, exam, [(regs[2], (90, 90))])


def test_a_database_error_mid_issue_leaves_nothing_and_a_retry_completes(world, exam, candidates):
    regs = register_all(world, exam, candidates)
    score(world, exam, [(r, (80, 80)) for r in regs])
    # A stray row already holds the number the second candidate's skill certificate will get: the bulk insert
    # fails half-way through publishing.
    first = Certificate(number="S013333000001244000002", kind="skill_level", person=candidates[2],
                        holder_name="x", holder_id_masked="x", occupation=exam["occupation"], occupation_name="x",
                        level=4, issuer=world.orgs["college"], issuer_name="x", issued_on=date(2024, 1, 1),
                        region_id="330304", token="x")
    first.save()
    with pytest.raises(IntegrityError):
        services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"],
                                 issued_on=date(2024, 3, 12))
    exam["session"].refresh_from_db()
    assert exam["session"].status == "open"
    assert Certificate.objects.count() == 1 and not Registration.objects.exclude(result="pending").exists()
    first.delete()
    out = services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"],
                                   issued_on=date(2024, 3, 12))
    assert out.issued == 6 and Certificate.objects.count() == 6


def test_levels_one_and_two_need_a_passed_review(world, exam, candidates):
    from workerhub.skills.models import Certificate as C

    session = exam["session"]
    session.level = 2
    session.save()
    reg = services.register_candidate(actor=None, session=session, person=candidates[0],
                                      declared={"held_level": 3, "held_since": "2018-01-01"})
    score(world, exam, [(reg, (90, 90))])
    with pytest.raises(ServiceError, match="尚未完成综合评审"):
        services.publish_results(actor=world.users["wenzhou_eval"], session=session)
    services.record_scores(actor=world.users["wenzhou_eval"], session=session, rows=[
        services.ScoreRow(registration_id=reg.pk, theory=90, practical=90, review_passed=False)])
    out = services.publish_results(actor=world.users["wenzhou_eval"], session=session)
    assert out.failed == 1 and not C.objects.exists()


def test_amendment_after_publishing_is_audited_and_reissues(world, exam, candidates):
    regs = register_all(world, exam, candidates[:1])
    score(world, exam, [(regs[0], (58, 80))])
    services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"])
    assert not Certificate.objects.exists()
    with pytest.raises(ServiceError, match="更正原因"):
        services.amend_score(actor=world.users["wenzhou_eval"], registration=regs[0], theory=62, reason="")
    services.amend_score(actor=world.users["wenzhou_eval"], registration=regs[0], theory=62, reason="复核加分")
    assert Certificate.objects.filter(person=candidates[0]).count() == 2
    amendment = ScoreAmendment.objects.get()
    assert (amendment.old_value, amendment.new_value, amendment.reason) == ("58.0", "62", "复核加分")
    assert AuditEntry.objects.filter(object_type="skills.registration", action="change").exists()
    # Back to a fail: both certificates are revoked with the correction as the reason.
    services.amend_score(actor=world.users["wenzhou_eval"], registration=regs[0], theory=50, reason="登分错误")
    assert set(Certificate.objects.values_list("status", flat=True)) == {"revoked"}


def test_revocation_shows_in_public_verification(world, exam, candidates):
    regs = register_all(world, exam, candidates[:1])
    score(world, exam, [(regs[0], (80, 80))])
    services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"], issued_on=date(2024, 3, 12))
    skill = Certificate.objects.get(kind="skill_level")
    with pytest.raises(ServiceError, match="须填写原因"):
        services.revoke_certificate(actor=world.users["wenzhou_eval"], certificate=skill, reason=" ")
    done = services.revoke_certificate(actor=world.users["wenzhou_eval"], certificate=skill, reason="考试作弊",
                                       document="温人社鉴〔2024〕7号", on=date(2024, 4, 1), include_twin=True)
    assert len(done) == 2
    answer = selectors.verify_by_number(skill.number, "陈晓明")
    assert answer == {**answer, "valid": False, "status": "revoked", "holder": "陈*明", "revoked_on": "2024-04-01"}
    with pytest.raises(ServiceError, match="已于 2024-04-01 撤销"):
        services.revoke_certificate(actor=world.users["wenzhou_eval"], certificate=skill, reason="again")


def test_wrong_name_is_not_found_and_reveals_nothing(world, exam, candidates):
    regs = register_all(world, exam, candidates[:1])
    score(world, exam, [(regs[0], (80, 80))])
    services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"])
    skill = Certificate.objects.get(kind="skill_level")
    right = selectors.verify_by_number(skill.number.lower() + " ", " 陈晓明")
    assert right["status"] == "valid" and right["level"] == "四级/中级工" and right["occupation"] == "数据标注员"
    wrong = selectors.verify_by_number(skill.number, "陈小明")
    unknown = selectors.verify_by_number("S013333000001244000099", "陈晓明")
    assert wrong == {**unknown, "number": skill.number}
    assert wrong["status"] == "not_found" and wrong["holder"] is None


def test_people_outside_the_scope_cannot_be_registered_by_an_enterprise_union(world, exam, candidates):
    with pytest.raises(PermissionError):
        services.register_candidate(actor=world.users["firm_xihu"], session=exam["session"], person=candidates[0],
                                    declared=SIX_YEARS)
